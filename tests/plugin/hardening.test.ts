import { strict as assert } from "node:assert";
import * as path from "node:path";
import {
  CLIENT,
  CLIENT_SECRET,
  P,
  TENANT,
  scanForSecrets,
  seed,
  startLossyProxy,
} from "../hardening/helpers";
import { NativeStack, OFFER_TYPE, pluginProcesses, said, sleep, until, usePluginStacks } from "./stacks";

/**
 * The hardening suites' two engine-level guarantees, for a native-plugin stack: no secret (the
 * client secret, any token the provider was issued) in the engine's output, the exported state or
 * any file under the stack's directories, whichever way a run ends; and a plugin that ends with
 * its engine (docs/design.md §4 "Two fronts over one lifecycle").
 */
const programModule = path.join(__dirname, "fixtures", "nativeProgram.js");

describe("hardening: the native plugin through the real engine", function () {
  this.timeout(300_000);
  // HTTPS: the provider signs in with its client secret through @azure/identity.
  const plugin = usePluginStacks(seed, { tls: true });
  const posts = () => plugin.emu.countRequests({ method: "POST", pathIncludes: "/cancel" });

  const stackFor = (
    offerId: string,
    config: Record<string, string | { value: string; secret: boolean }> = {},
  ) => {
    plugin.emu.configureOffer(P, offerId, { cancelSeconds: 60 });
    plugin.emu.startOperation(P, offerId, "publish", 3600);
    return plugin.stack({
      programModule,
      stackName: offerId,
      withToken: false,
      config: { "e2e:publisherId": P, "e2e:offerId": offerId, ...config },
    });
  };

  it("the client secret and the tokens it bought appear nowhere: preview, Ctrl-C, resume, refresh, destroy", async () => {
    // Tokens are fetched through a tap, so the search covers values the test never chose.
    const aad = await startLossyProxy(plugin.emu.url, { tls: true });
    try {
      const s: NativeStack = await stackFor("secret-offer", {
        "marketplace:tenantId": TENANT,
        "marketplace:clientId": CLIENT,
        "marketplace:clientSecret": { value: CLIENT_SECRET, secret: true },
        "marketplace:authorityHost": aad.origin,
      });
      const texts: string[] = [];
      texts.push(said(await s.preview()));

      const abort = new AbortController();
      const up = s.attempt("up", { signal: abort.signal });
      await until(() => posts() === 1, "the cancel POST");
      await sleep(2000);
      abort.abort();
      const interrupted = await up;
      assert.equal(interrupted.ok, false);
      texts.push(said(interrupted), interrupted.ok ? "" : interrupted.error.message);
      const [pending] = (await s.resources()).filter((r) => r.type === OFFER_TYPE);
      assert.equal((pending.outputs as Record<string, unknown>).status, "pending");

      plugin.emu.advanceClock(60);
      plugin.emu.expireTokens();
      texts.push(said(await s.up()), said(await s.refresh()));
      assert.ok(aad.tokens.length >= 2, "a token before and one after the expiry went through the tap");
      const { stdout, code } = await s.cli(["stack", "export"]);
      assert.equal(code, 0);
      texts.push(stdout);
      texts.push(said(await s.destroy()));

      const secrets = [CLIENT_SECRET, ...aad.tokens];
      const leaks = scanForSecrets("native-plugin stack", texts, secrets);
      for (const secret of secrets) leaks.push(...s.filesContaining(secret).map((f) => `file ${f}`));
      assert.deepEqual(leaks, []);
      assert.equal(posts(), 1);
    } finally {
      await aad.close();
    }
  });

  it("kill -9 of the engine mid-wait: the plugin process exits too", async () => {
    // A token of its own: the test above expired every token issued before it.
    const token = plugin.emu.issueToken({ publishers: [P] });
    const s = await stackFor("killed-offer", { "marketplace:accessToken": { value: token, secret: true } });
    plugin.emu.clearRequests();
    const child = s.startUpInChild();
    await child.waitFor(() => posts() === 1, 120_000);
    await sleep(1000);
    // Only the engine's process group dies, as with `kill -9`, a closed terminal or a runner that
    // gives up: the plugin, in a process group of its own, must notice and go by itself.
    const killed = await child.killEngine();
    assert.equal(pluginProcesses(killed.plugins).length, 1, JSON.stringify(killed.plugins));
    assert.deepEqual(await killed.survivorsAfter(10_000), [], "plugin processes outlived the engine");
    assert.equal(posts(), 1);
  });
});

import { strict as assert } from "node:assert";
import * as path from "node:path";
import { ensurePulumi } from "../../tools/engine/ensurePulumi";
import { EngineStack, providerHosts } from "../../tools/engine/stack";
import { figures } from "./figures";
import {
  CLIENT,
  CLIENT_SECRET,
  FaultyEmulator,
  P,
  TENANT,
  TOKEN,
  scanForSecrets,
  startFakeCpp,
  startLossyProxy,
} from "./helpers";

/**
 * Faults and secrets through the real Pulumi engine (the pinned CLI, the dynamic-provider plugin,
 * the Automation API): an `up` killed mid-wait under faults and resumed after the service
 * restarted and the token expired; failing runs (a timeout, a service that repeats the token in
 * its errors) searched for the token in the engine output, the exported state and every file of
 * the stack. What is asserted is what users see and what the service received.
 */
const TYPE = "pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation";
const programModule = path.join(__dirname, "..", "e2e", "fixtures", "cancelProgram.js");

/** Fast retries and short request timeouts, for the CLI, the engine and the provider it starts. */
const envVars = {
  MARKETPLACE_RETRY_BASE_DELAY_MS: "20",
  MARKETPLACE_REQUEST_TIMEOUT_MS: "3000",
  MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS: "20000",
};

/** Everything the user sees of an operation: the provider's lines reach stderr with --diff. */
const said = (op: { output: string; stderr: string }) => `${op.output}\n${op.stderr}`;

async function counted<T>(op: Promise<T>): Promise<T> {
  figures.engineOperations++;
  return op;
}

/** `pulumi stack export` as a user runs it (the Automation API's export adds --show-secrets). */
async function exported(s: EngineStack): Promise<string> {
  const { stdout, code } = await counted(s.cli(["stack", "export"]));
  assert.equal(code, 0);
  return stdout;
}

/** The token must be nowhere: not in the texts, not in the exported state, not in any file. */
async function assertNoSecrets(
  s: EngineStack,
  where: string,
  texts: string[],
  secrets: string[],
): Promise<void> {
  const leaks = scanForSecrets(where, [...texts, await exported(s)], secrets);
  for (const secret of secrets) {
    figures.placesSearched++;
    const files = s.filesContaining(secret);
    figures.leakedTokens += files.length;
    leaks.push(...files.map((f) => `${where}: file ${f}`));
  }
  assert.deepEqual(leaks, []);
}

describe("hardening: faults and secrets through the real Pulumi engine", function () {
  this.timeout(300_000);
  const stacks: EngineStack[] = [];
  before(async () => {
    await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) });
  });
  after(async () => {
    for (const s of stacks) await s.cleanup();
  });

  async function stackFor(
    endpoint: string,
    offerId: string,
    config: Record<string, string | { value: string; secret: boolean }>,
  ) {
    const s = await EngineStack.create({
      programModule,
      envVars,
      stackName: offerId.replace(/[^a-z0-9-]/gi, "").slice(0, 40),
      config: { "e2e:publisherId": P, "e2e:offerId": offerId, "e2e:endpoint": endpoint, ...config },
    });
    stacks.push(s);
    return s;
  }

  it("an up killed mid-wait under faults resumes after a service restart and an expired token: one cancel, nothing lost", async () => {
    // HTTPS: the provider signs in with its client secret through @azure/identity.
    const fe = await FaultyEmulator.start(1, true);
    // Tokens are fetched through a tap, so the test can search for values it never chose.
    const aad = await startLossyProxy(fe.url, { tls: true });
    try {
      const { offerId, operationId } = fe.newOffer("killed", { cancelSeconds: 30 });
      const s = await stackFor(fe.url, offerId, {
        "marketplace:tenantId": TENANT,
        "marketplace:clientId": CLIENT,
        "marketplace:clientSecret": { value: CLIENT_SECRET, secret: true },
        "marketplace:authorityHost": aad.origin,
      });
      // First up: throttled list, a throttled cancel (HTTP-date Retry-After), 500s, a dropped
      // connection and a garbled body while it waits.
      fe.offerFault(offerId, "list", { type: "status", status: 429, retryAfter: "0" }, 2);
      fe.offerFault(offerId, "cancel", {
        type: "status",
        status: 503,
        retryAfter: new Date(Date.now() + 1000).toUTCString(),
      });
      fe.offerFault(offerId, "poll", { type: "status", status: 500 }, 2);
      fe.offerFault(offerId, "poll", { type: "drop" });
      fe.offerFault(offerId, "poll", { type: "malformedJson" });

      const child = s.startUpInChild();
      figures.engineOperations++;
      await child.waitFor(new RegExp(`${offerId}: .*\\(poll \\d+, next in`), 180_000);
      // The token expires mid-wait: the provider gets a fresh one and keeps polling.
      fe.emu.expireTokens();
      await child.waitFor(() => aad.tokens.length >= 2, 60_000);
      const seen = child.output().length;
      await child.waitFor(() => /\(poll \d+, next in/.test(child.output().slice(seen)), 60_000);
      // Only the engine dies (its process group): the provider must go by itself within 10 s.
      const killed = await child.killEngine();
      assert.equal(providerHosts(killed.plugins).length, 1, JSON.stringify(killed.plugins));
      assert.deepEqual(await killed.survivorsAfter(10_000), [], "provider processes outlived the engine");
      const firstRun = child.output();
      assert.equal(fe.acceptedCancels(offerId), 1, firstRun);
      assert.match(firstRun, /retry 1 of POST .*HTTP 503/, firstRun);
      assert.ok(fe.emu.getOffer(P, offerId).currentOperation, "still running when the engine died");

      // While nobody watches: the service restarts (state kept) and the cancellation finishes.
      await fe.emu.restart({ downtimeMs: 1000 });
      fe.emu.advanceClock(60);
      figures.faultsInjected += 3; // expiry, kill, restart
      fe.offerFault(offerId, "list", { type: "status", status: 503, retryAfter: "0" }, 2);

      const recovery = await counted(s.recoverAfterKill());
      figures.engineOperations += 1; // recoverAfterKill runs cancel and refresh
      const up = await counted(s.up());
      const text = said(up);
      assert.match(
        text,
        /was interrupted before it was recorded; resuming its wait \(no new cancel is sent\)/,
        text,
      );
      assert.equal(fe.acceptedCancels(offerId), 1, "no second cancel");
      if (fe.acceptedCancels(offerId) > 1) figures.duplicatePosts += fe.acceptedCancels(offerId) - 1;

      const [res] = (await s.resources()).filter((r) => r.type === TYPE);
      const outs = res.outputs as Record<string, unknown>;
      if (outs.status !== "succeeded") figures.lostStates++;
      assert.equal(outs.status, "succeeded");
      assert.equal((outs.canceledOperation as { id: string }).id, operationId);
      assert.equal((await s.pendingOperations()).length, 0);
      await fe.settle();

      await assertNoSecrets(
        s,
        "killed and resumed",
        [firstRun, recovery.refreshOutput, text],
        [CLIENT_SECRET, ...aad.tokens],
      );
      await counted(s.destroy());
      figures.faultScenarios++;
    } finally {
      await aad.close();
      await fe.close();
    }
  });

  it("failing runs keep the token secret: a timeout that leaves a pending wait, refresh, resume", async () => {
    const fe = await FaultyEmulator.start();
    try {
      const { offerId, operationId } = fe.newOffer("timeout", { cancelSeconds: 3600 });
      // The token as a resource input: it is echoed into the outputs, which must stay encrypted
      // even when the engine records them from a failed create.
      const s = await stackFor(fe.url, offerId, {
        "e2e:inputToken": { value: TOKEN, secret: true },
        "e2e:timeoutSeconds": "2",
      });
      fe.offerFault(offerId, "poll", { type: "status", status: 429, retryAfter: "0" }, 2);
      const failed = await counted(s.attempt("up"));
      assert.equal(failed.ok, false);
      assert.match(
        said(failed),
        /recorded as pending; run `pulumi up` again to resume waiting \(no second cancel is sent\)/,
        said(failed),
      );
      const [pending] = (await s.resources()).filter((r) => r.type === TYPE);
      assert.equal((pending.outputs as Record<string, unknown>).status, "pending");
      await assertNoSecrets(s, "timed-out up", [said(failed), failed.error.message], [TOKEN]);

      const refreshed = await counted(s.refresh());
      fe.emu.advanceClock(3600);
      await s.setConfig("e2e:timeoutSeconds", "60");
      const resumed = await counted(s.up());
      assert.match(said(resumed), /resuming the wait for the cancellation requested at/);
      assert.equal(fe.acceptedCancels(offerId), 1, "no second cancel");
      const outputs = await s.outputs();
      assert.equal(outputs.status.value, "succeeded");
      assert.equal((outputs.canceledOperation.value as { id: string }).id, operationId);
      await fe.settle();
      await assertNoSecrets(s, "refresh and resumed up", [said(refreshed), said(resumed)], [TOKEN]);
      await counted(s.destroy());
      figures.faultScenarios++;
    } finally {
      await fe.close();
    }
  });

  it("a service that repeats the token in its errors: the failing up shows it nowhere", async () => {
    const fake = await startFakeCpp((call, res) => {
      const raw = (call.authorization ?? "").replace(/^Bearer /, "");
      res.writeHead(400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { code: "InvalidToken", message: `Token ${raw} (${call.authorization}) rejected.` },
        }),
      );
      return true;
    });
    try {
      const s = await stackFor(fake.origin, "echo-offer", {
        "marketplace:accessToken": { value: TOKEN, secret: true },
      });
      const failed = await counted(s.attempt("up"));
      assert.equal(failed.ok, false);
      assert.match(said(failed), /failed with HTTP 400, code InvalidToken: Token <redacted>/, said(failed));
      assert.ok(
        fake.calls.some((c) => c.authorization === `Bearer ${TOKEN}`),
        "the token was sent to the service",
      );
      await assertNoSecrets(s, "echoing service", [said(failed), failed.error.message], [TOKEN]);
    } finally {
      await fake.close();
    }
  });
});

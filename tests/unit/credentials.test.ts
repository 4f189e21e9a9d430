import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { ApiAudience, CPP_AUDIENCE, GRAPH_AUDIENCE } from "../../provider/core/audience";
import { chooseCredential, clearTokenCache } from "../../provider/core/credentials";
import { CredentialError } from "../../provider/core/errors";
import { ConfigLookup, CredentialSettings, resolveSettings } from "../../provider/core/settings";

/**
 * Where the token comes from, first match wins: stack config over environment variables, key by
 * key; then an access token, a client secret or a federated token file from those settings over
 * the accessToken input; then the input over the Azure credential chain. Choices are checked
 * without acquiring a token; tokens are fetched only through @azure/identity (no mock of it) from
 * the HTTPS emulator on 127.0.0.1, which this process trusts through NODE_EXTRA_CA_CERTS
 * (tools/tls/testCa.ts). Nothing here reaches another host: no credential chain is run, and a test
 * proves that MSAL resolves no host name (no instance discovery at login.microsoftonline.com).
 */
const config =
  (values: Record<string, string>) =>
  (key: string): string | undefined =>
    values[key];
/** The settings that say where a token comes from (and the endpoint), without the tuning ones. */
function configured(
  lookup: ConfigLookup,
  env: NodeJS.ProcessEnv,
): CredentialSettings & { endpoint?: string } {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { retry, confirmWindowMs, journalDir, previewLookup, ...rest } = resolveSettings(lookup, env);
  return rest;
}
const choose = (settings: CredentialSettings, inputToken?: string) =>
  chooseCredential(settings, inputToken, CPP_AUDIENCE);
const secret = { tenantId: "t-1", clientId: "client-1", clientSecret: "client-secret-1" };
const SUBJECT = "repo:contoso/offers:ref:refs/heads/main";

describe("credentials", () => {
  describe("settings: stack config over environment variables, key by key", () => {
    it("takes each key from stack config when set there, else from the environment", () => {
      const settings = configured(
        config({
          "marketplace:tenantId": "tenant-from-config",
          "marketplace:endpoint": "https://config.example",
        }),
        {
          AZURE_TENANT_ID: "tenant-from-env",
          AZURE_CLIENT_ID: "client-from-env",
          MARKETPLACE_ENDPOINT: "https://env.example",
        },
      );
      assert.deepEqual(settings, {
        tenantId: "tenant-from-config",
        clientId: "client-from-env",
        endpoint: "https://config.example",
      });
    });

    it("reads the Azure variables first, then their ARM_ spellings", () => {
      assert.deepEqual(
        configured(config({}), {
          AZURE_CLIENT_SECRET: "azure-secret",
          ARM_CLIENT_SECRET: "arm-secret",
          ARM_TENANT_ID: "arm-tenant",
          ARM_CLIENT_ID: "arm-client",
        }),
        { tenantId: "arm-tenant", clientId: "arm-client", clientSecret: "azure-secret" },
      );
    });

    it("maps every setting to its config key and environment variable", () => {
      const env = {
        MARKETPLACE_ACCESS_TOKEN: "a",
        AZURE_TENANT_ID: "b",
        AZURE_CLIENT_ID: "c",
        AZURE_CLIENT_SECRET: "d",
        AZURE_AUTHORITY_HOST: "e",
        MARKETPLACE_ENDPOINT: "f",
        AZURE_FEDERATED_TOKEN_FILE: "g",
        MARKETPLACE_INGESTION_ACCESS_TOKEN: "h",
        MARKETPLACE_INGESTION_ENDPOINT: "i",
      };
      const expected = {
        accessToken: "a",
        tenantId: "b",
        clientId: "c",
        clientSecret: "d",
        authorityHost: "e",
        endpoint: "f",
        federatedTokenFile: "g",
        ingestionAccessToken: "h",
        ingestionEndpoint: "i",
      };
      assert.deepEqual(configured(config({}), env), expected);
      const fromConfig = Object.fromEntries(
        Object.entries(expected).map(([k, v]) => [`marketplace:${k}`, v]),
      );
      assert.deepEqual(configured(config(fromConfig), {}), expected);
    });

    it("treats empty and blank values as unset and trims the rest", () => {
      assert.deepEqual(
        configured(config({ "marketplace:accessToken": "  ", "marketplace:clientId": " client " }), {
          MARKETPLACE_ACCESS_TOKEN: "env-token",
          AZURE_TENANT_ID: "",
        }),
        { accessToken: "env-token", clientId: "client" },
      );
    });
  });

  describe("choice", () => {
    const workload = { tenantId: "t-1", clientId: "client-1", federatedTokenFile: "/var/run/token" };

    it("an access token setting wins over a client secret, a federated token file and the input", () => {
      const choice = choose({ accessToken: "config-token", ...secret, ...workload }, "input-token");
      assert.equal(choice.kind, "config-token");
      assert.match(choice.description, /marketplace:accessToken/);
    });

    it("a ready token serves only its own API: marketplace:accessToken the CPP, marketplace:ingestionAccessToken Graph", async () => {
      const both = { accessToken: "cpp-token", ingestionAccessToken: "graph-token" };
      const token = (settings: CredentialSettings, audience: ApiAudience) =>
        chooseCredential(settings, undefined, audience).source.getToken({ forceRefresh: false });
      assert.equal(await token(both, CPP_AUDIENCE), "cpp-token");
      assert.equal(await token(both, GRAPH_AUDIENCE), "graph-token");
      // A token for one API is never sent to the other: without its own, an API goes down the chain.
      const cppOnly = chooseCredential({ accessToken: "cpp-token" }, "graph-input", GRAPH_AUDIENCE);
      assert.equal(cppOnly.kind, "input-token");
      assert.equal(await cppOnly.source.getToken({ forceRefresh: false }), "graph-input");
      const graphOnly = chooseCredential({ ingestionAccessToken: "graph-token" }, "cpp-input", CPP_AUDIENCE);
      assert.equal(graphOnly.kind, "input-token");
      assert.match(
        chooseCredential(both, undefined, GRAPH_AUDIENCE).description,
        /marketplace:ingestionAccessToken/,
      );
      // Both are redacted wherever either API's text is printed.
      assert.deepEqual(cppOnly.secrets.sort(), ["cpp-token", "graph-input"]);
    });

    it("an access token from the environment wins over the input too", () => {
      const settings = configured(config({}), { MARKETPLACE_ACCESS_TOKEN: "env-token" });
      assert.equal(choose(settings, "input-token").kind, "config-token");
    });

    it("a client secret (tenant, client id and secret) wins over a federated token file and the input", () => {
      const choice = choose({ ...secret, federatedTokenFile: "/var/run/token" }, "input-token");
      assert.equal(choice.kind, "client-secret");
      assert.equal(choice.description, "client client-1 in tenant t-1");
    });

    it("a federated token file (with tenant and client id) wins over the input", () => {
      const choice = choose(workload, "input-token");
      assert.equal(choice.kind, "workload-identity");
      assert.equal(choice.description, "workload identity of client client-1 in tenant t-1");
    });

    it("the AZURE_* variables of GitHub Actions or AKS workload identity choose it", () => {
      const settings = configured(config({}), {
        AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token",
        AZURE_CLIENT_ID: "client-1",
        AZURE_TENANT_ID: "t-1",
      });
      assert.equal(choose(settings, "input-token").kind, "workload-identity");
    });

    it("a client secret without its tenant or client id is an error naming what is missing, not a fallback", () => {
      for (const partial of [
        { clientSecret: "s", clientId: "c" },
        { clientSecret: "s", tenantId: "t" },
      ]) {
        assert.throws(
          () => choose(partial, "input-token"),
          (e: Error) =>
            e instanceof CredentialError && /marketplace:tenantId and marketplace:clientId/.test(e.message),
        );
      }
    });

    it("a federated token file without its tenant or client id is an error naming what is missing", () => {
      for (const partial of [
        { federatedTokenFile: "/f", clientId: "c" },
        { federatedTokenFile: "/f", tenantId: "t" },
      ]) {
        assert.throws(
          () => choose(partial, "input-token"),
          (e: Error) =>
            e instanceof CredentialError &&
            /federated token file/.test(e.message) &&
            /marketplace:tenantId and marketplace:clientId \(or AZURE_TENANT_ID and AZURE_CLIENT_ID\)/.test(
              e.message,
            ),
        );
      }
    });

    it("a tenant and client id without a secret or a token file fall through to the input", () => {
      assert.equal(choose({ tenantId: "t", clientId: "c" }, "input-token").kind, "input-token");
    });

    it("the input wins over the Azure credential chain", () => {
      const choice = choose({}, "input-token");
      assert.equal(choice.kind, "input-token");
      assert.equal(choice.description, "the accessToken input");
    });

    it("with nothing given, the Azure credential chain (chosen only: no token is asked for here)", () => {
      assert.equal(choose({}, undefined).kind, "azure-identity");
      assert.equal(choose({}, "").kind, "azure-identity");
    });

    it("lists every configured secret for redaction, whichever source wins", () => {
      assert.deepEqual(choose({ accessToken: "config-token", ...secret }, "input-token").secrets.sort(), [
        "client-secret-1",
        "config-token",
        "input-token",
      ]);
    });

    it("a fixed token is handed out as is and, when rejected, cannot be renewed: the error names the setting, never the token", async () => {
      for (const [choice, setting] of [
        [choose({ accessToken: "config-token" }), "marketplace:accessToken setting"],
        [choose({}, "input-token"), "accessToken input"],
      ] as const) {
        const token = choice.kind === "config-token" ? "config-token" : "input-token";
        assert.equal(await choice.source.getToken({ forceRefresh: false }), token);
        await assert.rejects(
          choice.source.getToken({ forceRefresh: true }),
          (e: Error) =>
            e instanceof CredentialError && e.message.includes(setting) && !e.message.includes(token),
        );
      }
    });

    it("choosing loads no @azure/identity (it is large; check, diff and preview never need it)", () => {
      const script = `
        const { chooseCredential } = require(${JSON.stringify(require.resolve("../../provider/core/credentials"))});
        const { CPP_AUDIENCE } = require(${JSON.stringify(require.resolve("../../provider/core/audience"))});
        for (const s of [
          { tenantId: "t", clientId: "c", clientSecret: "secret-value" },
          { tenantId: "t", clientId: "c", federatedTokenFile: "/f" },
          {},
        ]) chooseCredential(s, undefined, CPP_AUDIENCE);
        process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes("@azure"))));`;
      const out = execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
      assert.equal(out, "false");
    });

    describe("the authority host credentials are sent to", () => {
      for (const authorityHost of [
        "http://login.evil.example",
        "http://127.0.0.1:9",
        "ftp://login.microsoftonline.com",
        "https://user:pw@login.example",
        "not a url",
      ]) {
        it(`refuses ${authorityHost} before anything is sent (MSAL speaks https only)`, () => {
          for (const settings of [
            { ...secret, authorityHost },
            { ...workload, authorityHost },
            { authorityHost },
          ]) {
            assert.throws(
              () => choose(settings),
              (e: Error) =>
                e instanceof CredentialError &&
                /marketplace:authorityHost .* must be an https URL/.test(e.message) &&
                !e.message.includes("pw@"),
            );
          }
        });
      }
      for (const authorityHost of [
        "https://login.microsoftonline.com",
        "https://login.microsoftonline.us/",
        "https://127.0.0.1:9",
        "https://[::1]:9",
      ]) {
        it(`accepts ${authorityHost}`, () => {
          assert.equal(choose({ ...secret, authorityHost }).kind, "client-secret");
          assert.equal(choose({ ...workload, authorityHost }).kind, "workload-identity");
        });
      }
    });
  });

  describe("through @azure/identity against the HTTPS emulator", function () {
    this.timeout(30_000);
    let emu: Emulator;
    let dir: string;
    before(async () => {
      emu = await startEmulator({
        tls: true,
        seed: {
          tenants: {
            "t-1": {
              clients: {
                "client-1": {
                  secret: "client-secret-1",
                  publishers: ["*"],
                  federatedCredentials: [{ subject: SUBJECT }],
                },
              },
            },
          },
        },
      });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-credentials-"));
    });
    after(async () => {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => clearTokenCache());

    const tokenRequests = () => emu.countRequests({ pathIncludes: "/oauth2/v2.0/token" });
    const viaEmulator = (extra: CredentialSettings = {}) => ({ ...secret, authorityHost: emu.url, ...extra });

    it("serves https: the emulator's authority is an https origin", () => {
      assert.match(emu.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    });

    it("a client secret: one token request, then MSAL's cache serves every later choice of the same credential", async () => {
      const before = tokenRequests();
      const first = await choose(viaEmulator()).source.getToken({ forceRefresh: false });
      assert.ok(first.length > 20);
      for (let i = 0; i < 3; i++) {
        assert.equal(await choose(viaEmulator()).source.getToken({ forceRefresh: false }), first);
      }
      assert.equal(tokenRequests() - before, 1);
      const request = emu.requests.filter((r) => r.path.includes("/oauth2/v2.0/token")).at(-1)!;
      const form = new URLSearchParams(request.body);
      assert.equal(form.get("grant_type"), "client_credentials");
      assert.equal(form.get("client_id"), "client-1");
      assert.equal(form.get("scope"), "https://cloudpartner.azure.com/.default");
      assert.match(request.path, /^\/t-1\/oauth2\/v2\.0\/token/);
    });

    it("a forced refresh (after a 401) gets a fresh token from the authority, once, and later calls reuse that one", async () => {
      const choice = choose(viaEmulator());
      const first = await choice.source.getToken({ forceRefresh: false });
      const before = tokenRequests();
      const fresh = await choice.source.getToken({ forceRefresh: true });
      assert.notEqual(fresh, first, "not the token MSAL had cached");
      assert.equal(tokenRequests() - before, 1);
      assert.equal(await choose(viaEmulator()).source.getToken({ forceRefresh: false }), fresh);
      assert.equal(tokenRequests() - before, 1);
    });

    it("calls made together share one request, and so do forced refreshes made together", async () => {
      const before = tokenRequests();
      const tokens = await Promise.all(
        Array.from({ length: 5 }, () => choose(viaEmulator()).source.getToken({ forceRefresh: false })),
      );
      assert.equal(new Set(tokens).size, 1);
      assert.equal(tokenRequests() - before, 1);
      const fresh = await Promise.all(
        Array.from({ length: 5 }, () => choose(viaEmulator()).source.getToken({ forceRefresh: true })),
      );
      assert.equal(new Set(fresh).size, 1);
      assert.notEqual(fresh[0], tokens[0]);
      assert.equal(tokenRequests() - before, 2);
    });

    it("a caller whose signal aborts stops waiting with an AbortError; the request goes on for the others", async () => {
      const controller = new AbortController();
      const waiting = choose(viaEmulator()).source.getToken({
        forceRefresh: false,
        signal: controller.signal,
      });
      const other = choose(viaEmulator()).source.getToken({ forceRefresh: false });
      controller.abort();
      await assert.rejects(waiting, (e: Error) => e.name === "AbortError");
      assert.ok((await other).length > 20);
    });

    it("tokens are asked per audience: the Cloud Partner Portal and Graph each get their own", async () => {
      const before = tokenRequests();
      const cpp = await chooseCredential(viaEmulator(), undefined, CPP_AUDIENCE).source.getToken({
        forceRefresh: false,
      });
      const graph = await chooseCredential(viaEmulator(), undefined, GRAPH_AUDIENCE).source.getToken({
        forceRefresh: false,
      });
      assert.notEqual(cpp, graph);
      assert.equal(tokenRequests() - before, 2);
      const scopes = emu.requests
        .filter((r) => r.path.includes("/oauth2/v2.0/token"))
        .slice(-2)
        .map((r) => new URLSearchParams(r.body).get("scope"));
      assert.deepEqual(scopes, [
        "https://cloudpartner.azure.com/.default",
        "https://graph.microsoft.com/.default",
      ]);
    });

    it("a rotated secret is a new credential: the old one's cached token is not handed out for it", async () => {
      await choose(viaEmulator()).source.getToken({ forceRefresh: false });
      await assert.rejects(
        choose(viaEmulator({ clientSecret: "rotated-wrong-secret" })).source.getToken({
          forceRefresh: false,
        }),
        CredentialError,
      );
    });

    it("a wrong secret: a CredentialError naming the client, the tenant, what to set and what Entra ID said, never the secret", async () => {
      const err = await choose(viaEmulator({ clientSecret: "wrong-secret-value" }))
        .source.getToken({ forceRefresh: false })
        .catch((e: unknown) => e);
      assert.ok(err instanceof CredentialError, String(err));
      assert.match(
        err.message,
        /^Could not get a token for client client-1 in tenant t-1 from https:\/\/127\.0\.0\.1:\d+: /,
      );
      assert.match(err.message, /invalid_client: AADSTS7000215/);
      assert.match(err.message, /marketplace:tenantId\/clientId\/clientSecret/);
      assert.ok(!err.message.includes("wrong-secret-value"));
      assert.ok(!/Trace ID|Correlation ID|[\r\n]/.test(err.message), err.message);
    });

    it("a tenant id the library refuses by its shape: a CredentialError too, not a raw error", async () => {
      await assert.rejects(
        choose(viaEmulator({ tenantId: "not a tenant!" })).source.getToken({ forceRefresh: false }),
        (e: Error) => e instanceof CredentialError && /tenant not a tenant!/.test(e.message),
      );
    });

    it("an unknown tenant: says the authority did not serve the tenant's OpenID configuration", async () => {
      const err = await choose(viaEmulator({ tenantId: "no-such-tenant" }))
        .source.getToken({ forceRefresh: false })
        .catch((e: unknown) => e);
      assert.ok(err instanceof CredentialError, String(err));
      assert.match(err.message, /tenant no-such-tenant/);
      assert.match(err.message, /did not serve the OpenID configuration of the tenant/);
    });

    it("a custom authority makes MSAL resolve no host name: no instance discovery at login.microsoftonline.com (disableInstanceDiscovery)", async () => {
      const looked = await withHostNamesRefused(async () => {
        await choose(viaEmulator()).source.getToken({ forceRefresh: false });
      });
      assert.deepEqual(looked, []);
    });

    it("without disableInstanceDiscovery MSAL would ask login.microsoftonline.com first (why the option is set; the look-up is refused here)", async () => {
      const identity = require("@azure/identity") as typeof import("@azure/identity");
      const looked = await withHostNamesRefused(async () => {
        const credential = new identity.ClientSecretCredential("t-1", "client-1", "client-secret-1", {
          authorityHost: emu.url,
          retryOptions: { maxRetries: 0 },
        });
        await assert.rejects(credential.getToken(CPP_AUDIENCE.scope));
      });
      assert.ok(looked.includes("login.microsoftonline.com"), looked.join(", "));
    });

    describe("workload identity (a federated token file)", () => {
      it("a missing or empty token file: a CredentialError naming the file and the variable, before any request", async () => {
        const before = emu.requests.length;
        const missing = path.join(dir, "missing-token");
        const err = await choose({ ...workload(missing) })
          .source.getToken({ forceRefresh: false })
          .catch((e: unknown) => e);
        assert.ok(err instanceof CredentialError, String(err));
        assert.match(
          err.message,
          /federated token file ".*missing-token" .*AZURE_FEDERATED_TOKEN_FILE.* cannot be read \(ENOENT\)/,
        );
        const empty = path.join(dir, "empty-token");
        fs.writeFileSync(empty, "\n");
        await assert.rejects(
          choose(workload(empty)).source.getToken({ forceRefresh: false }),
          (e: Error) => e instanceof CredentialError && /is empty/.test(e.message),
        );
        assert.equal(emu.requests.length, before);
      });

      /** A token file holding a fresh federated token of the emulator's issuer. */
      function tokenFile(name: string, opts: { subject?: string; lifetimeSeconds?: number } = {}) {
        const file = path.join(dir, name);
        const assertion = emu.mintFederatedToken({ subject: SUBJECT, ...opts });
        fs.writeFileSync(file, assertion);
        return { file, assertion };
      }

      it("exchanges the token file's assertion (jwt-bearer) for a token, cached by MSAL; a forced refresh gets a fresh one", async () => {
        const { file, assertion } = tokenFile("github-token");
        const before = tokenRequests();
        const choice = choose(workload(file));
        assert.equal(choice.kind, "workload-identity");
        const first = await choice.source.getToken({ forceRefresh: false });
        assert.ok(
          choice.secrets.includes(assertion),
          "the assertion is redacted wherever it might be echoed",
        );
        assert.equal(await choose(workload(file)).source.getToken({ forceRefresh: false }), first);
        assert.equal(tokenRequests() - before, 1);
        const form = new URLSearchParams(
          emu.requests.filter((r) => r.path.includes("/oauth2/v2.0/token")).at(-1)!.body,
        );
        assert.equal(form.get("grant_type"), "client_credentials");
        assert.equal(
          form.get("client_assertion_type"),
          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        );
        assert.equal(form.get("client_secret"), null);
        const fresh = await choice.source.getToken({ forceRefresh: true });
        assert.notEqual(fresh, first);
        assert.equal(tokenRequests() - before, 2);
      });

      it("an expired federated token: a CredentialError that says so and how to fix it, without the assertion", async () => {
        const { file, assertion } = tokenFile("expired-token", { lifetimeSeconds: 60 });
        emu.advanceClock(120);
        const err = await choose(workload(file))
          .source.getToken({ forceRefresh: false })
          .catch((e: unknown) => e);
        assert.ok(err instanceof CredentialError, String(err));
        assert.match(
          err.message,
          /^Could not exchange the federated token in ".*expired-token" for a token of client client-1 in tenant t-1/,
        );
        assert.match(err.message, /AADSTS700024/);
        assert.match(
          err.message,
          /The federated token has expired .* write a fresh one to the file \(AZURE_FEDERATED_TOKEN_FILE/,
        );
        assert.ok(!err.message.includes(assertion));
      });

      it("a token whose subject no federated credential names: says which claims to check, without the assertion", async () => {
        const { file, assertion } = tokenFile("fork-token", { subject: "repo:someone/fork:pull_request" });
        const err = await choose(workload(file))
          .source.getToken({ forceRefresh: false })
          .catch((e: unknown) => e);
        assert.ok(err instanceof CredentialError, String(err));
        assert.match(err.message, /AADSTS70021/);
        assert.match(err.message, /federated credential matching the token's issuer, subject and audience/);
        assert.ok(!err.message.includes(assertion));
      });

      /** Workload identity settings against the emulator. */
      function workload(file: string): CredentialSettings {
        return { tenantId: "t-1", clientId: "client-1", federatedTokenFile: file, authorityHost: emu.url };
      }
    });
  });
});

/**
 * Runs `fn` with every look-up of a host name (not an IP address) refused on the spot, and returns
 * the names asked for: a request to any host but the emulator on 127.0.0.1 would need one.
 */
async function withHostNamesRefused(fn: () => Promise<void>): Promise<string[]> {
  const dns = require("node:dns") as { lookup: (...args: unknown[]) => void };
  const original = dns.lookup;
  const looked: string[] = [];
  dns.lookup = function (this: unknown, host: unknown, ...rest: unknown[]) {
    if (typeof host === "string" && net.isIP(host) === 0) {
      looked.push(host);
      const callback = rest[rest.length - 1] as (err: Error) => void;
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} (refused by the test)`), {
        code: "ENOTFOUND",
      });
      process.nextTick(() => callback(err));
      return;
    }
    return original.call(this, host, ...rest);
  };
  try {
    await fn();
  } finally {
    dns.lookup = original;
  }
  return looked;
}

import { CPP_AUDIENCE } from "../../provider/audience";
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator";
import { chooseCredential, clearTokenCache } from "../../provider/credentials";
import { CredentialError } from "../../provider/errors";
import { HttpClient } from "../../provider/http";
import { ConfigLookup, CredentialSettings, resolveSettings } from "../../provider/settings";

/**
 * Where the token comes from, first match wins: stack config over environment variables, key by
 * key; then an access token or a client secret from those settings over the accessToken input;
 * then the input over the Azure credential chain. Choices are checked without acquiring a token,
 * except from the emulator on 127.0.0.1: nothing here reaches the network (no credential chain,
 * no managed-identity endpoint).
 */
const config =
  (values: Record<string, string>) =>
  (key: string): string | undefined =>
    values[key];
const http = new HttpClient({ timeoutMs: 2000, retry: { retries: 0 } });
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
  chooseCredential(settings, inputToken, http, CPP_AUDIENCE);
const secret = { tenantId: "t-1", clientId: "client-1", clientSecret: "client-secret-1" };

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
      };
      const expected = {
        accessToken: "a",
        tenantId: "b",
        clientId: "c",
        clientSecret: "d",
        authorityHost: "e",
        endpoint: "f",
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
    it("an access token setting wins over a client secret and the input", () => {
      const choice = choose({ accessToken: "config-token", ...secret }, "input-token");
      assert.equal(choice.kind, "config-token");
      assert.match(choice.description, /marketplace:accessToken/);
    });

    it("an access token from the environment wins over the input too", () => {
      const settings = configured(config({}), { MARKETPLACE_ACCESS_TOKEN: "env-token" });
      assert.equal(choose(settings, "input-token").kind, "config-token");
    });

    it("a client secret (tenant, client id and secret) wins over the input", () => {
      const choice = choose(secret, "input-token");
      assert.equal(choice.kind, "client-secret");
      assert.equal(choice.description, "client client-1 in tenant t-1");
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

    it("a tenant and client id without a secret fall through to the input", () => {
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

    describe("the authority host the client secret is sent to", () => {
      for (const authorityHost of [
        "http://login.evil.example",
        "ftp://login.microsoftonline.com",
        "https://user:pw@login.example",
        "not a url",
      ]) {
        it(`refuses ${authorityHost} before anything is sent`, () => {
          assert.throws(
            () => choose({ ...secret, authorityHost }),
            (e: Error) => e instanceof CredentialError && /marketplace:authorityHost/.test(e.message),
          );
        });
      }
      for (const authorityHost of [
        "https://login.microsoftonline.com",
        "http://127.0.0.1:9",
        "http://[::1]:9",
      ]) {
        it(`accepts ${authorityHost}`, () =>
          assert.equal(choose({ ...secret, authorityHost }).kind, "client-secret"));
      }
    });
  });

  describe("a client secret against the emulator's token endpoint (127.0.0.1)", () => {
    let emu: Emulator;
    before(async () => {
      emu = await startEmulator({
        seed: {
          tenants: { "t-1": { clients: { "client-1": { secret: "client-secret-1", publishers: ["*"] } } } },
        },
      });
    });
    after(() => emu.close());
    beforeEach(() => clearTokenCache());

    const tokenRequests = () => emu.countRequests({ pathIncludes: "/oauth2/" });

    it("gets a token once and serves it from the process cache; a forced refresh gets a fresh one", async () => {
      const before = tokenRequests();
      const choice = choose({ ...secret, authorityHost: emu.url });
      const first = await choice.source.getToken({ forceRefresh: false });
      assert.equal(
        await choose({ ...secret, authorityHost: emu.url }).source.getToken({ forceRefresh: false }),
        first,
      );
      assert.equal(tokenRequests() - before, 1);
      const fresh = await choice.source.getToken({ forceRefresh: true });
      assert.notEqual(fresh, first);
      assert.equal(tokenRequests() - before, 2);
    });
  });
});

import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, Seed, startEmulator } from "../../emulator";
import { ensurePulumi } from "../../tools/engine/ensurePulumi";
import { EngineStack, WITHOUT_MACHINE_CREDENTIALS } from "../../tools/engine/stack";

/**
 * Signing in through the real engine: the provider process the engine starts fetches its token
 * with @azure/identity from the HTTPS emulator (its CA trusted through NODE_EXTRA_CA_CERTS, which
 * the engine and the provider inherit), once with a client secret in secret stack config, once
 * keyless, with only AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID in the
 * engine's environment (what GitHub Actions with `id-token: write` or AKS workload identity give).
 */
const P = "contoso";
const TENANT = "e2e-tenant";
const CLIENT = "e2e-client";
const CLIENT_SECRET = "e2e-client-secret-value-7f3a";
const SUBJECT = "repo:contoso/offers:ref:refs/heads/main";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const programModule = path.join(__dirname, "fixtures", "cancelProgram.js");

const seed: Seed = {
  tenants: {
    [TENANT]: {
      clients: {
        [CLIENT]: { secret: CLIENT_SECRET, publishers: [P], federatedCredentials: [{ subject: SUBJECT }] },
      },
    },
  },
  publishers: {
    [P]: { offers: { "secret-offer": { cancelSeconds: 1 }, "keyless-offer": { cancelSeconds: 1 } } },
  },
};

describe("signing in through @azure/identity, through the real engine, over HTTPS", function () {
  this.timeout(300_000);
  let emu: Emulator;
  let tokenDir: string;
  const stacks: EngineStack[] = [];

  before(async () => {
    assert.ok(
      process.env.NODE_EXTRA_CA_CERTS,
      "run through `node dist/tools/tls/testCa.js --exec mocha …` so the engine trusts the emulator",
    );
    await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) });
    emu = await startEmulator({ seed, tls: true });
    tokenDir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-e2e-oidc-"));
  });
  after(async () => {
    for (const s of stacks) await s.cleanup();
    await emu?.close();
    if (tokenDir) fs.rmSync(tokenDir, { recursive: true, force: true });
  });

  async function stackFor(
    offerId: string,
    config: Record<string, string | { value: string; secret: boolean }>,
    envVars: Record<string, string>,
  ): Promise<EngineStack> {
    const s = await EngineStack.create({
      programModule,
      stackName: offerId,
      config: { "e2e:publisherId": P, "e2e:offerId": offerId, "e2e:endpoint": emu.url, ...config },
      envVars: { ...WITHOUT_MACHINE_CREDENTIALS, ...envVars },
    });
    stacks.push(s);
    return s;
  }

  const tokenRequests = () =>
    emu.requests
      .filter((r) => r.method === "POST" && r.path.startsWith(`/${TENANT}/oauth2/v2.0/token`))
      .map((r) => ({ status: r.status, form: new URLSearchParams(r.body) }));
  const cancels = (offerId: string) =>
    emu.countRequests({ method: "POST", pathIncludes: `/offers/${offerId}/cancel` });

  /** What a user could see or keep: the display, `pulumi stack export`, every file of the stack. */
  async function assertNowhere(s: EngineStack, texts: string[], values: string[]): Promise<void> {
    const { stdout } = await s.cli(["stack", "export"]);
    for (const value of values) {
      for (const text of [...texts, stdout])
        assert.ok(!text.includes(value), "a credential was shown or stored");
      assert.deepEqual(s.filesContaining(value), [], "a credential was written to the stack's files");
    }
  }

  it("a client secret in secret stack config: one token request (client_credentials with the secret), one cancel", async () => {
    const s = await stackFor(
      "secret-offer",
      {
        "marketplace:tenantId": TENANT,
        "marketplace:clientId": CLIENT,
        "marketplace:clientSecret": { value: CLIENT_SECRET, secret: true },
        "marketplace:authorityHost": emu.url,
      },
      {},
    );
    const op = emu.startOperation(P, "secret-offer", "publish", 3600);
    emu.clearRequests();
    const up = await s.up();
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "succeeded", up.output);
    assert.equal((outputs.canceledOperation.value as { id: string }).id, op.id);
    assert.equal(cancels("secret-offer"), 1);
    const tokens = tokenRequests();
    assert.equal(tokens.length, 1, "MSAL's cache serves the rest of the run");
    const [{ status, form }] = tokens;
    assert.equal(status, 200);
    assert.equal(form.get("grant_type"), "client_credentials");
    assert.equal(form.get("client_id"), CLIENT);
    assert.equal(form.get("scope"), "https://cloudpartner.azure.com/.default");
    assert.ok(form.has("client_secret"), "signed in with the secret (the emulator's log redacts it)");
    assert.equal(form.get("client_assertion_type"), null);
    await assertNowhere(s, [up.output, up.stderr], [CLIENT_SECRET]);
    await s.destroy();
  });

  it("keyless: AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID in the engine's environment, nothing in config", async () => {
    const assertion = emu.mintFederatedToken({ subject: SUBJECT });
    // Where the CI step or the kubelet would write it.
    const tokenFile = path.join(tokenDir, "azure-identity-token");
    fs.writeFileSync(tokenFile, assertion, { mode: 0o600 });
    const s = await stackFor(
      "keyless-offer",
      {},
      {
        AZURE_FEDERATED_TOKEN_FILE: tokenFile,
        AZURE_CLIENT_ID: CLIENT,
        AZURE_TENANT_ID: TENANT,
        AZURE_AUTHORITY_HOST: emu.url,
      },
    );
    const op = emu.startOperation(P, "keyless-offer", "publish", 3600);
    emu.clearRequests();
    const up = await s.up();
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "succeeded", up.output);
    assert.equal((outputs.canceledOperation.value as { id: string }).id, op.id);
    assert.equal(cancels("keyless-offer"), 1);
    const tokens = tokenRequests();
    assert.equal(tokens.length, 1);
    const [{ status, form }] = tokens;
    assert.equal(status, 200);
    assert.equal(form.get("grant_type"), "client_credentials");
    assert.equal(form.get("client_id"), CLIENT);
    assert.equal(form.get("client_assertion_type"), JWT_BEARER);
    assert.ok(form.has("client_assertion"));
    assert.equal(form.get("client_secret"), null, "no secret anywhere");
    await assertNowhere(s, [up.output, up.stderr], [assertion]);
    await s.destroy();
  });
});

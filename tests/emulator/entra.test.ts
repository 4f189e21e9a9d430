// Specification: the emulator's Entra routes are what a real MSAL client needs. Every test drives the
// REAL @azure/identity credentials (MSAL underneath) against the HTTPS emulator, then uses the token
// on the CPP routes.
//
// Trust: this process must have started with NODE_EXTRA_CA_CERTS naming the test CA, and the
// emulator signs with that CA through CPP_EMULATOR_CA_DIR. `npm test` / `npm run test:unit` do both
// (tools/tls/testCa.ts); a targeted run goes through the same wrapper:
//   node dist/tools/tls/testCa.js --exec npx mocha --no-config … dist/tests/emulator/entra.test.js
//
// A guard refuses (before any DNS lookup or packet) every connection this process opens to a
// non-loopback host during the suite, and records it: tests assert MSAL tried none.

import assert from "node:assert/strict";
import { createPublicKey, verify as verifySignature, type JsonWebKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  ClientSecretCredential,
  EnvironmentCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from "@azure/identity";

import { CA_DIR_ENV, defaultSeed, startEmulator, type Emulator, type Seed } from "../../emulator";
import { isLoopback } from "../../provider/core/loopback";
import { cpp, get, offerPath } from "./helpers";

const TENANT = "demo-tenant";
const SECRET_CLIENT = "demo-client";
const SECRET = "demo-secret";
const FED_CLIENT = "ci-deployer";
const SUBJECT = "repo:contoso/offers:environment:production";
const CPP_SCOPE = "https://cloudpartner.azure.com/.default";
const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const CONTOSO_OFFER = cpp(offerPath("contoso", "contoso-offer"));

function seed(): Seed {
  const s = defaultSeed();
  s.tenants![TENANT].clients[FED_CLIENT] = {
    publishers: ["contoso"],
    federatedCredentials: [{ subject: SUBJECT }],
  };
  return s;
}

/** Connections refused by the guard, host:port. */
const blocked: string[] = [];
type Connect = (...args: unknown[]) => Socket;
const realConnect = Socket.prototype.connect as unknown as Connect;

function installGuard(): void {
  (Socket.prototype as unknown as { connect: Connect }).connect = function (
    this: Socket,
    ...args: unknown[]
  ) {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : first) as {
      host?: unknown;
      port?: number;
    };
    // Unix sockets have no host; a TCP connection without one goes to localhost.
    if (typeof options === "object" && options !== null && typeof options.host === "string") {
      const host = options.host;
      if (!isLoopback(host)) {
        blocked.push(`${host}:${String(options.port)}`);
        process.nextTick(() => this.destroy(new Error(`test guard: no connection to ${host}`)));
        return this;
      }
    }
    return realConnect.apply(this, args);
  };
}

function removeGuard(): void {
  (Socket.prototype as unknown as { connect: Connect }).connect = realConnect;
}

/**
 * Asks for a token that must be refused: the AADSTS code of the error @azure/identity throws (it
 * wraps MSAL's error and keeps AAD's description in its message) and the HTTP status the emulator
 * answered the token request with.
 */
async function refusal(
  emu: Emulator,
  credential: TokenCredential,
  scope = CPP_SCOPE,
): Promise<{ status: number; code: string }> {
  try {
    await credential.getToken(scope);
  } catch (e) {
    const message = (e as Error).message;
    const code = /AADSTS\d+/.exec(message)?.[0] ?? `no AADSTS code in: ${message.slice(0, 300)}`;
    const tokenRequests = emu.requests.filter((r) => r.method === "POST" && r.path.includes("/oauth2/"));
    return { status: tokenRequests.at(-1)?.status ?? 0, code };
  }
  assert.fail("expected the credential to be refused a token");
}

describe("emulator: Entra routes driven by @azure/identity (MSAL) over HTTPS", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let tmp: string;
  const options = () => ({ authorityHost: emu.url, disableInstanceDiscovery: true });

  before(async function () {
    const caDir = process.env[CA_DIR_ENV];
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    assert.ok(
      caDir !== undefined && extra !== undefined,
      `this suite needs the test CA: run it through "node dist/tools/tls/testCa.js --exec …" (npm test does)`,
    );
    assert.ok(
      readFileSync(extra, "utf8").includes(readFileSync(join(caDir, "ca.pem"), "utf8").trim()),
      "NODE_EXTRA_CA_CERTS must hold the CA of CPP_EMULATOR_CA_DIR",
    );
    installGuard();
    emu = await startEmulator({ tls: true, seed: seed() });
    assert.equal(emu.caCertPath, join(caDir, "ca.pem"));
  });
  after(async () => {
    removeGuard();
    await emu?.close();
  });
  beforeEach(() => {
    blocked.length = 0;
    emu.clearRequests();
    tmp = mkdtempSync(join(tmpdir(), "cpp-emulator-entra-"));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  /** A token file holding a freshly minted federated token (or the given text). */
  function tokenFile(content: string): string {
    const file = join(tmp, `token-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, content);
    return file;
  }

  const workload = (file: string, clientId = FED_CLIENT) =>
    new WorkloadIdentityCredential({ tenantId: TENANT, clientId, tokenFilePath: file, ...options() });

  describe("client secret", () => {
    it("ClientSecretCredential: discovery then the v2 token endpoint, all on the emulator; the token works on CPP routes", async () => {
      const credential = new ClientSecretCredential(TENANT, SECRET_CLIENT, SECRET, options());
      const token = await credential.getToken(CPP_SCOPE);
      assert.equal((await get(emu, CONTOSO_OFFER, { token: token.token })).status, 200);
      assert.ok(token.expiresOnTimestamp > Date.now());

      assert.deepEqual(blocked, [], "no connection left the machine");
      const seen = emu.requests.map((r) => `${r.method} ${r.path.replace(/\?.*$/, "")}`);
      assert.deepEqual(seen.slice(0, 2), [
        `GET /${TENANT}/v2.0/.well-known/openid-configuration`,
        `POST /${TENANT}/oauth2/v2.0/token`,
      ]);
    });

    it("a Graph-audience token from MSAL is refused by the CPP routes (401)", async () => {
      const credential = new ClientSecretCredential(TENANT, SECRET_CLIENT, SECRET, options());
      const graph = await credential.getToken(GRAPH_SCOPE);
      assert.equal((await get(emu, CONTOSO_OFFER, { token: graph.token })).status, 401);
    });

    it("EnvironmentCredential reads AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_AUTHORITY_HOST", async () => {
      const names = [
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_AUTHORITY_HOST",
      ] as const;
      const saved = names.map((n) => process.env[n]);
      Object.assign(process.env, {
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: SECRET_CLIENT,
        AZURE_CLIENT_SECRET: SECRET,
        AZURE_AUTHORITY_HOST: emu.url,
      });
      let token;
      try {
        // Some are read at construction, the authority host only when a token is asked for.
        token = await new EnvironmentCredential({ disableInstanceDiscovery: true }).getToken(CPP_SCOPE);
      } finally {
        names.forEach((n, i) => {
          if (saved[i] === undefined) delete process.env[n];
          else process.env[n] = saved[i];
        });
      }
      assert.equal((await get(emu, CONTOSO_OFFER, { token: token.token })).status, 200);
      assert.deepEqual(blocked, []);
    });

    it("a wrong secret is refused with AADSTS7000215 (401)", async () => {
      const credential = new ClientSecretCredential(TENANT, SECRET_CLIENT, "not-the-secret", options());
      assert.deepEqual(await refusal(emu, credential), { status: 401, code: "AADSTS7000215" });
    });

    it("without disableInstanceDiscovery MSAL first goes to login.microsoftonline.com (the guard stops it)", async () => {
      const credential = new ClientSecretCredential(TENANT, SECRET_CLIENT, SECRET, {
        authorityHost: emu.url,
      });
      await assert.rejects(credential.getToken(CPP_SCOPE));
      assert.ok(
        blocked.some((b) => b.startsWith("login.microsoftonline.com:")),
        `expected an attempt on login.microsoftonline.com, saw ${JSON.stringify(blocked)}`,
      );
      assert.equal(emu.countRequests({ pathIncludes: "/oauth2/" }), 0, "no token request was made");
    });
  });

  describe("federated token (workload identity)", () => {
    it("WorkloadIdentityCredential with a minted token file gets a CPP token that works", async () => {
      const credential = workload(tokenFile(emu.mintFederatedToken({ subject: SUBJECT })));
      const token = await credential.getToken(CPP_SCOPE);
      assert.equal((await get(emu, CONTOSO_OFFER, { token: token.token })).status, 200);
      // The client's publishers bound the token as they do for a secret.
      assert.equal(
        (await get(emu, cpp(offerPath("fabrikam", "fabrikam-vm")), { token: token.token })).status,
        403,
      );
      assert.deepEqual(blocked, []);
    });

    it("reads AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID and AZURE_CLIENT_ID from the environment", async () => {
      const names = ["AZURE_FEDERATED_TOKEN_FILE", "AZURE_TENANT_ID", "AZURE_CLIENT_ID"] as const;
      const saved = names.map((n) => process.env[n]);
      Object.assign(process.env, {
        AZURE_FEDERATED_TOKEN_FILE: tokenFile(emu.mintFederatedToken({ subject: SUBJECT })),
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: FED_CLIENT,
      });
      let credential: WorkloadIdentityCredential;
      try {
        credential = new WorkloadIdentityCredential(options());
      } finally {
        names.forEach((n, i) => {
          if (saved[i] === undefined) delete process.env[n];
          else process.env[n] = saved[i];
        });
      }
      const token = await credential.getToken(CPP_SCOPE);
      assert.equal((await get(emu, CONTOSO_OFFER, { token: token.token })).status, 200);
    });

    it("a token minted over the admin API works, and verifies against the issuer's published JWKS", async () => {
      const minted = await fetch(`${emu.url}/_emulator/federated-tokens`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ subject: SUBJECT }),
      });
      assert.equal(minted.status, 201);
      const { token: jwt, issuer } = (await minted.json()) as { token: string; issuer: string };
      assert.equal(issuer, emu.federatedIssuer);

      const json = async (url: string): Promise<unknown> => {
        const res = await fetch(url);
        assert.equal(res.status, 200, url);
        return res.json();
      };
      const discovery = (await json(`${issuer}/.well-known/openid-configuration`)) as {
        issuer: string;
        jwks_uri: string;
      };
      assert.equal(discovery.issuer, issuer);
      const jwks = (await json(discovery.jwks_uri)) as {
        keys: (JsonWebKey & { kid: string })[];
      };
      const [h, p, s] = jwt.split(".");
      const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg: string; kid: string };
      const payload = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
      assert.equal(header.alg, "RS256");
      const jwk = jwks.keys.find((k) => k.kid === header.kid);
      assert.ok(jwk, "the JWKS has the token's kid");
      const key = createPublicKey({ key: jwk, format: "jwk" });
      assert.ok(verifySignature("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url")));
      assert.equal(payload.iss, issuer);
      assert.equal(payload.sub, SUBJECT);
      assert.equal(payload.aud, "api://AzureADTokenExchange");

      const token = await workload(tokenFile(jwt)).getToken(CPP_SCOPE);
      assert.equal((await get(emu, CONTOSO_OFFER, { token: token.token })).status, 200);
    });

    const refusals: [string, (emu: Emulator) => string, number, string][] = [
      [
        "a wrong subject",
        (e) => e.mintFederatedToken({ subject: "repo:contoso/offers:ref:refs/heads/dev" }),
        400,
        "AADSTS70021",
      ],
      [
        "a wrong audience",
        (e) => e.mintFederatedToken({ subject: SUBJECT, audience: "api://other" }),
        400,
        "AADSTS70021",
      ],
      [
        "a wrong issuer",
        (e) =>
          e.mintFederatedToken({ subject: SUBJECT, issuer: "https://token.actions.githubusercontent.com" }),
        400,
        "AADSTS70021",
      ],
      [
        "a bad signature",
        (e) => {
          const [h, p, s] = e.mintFederatedToken({ subject: SUBJECT }).split(".");
          const sig = Buffer.from(s, "base64url");
          sig[10] ^= 0xff;
          return `${h}.${p}.${sig.toString("base64url")}`;
        },
        401,
        "AADSTS700027",
      ],
      [
        "a payload changed after signing",
        (e) => {
          const [h, p, s] = e.mintFederatedToken({ subject: "someone-else" }).split(".");
          const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
          const forged = Buffer.from(JSON.stringify({ ...claims, sub: SUBJECT })).toString("base64url");
          return `${h}.${forged}.${s}`;
        },
        401,
        "AADSTS700027",
      ],
      ["a token that is not a JWT", () => "not-a-jwt", 400, "AADSTS50027"],
    ];
    for (const [what, make, status, code] of refusals) {
      it(`refuses ${what} with ${code} (${status})`, async () => {
        assert.deepEqual(await refusal(emu, workload(tokenFile(make(emu)))), { status, code });
        assert.deepEqual(blocked, []);
      });
    }

    it("refuses an expired token (emulated clock) with AADSTS700024, and accepts it just before", async () => {
      const jwt = emu.mintFederatedToken({ subject: SUBJECT, lifetimeSeconds: 120 });
      emu.advanceClock(100);
      const token = await workload(tokenFile(jwt)).getToken(CPP_SCOPE);
      assert.equal((await get(emu, CONTOSO_OFFER, { token: token.token })).status, 200);
      emu.advanceClock(30);
      assert.deepEqual(await refusal(emu, workload(tokenFile(jwt))), { status: 401, code: "AADSTS700024" });
    });

    it("refuses a client that has no federated credential for the token", async () => {
      const jwt = emu.mintFederatedToken({ subject: SUBJECT });
      assert.deepEqual(await refusal(emu, workload(tokenFile(jwt), SECRET_CLIENT)), {
        status: 400,
        code: "AADSTS70021",
      });
    });
  });

  describe("on the wire", () => {
    const form = (fields: Record<string, string>) =>
      fetch(`${emu.url}/${TENANT}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    const assertionFields = (
      assertion: string,
      type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    ) => ({
      grant_type: "client_credentials",
      client_id: FED_CLIENT,
      scope: CPP_SCOPE,
      client_assertion_type: type,
      client_assertion: assertion,
    });

    it("answers a rejected assertion in AAD's error shape, naming iss, sub and aud but never the assertion", async () => {
      const jwt = emu.mintFederatedToken({ subject: "someone-else" });
      const res = await form(assertionFields(jwt));
      assert.equal(res.status, 400);
      const body = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), [
        "correlation_id",
        "error",
        "error_codes",
        "error_description",
        "timestamp",
        "trace_id",
      ]);
      assert.equal(body.error, "invalid_request");
      assert.deepEqual(body.error_codes, [70021]);
      const description = String(body.error_description);
      assert.match(
        description,
        /^AADSTS70021: No matching federated identity record found for presented assertion\./,
      );
      assert.ok(description.includes(`Assertion Issuer: '${emu.federatedIssuer}'`));
      assert.ok(description.includes("Assertion Subject: 'someone-else'"));
      assert.ok(description.includes("Assertion Audience: 'api://AzureADTokenExchange'"));
      assert.ok(!description.includes(jwt.split(".")[2]));
    });

    it("refuses a client_assertion_type other than jwt-bearer with AADSTS90011", async () => {
      const jwt = emu.mintFederatedToken({ subject: SUBJECT });
      const res = await form(
        assertionFields(jwt, "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"),
      );
      assert.equal(res.status, 400);
      assert.deepEqual(((await res.json()) as { error_codes: number[] }).error_codes, [90011]);
      const good = await form(assertionFields(jwt));
      assert.equal(good.status, 200);
    });

    it("keeps neither the secret nor the assertion in the request log", async () => {
      const jwt = emu.mintFederatedToken({ subject: SUBJECT });
      await new ClientSecretCredential(TENANT, SECRET_CLIENT, SECRET, options()).getToken(CPP_SCOPE);
      await workload(tokenFile(jwt)).getToken(CPP_SCOPE);
      // And a form without a Content-Type, which a careless client may send.
      await fetch(`${emu.url}/${TENANT}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({ ...assertionFields(jwt), client_secret: SECRET }).toString(),
        headers: { "Content-Type": "" },
      });
      const tokenRequests = emu.requests.filter((r) => r.path.includes("/oauth2/v2.0/token"));
      assert.equal(tokenRequests.length, 3);
      const bodies = tokenRequests.map((r) => r.body);
      assert.match(bodies[0], /(^|&)client_secret=%3Credacted%3E(&|$)/);
      assert.match(bodies[1], /(^|&)client_assertion=%3Credacted%3E(&|$)/);
      const log = JSON.stringify(emu.requests);
      assert.ok(!log.includes(SECRET), "the secret is not in the log");
      for (const part of jwt.split("."))
        assert.ok(!log.includes(part), "no part of the assertion is in the log");
    });
  });
});

import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, Seed, startEmulator } from "../../emulator";
import { resolveTls } from "../../emulator/core/tls";
import { clearTokenCache } from "../../provider/core/credentials";
import { checkOfferOperationInputs as checkInputs } from "../../provider/cpp/inputs";
import * as lifecycle from "../../provider/cpp/lifecycle";
import {
  CLIENT,
  CLIENT_SECRET,
  P,
  TENANT,
  TOKEN,
  useConfiguredProvider,
  configureProvider,
  lines,
  scanForSecrets,
  seed,
  startFakeCpp,
} from "./helpers";
import { figures } from "./figures";
import { ensurePulumi } from "../../tools/engine/ensurePulumi";
import { EngineStack } from "../../tools/engine/stack";

/** The suite's client may also sign in keyless, with a federated token of this subject. */
const SUBJECT = "repo:contoso/offers:environment:production";
const federatedSeed: Seed = {
  ...seed,
  tenants: {
    [TENANT]: {
      clients: {
        [CLIENT]: { secret: CLIENT_SECRET, publishers: ["*"], federatedCredentials: [{ subject: SUBJECT }] },
      },
    },
  },
};

/** An HTTPS emulator (MSAL talks to https authorities only) with the suite's client. */
function startSecureEmulator(opts: { log?: (line: string) => void } = {}): Promise<Emulator> {
  return startEmulator({
    seed: federatedSeed,
    tls: true,
    ...(opts.log ? { quiet: false, log: opts.log } : {}),
  });
}

/** Writes a fresh federated token of the suite's subject to a file; returns both. */
function federatedTokenFile(emu: Emulator, dir: string, name: string, lifetimeSeconds?: number) {
  const file = path.join(dir, name);
  const assertion = emu.mintFederatedToken({ subject: SUBJECT, lifetimeSeconds });
  fs.writeFileSync(file, assertion, { mode: 0o600 });
  return { file, assertion };
}

/** Every file under `dir` whose bytes contain one of `secrets`, counted as places searched. */
function filesHolding(dir: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        figures.placesSearched++;
        const bytes = fs.readFileSync(full);
        if (secrets.some((secret) => secret && bytes.includes(Buffer.from(secret)))) {
          figures.leakedTokens++;
          found.push(full);
        }
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found;
}

/**
 * A service that repeats the credentials it was sent (in error bodies, plain-text answers, retry
 * messages): the token still never appears in an error message or a console line, whichever
 * credential produced it (a configured token, or one the provider fetched with a client secret).
 */
describe("hardening: secrets in error messages and console output", function () {
  this.timeout(60_000);
  useConfiguredProvider();

  /** From now on the provider gets its tokens from the emulator's token endpoint (none cached). */
  async function signInWithClientSecret(authorityHost: string): Promise<void> {
    assert.match(authorityHost, /^https:/);
    clearTokenCache();
    await configureProvider({
      "marketplace:tenantId": TENANT,
      "marketplace:clientId": CLIENT,
      "marketplace:clientSecret": CLIENT_SECRET,
      "marketplace:authorityHost": authorityHost,
    });
  }

  /** Every way the fake repeats what it received, one per request kind and attempt. */
  const echoes: ((raw: string, auth: string) => { status: number; type: string; body: string })[] = [
    (raw) => ({
      status: 400,
      type: "application/json",
      body: JSON.stringify({
        error: { code: "InvalidToken", message: `The token ${raw} is not valid here.` },
      }),
    }),
    (raw, auth) => ({ status: 500, type: "text/plain", body: `upstream said: ${auth} / ${raw}` }),
    (raw) => ({
      status: 502,
      type: "application/json",
      body: JSON.stringify({
        error: `bad_gateway ${raw}`,
        error_description: `token=${raw}&access_token=${raw}`,
      }),
    }),
    (raw) => ({
      status: 403,
      type: "application/json",
      body: JSON.stringify({ message: `principal of ${raw} may not` }),
    }),
  ];

  async function runAgainstEcho(echo: (typeof echoes)[number]): Promise<{ texts: string[]; seen: string[] }> {
    const seen: string[] = [];
    const fake = await startFakeCpp((call, res) => {
      const raw = (call.authorization ?? "").replace(/^Bearer /, "");
      seen.push(raw);
      const answer = echo(raw, call.authorization ?? "");
      res.writeHead(answer.status, { "content-type": answer.type });
      res.end(answer.body);
      return true;
    });
    lines.length = 0;
    try {
      const { inputs } = checkInputs({ publisherId: "contoso", offerId: "offer", endpoint: fake.origin });
      const err = (await lifecycle.create(inputs as never).catch((e: unknown) => e)) as Error;
      assert.ok(err instanceof Error, "the create fails");
      return { texts: [err.message, String(err.stack), ...lines], seen };
    } finally {
      await fake.close();
    }
  }

  it("a configured token repeated back by the service is never shown", async () => {
    for (const echo of echoes) {
      const { texts, seen } = await runAgainstEcho(echo);
      assert.ok(seen.includes(TOKEN));
      assert.deepEqual(scanForSecrets("echoed config token", texts), []);
    }
  });

  it("a token fetched with a client secret, repeated back by the service, is never shown", async () => {
    const emu = await startSecureEmulator();
    try {
      for (const echo of echoes) {
        await signInWithClientSecret(emu.url);
        const { texts, seen } = await runAgainstEcho(echo);
        assert.ok(seen.length > 0 && seen[0].length > 20, "the fake received the issued token");
        assert.deepEqual(scanForSecrets("echoed issued token", texts, [CLIENT_SECRET, ...new Set(seen)]), []);
      }
    } finally {
      await emu.close();
    }
  });

  describe("a failed operation whose messages repeat the caller's Authorization header (the reported leak)", () => {
    /** Fails the cancellation, quoting the header as received, in the operation's and a step's messages. */
    async function failWithEchoedHeader(): Promise<{ err: Error; sent: string[] }> {
      const sent: string[] = [];
      const fake = await startFakeCpp((call, res) => {
        if (call.authorization) sent.push(call.authorization.replace(/^Bearer /, ""));
        if (call.method === "POST") {
          res.writeHead(202, { location: call.url.split("?")[0].replace(/\/cancel$/, "/operations/op-1") });
          res.end();
          return true;
        }
        if (!call.url.includes("/operations/")) return false;
        const echo = `Request rejected: Authorization: ${call.authorization}`;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            status: "failed",
            messages: [{ level: "Error", message: echo }],
            steps: [
              {
                stepName: "cancel",
                status: "failed",
                messages: [{ level: "Error", messageHtml: `<p>${echo}</p>` }],
              },
            ],
          }),
        );
        return true;
      });
      lines.length = 0;
      try {
        const { inputs } = checkInputs({
          publisherId: "contoso",
          offerId: "offer",
          endpoint: fake.origin,
          pollIntervalSeconds: 0.1,
        });
        const err = (await lifecycle.create(inputs as never).catch((e: unknown) => e)) as Error;
        return { err, sent };
      } finally {
        await fake.close();
      }
    }

    it("with a configured token: the error says what the service said, with the token redacted", async () => {
      const { err, sent } = await failWithEchoedHeader();
      assert.deepEqual([...new Set(sent)], [TOKEN]);
      assert.match(
        err.message,
        /The service said: Request rejected: Authorization: Bearer <redacted> \| Request rejected: Authorization: Bearer <redacted>/,
      );
      assert.deepEqual(
        scanForSecrets("failed operation echo", [err.message, String(err.stack), ...lines]),
        [],
      );
    });

    it("with a token the token endpoint issued: redacted the same way", async () => {
      const emu = await startSecureEmulator();
      try {
        await signInWithClientSecret(emu.url);
        const { err, sent } = await failWithEchoedHeader();
        assert.equal(new Set(sent).size, 1, "one issued token, sent on every request");
        assert.match(err.message, /The service said: Request rejected: Authorization: Bearer <redacted>/);
        assert.deepEqual(
          scanForSecrets(
            "failed operation echo",
            [err.message, String(err.stack), ...lines],
            [CLIENT_SECRET, ...sent],
          ),
          [],
        );
      } finally {
        await emu.close();
      }
    });
  });

  it("a token fetched with a federated token file, repeated back by the service, is never shown; nor is the assertion", async () => {
    const emu = await startSecureEmulator();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-hardening-oidc-"));
    try {
      for (const [i, echo] of echoes.entries()) {
        const { file, assertion } = federatedTokenFile(emu, dir, `token-${i}`);
        clearTokenCache();
        await configureProvider({
          "marketplace:tenantId": TENANT,
          "marketplace:clientId": CLIENT,
          "marketplace:federatedTokenFile": file,
          "marketplace:authorityHost": emu.url,
        });
        const { texts, seen } = await runAgainstEcho(echo);
        assert.ok(seen.length > 0 && seen[0].length > 20, "the fake received the issued token");
        assert.ok(!seen.includes(assertion), "the assertion goes to the authority only");
        assert.deepEqual(
          scanForSecrets("echoed token of a federated sign-in", texts, [assertion, ...new Set(seen)]),
          [],
        );
      }
    } finally {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("a token endpoint that repeats what it was sent (the client secret, the federated assertion)", () => {
    /**
     * An https authority (MSAL speaks to no other) on 127.0.0.1, with a certificate of the test CA,
     * whose token endpoint refuses every request quoting the secret or assertion it received, in
     * the description and in the error code.
     */
    async function startEchoingAuthority(): Promise<{
      origin: string;
      bodies: string[];
      close(): Promise<void>;
    }> {
      const tls = await resolveTls(true);
      assert.ok(tls);
      const bodies: string[] = [];
      const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
          const url = new URL(req.url ?? "/", origin);
          const tenant = url.pathname.split("/")[1];
          res.setHeader("content-type", "application/json");
          if (req.method === "GET" && url.pathname.endsWith("/v2.0/.well-known/openid-configuration")) {
            const base = `${origin}/${tenant}`;
            res.end(
              JSON.stringify({
                token_endpoint: `${base}/oauth2/v2.0/token`,
                authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
                issuer: `${base}/v2.0`,
                jwks_uri: `${base}/discovery/v2.0/keys`,
              }),
            );
            return;
          }
          const body = Buffer.concat(chunks).toString("utf8");
          bodies.push(body);
          const form = new URLSearchParams(body);
          const sent = form.get("client_secret") ?? form.get("client_assertion") ?? "";
          res.statusCode = 401;
          res.end(
            JSON.stringify({
              error: "invalid_client",
              error_description: `AADSTS7000215: Invalid client secret or assertion provided: '${sent}'. client_secret=${sent}`,
              error_codes: [7000215],
            }),
          );
        });
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      return {
        origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        bodies,
        close: () => new Promise<void>((done) => server.close(() => done())),
      };
    }

    async function failToSignIn(config: Record<string, string>, sent: string): Promise<void> {
      const authority = await startEchoingAuthority();
      try {
        clearTokenCache();
        await configureProvider({ ...config, "marketplace:authorityHost": authority.origin });
        lines.length = 0;
        const { inputs } = checkInputs({
          publisherId: "contoso",
          offerId: "offer",
          endpoint: "http://127.0.0.1:9",
        });
        const err = (await lifecycle.create(inputs as never).catch((e: unknown) => e)) as Error;
        assert.match(err.message, /Could not (get|exchange)/);
        assert.match(err.message, /invalid_client: AADSTS7000215/);
        assert.ok(
          authority.bodies.some((b) => b.includes(encodeURIComponent(sent)) || b.includes(sent)),
          "the value was sent to the token endpoint",
        );
        assert.deepEqual(
          scanForSecrets("echoing token endpoint", [err.message, String(err.stack), ...lines], [sent]),
          [],
        );
      } finally {
        await authority.close();
      }
    }

    it("the client secret is never shown", () =>
      failToSignIn(
        {
          "marketplace:tenantId": TENANT,
          "marketplace:clientId": CLIENT,
          "marketplace:clientSecret": CLIENT_SECRET,
        },
        CLIENT_SECRET,
      ));

    it("the federated assertion is never shown", async () => {
      const emu = await startSecureEmulator();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-hardening-oidc-"));
      try {
        const { file, assertion } = federatedTokenFile(emu, dir, "token");
        await failToSignIn(
          {
            "marketplace:tenantId": TENANT,
            "marketplace:clientId": CLIENT,
            "marketplace:federatedTokenFile": file,
          },
          assertion,
        );
      } finally {
        await emu.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("the emulator's request log, its recorded requests and the provider's journal hold no secret, assertion or token", async () => {
    const log: string[] = [];
    const emu = await startSecureEmulator({ log: (line) => log.push(line) });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-hardening-oidc-"));
    try {
      emu.configureOffer(P, "journaled", { cancelSeconds: 3600 });
      const assertions: string[] = [];
      const journal = process.env.MARKETPLACE_CANCEL_JOURNAL_DIR!;
      const journaled: string[] = [];
      const signIns: (() => Record<string, string>)[] = [
        () => ({ "marketplace:clientSecret": CLIENT_SECRET }),
        () => {
          const { file, assertion } = federatedTokenFile(emu, dir, "token");
          assertions.push(assertion);
          return { "marketplace:federatedTokenFile": file };
        },
      ];
      for (const signIn of signIns) {
        clearTokenCache();
        await configureProvider({
          "marketplace:tenantId": TENANT,
          "marketplace:clientId": CLIENT,
          "marketplace:authorityHost": emu.url,
          ...signIn(),
        });
        if (!emu.getOffer(P, "journaled").currentOperation)
          emu.startOperation(P, "journaled", "publish", 3600);
        // A wait that times out: the accepted cancel stays in the journal, pending.
        const { inputs } = checkInputs({
          publisherId: P,
          offerId: "journaled",
          endpoint: emu.url,
          timeoutSeconds: 1,
          pollIntervalSeconds: 0.2,
        });
        // The journal holds an entry only while a wait runs: copies are taken as it goes.
        const snapshot = setInterval(() => {
          for (const name of fs.readdirSync(journal)) {
            try {
              journaled.push(fs.readFileSync(path.join(journal, name), "utf8"));
            } catch {
              // removed in between
            }
          }
        }, 50);
        const err = (await lifecycle
          .create(inputs as never)
          .catch((e: unknown) => e)
          .finally(() => clearInterval(snapshot))) as Error;
        assert.ok(err instanceof lifecycle.ResourceInitFailedError, String(err));
        emu.advanceClock(7200);
      }
      const tokenRequests = emu.requests.filter((r) => r.path.includes("/oauth2/v2.0/token"));
      assert.equal(tokenRequests.length, 2, "one sign-in of each kind");
      assert.ok(log.length > 0, "the emulator logged its requests");
      const secrets = [CLIENT_SECRET, ...assertions];
      assert.deepEqual(scanForSecrets("emulator request log", log, secrets), []);
      assert.deepEqual(
        scanForSecrets(
          "emulator recorded requests",
          emu.requests.map((r) => JSON.stringify(r)),
          secrets,
        ),
        [],
      );
      assert.deepEqual(scanForSecrets("progress lines", lines, secrets), []);
      assert.ok(journaled.length > 0, "journal entries were written during the waits");
      assert.deepEqual(scanForSecrets("journal entries", journaled, secrets), []);
      assert.deepEqual(filesHolding(journal, secrets), []);
    } finally {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The same through the real engine, keyless: an up whose federated token has expired fails with a
 * clear message, the next with a fresh token cancels. The assertions and the issued tokens are
 * searched for in the engine's display, the error, `pulumi stack export`, every file of the stack
 * (PULUMI_HOME, backend, project), the provider's journal and the emulator's request log.
 */
describe("hardening: the federated assertion and the client secret through the real engine", function () {
  this.timeout(300_000);
  let emu: Emulator;
  let dir: string;
  const log: string[] = [];
  const stacks: EngineStack[] = [];
  before(async () => {
    await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) });
    emu = await startSecureEmulator({ log: (line) => log.push(line) });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-hardening-engine-oidc-"));
  });
  after(async () => {
    for (const s of stacks) await s.cleanup();
    await emu?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keyless: an expired assertion fails clearly, a fresh one cancels; neither assertion nor token is shown or stored", async () => {
    const expired = federatedTokenFile(emu, dir, "expired", 60);
    emu.advanceClock(120);
    const tokenFile = path.join(dir, "azure-identity-token");
    fs.copyFileSync(expired.file, tokenFile);
    const journal = path.join(dir, "journal");
    emu.configureOffer(P, "keyless", { cancelSeconds: 1 });
    emu.startOperation(P, "keyless", "publish", 3600);
    const s = await EngineStack.create({
      programModule: path.join(__dirname, "..", "e2e", "fixtures", "cancelProgram.js"),
      stackName: "keyless",
      config: { "e2e:publisherId": P, "e2e:offerId": "keyless", "e2e:endpoint": emu.url },
      envVars: {
        MARKETPLACE_ACCESS_TOKEN: "",
        AZURE_CLIENT_SECRET: "",
        AZURE_FEDERATED_TOKEN_FILE: tokenFile,
        AZURE_CLIENT_ID: CLIENT,
        AZURE_TENANT_ID: TENANT,
        AZURE_AUTHORITY_HOST: emu.url,
        MARKETPLACE_CANCEL_JOURNAL_DIR: journal,
      },
    });
    stacks.push(s);
    const failed = await s.attempt("up");
    figures.engineOperations++;
    assert.equal(failed.ok, false);
    const shown = `${failed.output}\n${failed.stderr}`;
    assert.match(
      shown,
      /Could not exchange the federated token in .* The federated token has expired/,
      shown,
    );
    assert.equal(emu.countRequests({ method: "POST", pathIncludes: "/cancel" }), 0);

    const fresh = federatedTokenFile(emu, dir, "fresh");
    fs.copyFileSync(fresh.file, tokenFile);
    const up = await s.up();
    figures.engineOperations++;
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "succeeded", up.output);
    assert.equal(emu.countRequests({ method: "POST", pathIncludes: "/cancel" }), 1);

    const issued = emu.requests.filter((r) => r.path.includes("/oauth2/v2.0/token") && r.status === 200);
    assert.equal(issued.length, 1);
    const secrets = [expired.assertion, fresh.assertion, CLIENT_SECRET];
    const { stdout: exported } = await s.cli(["stack", "export"]);
    const texts = [shown, failed.ok ? "" : failed.error.message, up.output, up.stderr, exported, ...log];
    assert.deepEqual(scanForSecrets("keyless engine run", texts, secrets), []);
    for (const secret of secrets) {
      figures.placesSearched++;
      assert.deepEqual(s.filesContaining(secret), []);
    }
    assert.deepEqual(filesHolding(journal, secrets), []);
    await s.destroy();
    figures.engineOperations++;
  });
});

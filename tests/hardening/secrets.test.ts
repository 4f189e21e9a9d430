import { strict as assert } from "node:assert";
import { startEmulator } from "../../emulator";
import { clearTokenCache } from "../../provider/credentials";
import { checkInputs } from "../../provider/inputs";
import * as lifecycle from "../../provider/lifecycle";
import {
  CLIENT,
  CLIENT_SECRET,
  TENANT,
  TOKEN,
  useConfiguredProvider,
  configureProvider,
  lines,
  scanForSecrets,
  seed,
  startFakeCpp,
} from "./helpers";

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
    const emu = await startEmulator({ seed });
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
      const emu = await startEmulator({ seed });
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

  it("a token endpoint that repeats the client secret: the secret is never shown", async () => {
    const fakeAad = await startFakeCpp((call, res) => {
      const secret = new URLSearchParams(call.body).get("client_secret") ?? "";
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: "invalid_client",
          error_description: `AADSTS7000215: Invalid client secret provided: '${secret}'.`,
        }),
      );
      return true;
    });
    try {
      await configureProvider({
        "marketplace:tenantId": TENANT,
        "marketplace:clientId": CLIENT,
        "marketplace:clientSecret": CLIENT_SECRET,
        "marketplace:authorityHost": fakeAad.origin,
      });
      lines.length = 0;
      const { inputs } = checkInputs({ publisherId: "contoso", offerId: "offer", endpoint: fakeAad.origin });
      const err = (await lifecycle.create(inputs as never).catch((e: unknown) => e)) as Error;
      assert.match(err.message, /Could not get a token for client .* \(HTTP 401, invalid_client\)/);
      assert.ok(
        fakeAad.calls.some((c) => c.body.includes(CLIENT_SECRET)),
        "the secret was sent to the token endpoint",
      );
      assert.deepEqual(
        scanForSecrets("echoed client secret", [err.message, String(err.stack), ...lines]),
        [],
      );
    } finally {
      await fakeAad.close();
    }
  });
});

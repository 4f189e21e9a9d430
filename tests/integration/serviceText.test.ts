import { strict as assert } from "node:assert";
import type { ServerResponse } from "node:http";
import fc from "fast-check";
import { HTTPError } from "../../provider/core/errors";
import { CancellationFailedError } from "../../provider/cpp/errors";
import { checkOfferOperationInputs as checkInputs } from "../../provider/cpp/inputs";
import * as lifecycle from "../../provider/cpp/lifecycle";
import { ResourceInitFailedError } from "../../provider/cpp/lifecycle";
import { clearTokenCache } from "../../provider/core/credentials";
import {
  FakeCall,
  UNSAFE_CHARACTER,
  capturePrinter,
  configureProvider,
  lines,
  startFakeCpp,
  useProviderEnv,
} from "../hardening/helpers";

/**
 * Text from the service is untrusted (docs/design.md "Text from the service"). A stand-in service on
 * 127.0.0.1 answers the real provider (`lifecycle.create`, real HTTP) with generated bodies —
 * submissions lists, operation bodies, error bodies — full of terminal escape sequences, control
 * characters, and the very token and secrets it was sent (`Authorization: Bearer …` repeated
 * back). Whatever it says, no token, no configured secret and no escape sequence or control
 * character reaches the outputs, a printed line or an error.
 */

/** What the stand-in does with the cancellation; each kind ends in one known way. */
type Kind = "failed" | "complete" | "unknownStatus" | "pollErrorBody" | "cancelRefused";

interface Run {
  kind: Kind;
  /** Service texts with {TOKEN}, {AUTH} and {SECRET} placeholders the stand-in fills in. */
  texts: string[];
}

const fragment = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    "\x1b[31m",
    "\x1b[2J\x1b[H",
    "\x1b]0;pwned\x07",
    "\x1b]8;;https://evil.example\x1b\\",
    "\x9b1m",
    "\x9d0;t\x9c",
    "\x1bP+q\x1b\\",
    "\x00\x07\x08\x7f\x85",
    "\r\n",
    "\u202e\u200b",
    "<b>html</b> &lt;&amp;",
  ),
  fc.constantFrom("{TOKEN}", "{AUTH}", "{SECRET}", "Authorization: {AUTH}", "access_token={TOKEN}"),
  // The token with an escape sequence inside it: stripping must not hand it back whole.
  fc.constantFrom("{TOKEN_SPLIT}"),
);
const serviceText = fc.array(fragment, { minLength: 1, maxLength: 8 }).map((f) => f.join(""));
const run: fc.Arbitrary<Run> = fc.record({
  kind: fc.constantFrom<Kind>("failed", "complete", "unknownStatus", "pollErrorBody", "cancelRefused"),
  texts: fc.array(serviceText, { minLength: 8, maxLength: 8 }),
});

/** Every string in a value, however deep. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

describe("integration: text from the service is sanitized before it is printed, thrown or stored", function () {
  this.timeout(120_000);
  useProviderEnv({ MARKETPLACE_RETRY_BASE_DELAY_MS: "20", MARKETPLACE_REQUEST_TIMEOUT_MS: "5000" });
  capturePrinter();

  it("property: no token, no secret, no escape sequence gets through, for any service body", async () => {
    let current: Run = { kind: "complete", texts: [] };
    let polls = 0;
    const token = fc.sample(fc.stringMatching(/^[A-Za-z0-9._~-]{24,60}$/), 1)[0];
    const secret = `secret-${fc.sample(fc.stringMatching(/^[A-Za-z0-9]{16}$/), 1)[0]}`;
    const fill = (text: string, call: FakeCall) => {
      const raw = (call.authorization ?? "").replace(/^Bearer /, "");
      const cut = Math.floor(raw.length / 2);
      return text
        .split("{TOKEN_SPLIT}")
        .join(`${raw.slice(0, cut)}\x1b[0m${raw.slice(cut)}`)
        .split("{TOKEN}")
        .join(raw)
        .split("{AUTH}")
        .join(call.authorization ?? "")
        .split("{SECRET}")
        .join(secret);
    };
    const json = (
      res: ServerResponse,
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
      return true;
    };
    const fake = await startFakeCpp((call, res) => {
      const t = (i: number) => fill(current.texts[i], call);
      const path = call.url.split("?")[0];
      const posted = fake.calls.some((c) => c.method === "POST");
      if (path.endsWith("/submissions/")) {
        const state = posted ? "canceled" : "running";
        return json(res, 200, [
          { id: `op-${t(0)}`, submissionType: t(1), slot: t(2), submissionState: state },
        ]);
      }
      if (call.method === "POST") {
        if (current.kind === "cancelRefused") return json(res, 409, { error: { code: t(3), message: t(4) } });
        return json(res, 202, {}, { location: `${path.replace(/\/cancel$/, "")}/operations/op-1` });
      }
      polls++;
      switch (current.kind) {
        case "failed":
          return json(res, 200, {
            status: "failed",
            messages: [{ level: "Error", message: `Rejected: Authorization: ${call.authorization} ${t(3)}` }],
            steps: [{ stepName: t(4), status: t(5), messages: [{ level: "error", messageHtml: t(6) }] }],
          });
        case "complete":
          return json(res, 200, {
            status: polls === 1 ? "running" : "complete",
            steps: [{ stepName: t(3), status: t(4), progressPercentage: 50, estimatedTimeFrame: t(5) }],
          });
        case "unknownStatus":
          return json(res, 200, {
            status: `Deferred ${t(3)}`,
            steps: [{ stepName: t(4), status: "running" }],
          });
        default:
          return json(res, 400, { error: { code: t(3), message: `${call.authorization} ${t(4)}` } });
      }
    });

    const expected: Record<Kind, (outcome: { outs?: object; err?: Error }) => void> = {
      failed: ({ err }) => {
        assert.ok(err instanceof CancellationFailedError, String(err));
        assert.match(err.message, /The service said: Rejected: Authorization: Bearer <redacted>/);
      },
      complete: ({ outs }) => assert.equal((outs as { status?: string })?.status, "succeeded"),
      unknownStatus: ({ outs }) => {
        assert.equal((outs as { status?: string })?.status, "succeeded");
        assert.match((outs as { message: string }).message, /reported status 'Deferred/);
      },
      pollErrorBody: ({ err }) => {
        assert.ok(err instanceof ResourceInitFailedError, String(err));
        assert.match(err.message, /HTTP 400/);
      },
      cancelRefused: ({ err }) => {
        assert.ok(err instanceof HTTPError, String(err));
        assert.equal(err.status, 409);
      },
    };

    try {
      clearTokenCache();
      await configureProvider({ "marketplace:accessToken": token, "marketplace:clientSecret": secret });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(run, async (r) => {
          current = r;
          polls = 0;
          fake.calls.length = 0;
          lines.length = 0;
          const { inputs, failures } = checkInputs({
            publisherId: "contoso",
            offerId: `offer-${n++}`,
            endpoint: fake.origin,
            pollIntervalSeconds: { min: 0.1, max: 0.1 },
          });
          assert.deepEqual(failures, []);
          const outcome = await lifecycle.create(inputs as never).then(
            ({ outs }) => ({ outs, err: undefined }),
            (err: Error) => ({ outs: undefined, err }),
          );
          assert.ok(
            fake.calls.some((c) => c.authorization === `Bearer ${token}`),
            "the stand-in received the token",
          );
          expected[r.kind](outcome);
          const err = outcome.err as (Error & Partial<ResourceInitFailedError>) | undefined;
          const shown = [
            ...lines,
            ...stringsIn(outcome.outs),
            ...(err ? [err.message, ...stringsIn(err.reasons), ...stringsIn(err.properties)] : []),
          ];
          for (const text of shown) assert.doesNotMatch(text, UNSAFE_CHARACTER, JSON.stringify(text));
          // The stack holds the message, on lines of its own.
          for (const text of [...shown, String(err?.stack)]) {
            assert.ok(!text.includes(token), `the token got through: ${JSON.stringify(text)}`);
            assert.ok(!text.includes(secret), `the secret got through: ${JSON.stringify(text)}`);
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      await fake.close();
    }
  });
});

import { strict as assert } from "node:assert";
import type * as http from "node:http";
import fc from "fast-check";
import { clearTokenCache } from "../../provider/core/credentials";
import {
  IngestionJobCancellationInputs as IngestionInputs,
  checkIngestionJobInputs as checkIngestionInputs,
} from "../../provider/ingestion/inputs";
import * as lifecycle from "../../provider/ingestion/lifecycle";
import { figures } from "./figures";
import {
  FakeCall,
  TOKEN,
  UNSAFE_CHARACTER,
  scanForSecrets,
  startFakeCpp,
  useProviderEnv,
  visibleOutputs,
} from "./helpers";

/**
 * Hostile input to IngestionJobCancellation, generated, and hostile text from a Product
 * Ingestion service. What must hold: every refused input is refused at `check` with a failure
 * naming the property and no raw control character; every accepted one sends requests only to
 * `/rp/product-ingestion/{configure/<guid>…|product|submission/<guid>}` on the configured origin
 * with exactly the `$version` given; whatever the service says (control characters, terminal
 * escape sequences, bidi overrides, huge bodies, the token echoed back) reaches the progress
 * lines, the recorded outputs and the thrown errors sanitized: no unsafe character, no token,
 * no line longer than the cap.
 */

const JOB = "0c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const PRODUCT_GUID = "6f5e4d3c-2b1a-4c0d-9e8f-7a6b5c4d3e2f";

function counted<A extends unknown[]>(predicate: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    figures.hostileInputs++;
    predicate(...args);
  };
}

const fragments = fc.constantFrom(
  "..",
  "/",
  "\\",
  "?",
  "#",
  "%",
  "%2F",
  "%00",
  "&",
  "=",
  "$version=1999-01-01",
  " ",
  "\t",
  "\n",
  "\r",
  "\u0000",
  "\u001b[31m",
  "\u009b",
  "\u202e",
  "@evil.example",
  "http://evil.example/",
  "product/",
  "../configure",
  JOB,
  "x".repeat(300),
);
const hostileString = fc
  .array(fc.oneof(fragments, fc.string({ maxLength: 8 }), fc.uuid()), { maxLength: 5 })
  .map((parts) => parts.join(""));
const anyValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  // Plain objects, as inputs arrive from the engine (its Struct decoding makes no null-prototype
  // objects).
  fc.dictionary(hostileString, hostileString, { maxKeys: 3, noNullPrototype: true }),
);

/** The one property a check of `{ ...valid, [key]: value }` may fail on is `key`, said plainly. */
function assertRefusalNames(key: string, failures: { property: string; reason: string }[]): void {
  for (const f of failures) {
    assert.equal(f.property, key, JSON.stringify(f));
    assert.ok(f.reason.includes(key), `the reason names ${key}: ${f.reason}`);
    // Echoed input is held to the bar of service text: no control (C0, DEL, C1) and no invisible
    // format character (bidi overrides, zero-width), which would reorder or hide what a reviewer reads.
    assert.ok(!UNSAFE_CHARACTER.test(f.reason), `unsafe character in ${JSON.stringify(f.reason)}`);
  }
}

const valid = (extra: Record<string, unknown> = {}) => ({
  jobId: JOB,
  endpoint: "http://127.0.0.1:1",
  ...extra,
});

describe("Hardening: hostile input to IngestionJobCancellation", function () {
  this.timeout(120_000);

  it("jobId: anything but a GUID is refused naming jobId; an accepted one is a lower-case GUID", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyValue,
          fc.uuid().map((u) => u.toUpperCase()),
        ),
        (jobId) => {
          figures.hostileInputs++;
          const { inputs, failures } = checkIngestionInputs(valid({ jobId }));
          assertRefusalNames("jobId", failures);
          if (failures.length === 0) {
            assert.match(
              String(inputs.jobId),
              /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("product, endpoint, apiVersion, pollIntervalSeconds, timeoutSeconds, ifAlreadyCompleted, when: refusals name the property", () => {
    const keys = [
      "product",
      "endpoint",
      "apiVersion",
      "pollIntervalSeconds",
      "timeoutSeconds",
      "ifAlreadyCompleted",
      "when",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        anyValue,
        counted((key: string, value: unknown) => {
          const { failures } = checkIngestionInputs(valid({ [key]: value }));
          assertRefusalNames(key, failures);
        }),
      ),
      { numRuns: 2000 },
    );
  });

  it("triggers take any value; unknown properties are refused by name", () => {
    fc.assert(
      fc.property(
        anyValue,
        hostileString.filter((k) => k.length > 0 && !(k in valid()) && k !== "__provider"),
        counted((triggers: unknown, unknown: string) => {
          assert.deepEqual(checkIngestionInputs(valid({ triggers })).failures, []);
          const known = new Set(["product", "ifAlreadyCompleted", "when", "triggers", "timeoutSeconds"]);
          known.add("pollIntervalSeconds").add("apiVersion").add("accessToken");
          fc.pre(!known.has(unknown));
          const { failures } = checkIngestionInputs(valid({ [unknown]: 1 }));
          assert.equal(failures.length, 1);
          assert.equal(failures[0].property, unknown);
        }),
      ),
      { numRuns: 300 },
    );
  });

  it("plain http is refused for any host but loopback", () => {
    fc.assert(
      fc.property(
        fc.domain(),
        counted((host: string) => {
          const { failures } = checkIngestionInputs(valid({ endpoint: `http://${host}` }));
          assert.equal(failures.length, 1, host);
          assert.equal(failures[0].property, "endpoint");
          assert.match(failures[0].reason, /http/);
        }),
      ),
      { numRuns: 200 },
    );
  });

  describe("accepted input never makes a request leave its route", () => {
    useProviderEnv({ MARKETPLACE_RETRY_BASE_DELAY_MS: "20", MARKETPLACE_REQUEST_TIMEOUT_MS: "5000" });
    let fake: Awaited<ReturnType<typeof startFakeCpp>>;
    before(async () => {
      lifecycle.setPrinter(() => undefined);
      fake = await startFakeCpp((call, res) => friendly(call, res));
      await lifecycle.configure({
        config: { get: (k) => (k === "marketplace:ingestionAccessToken" ? TOKEN : undefined) },
      });
    });
    after(async () => {
      lifecycle.setPrinter((line) => console.log(line));
      await fake.close();
    });

    it("generated jobId, product and apiVersion: only the five routes, exactly that $version, the token only there", async () => {
      const versions = fc.oneof(
        fc.constantFrom("2022-03-01-preview2", "2022-07-01", "2023-07-15-preview"),
        hostileString,
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.uuid(), hostileString),
          hostileString,
          versions,
          async (jobId, product, apiVersion) => {
            figures.hostileInputs++;
            const checked = checkIngestionInputs({
              jobId,
              product,
              apiVersion,
              endpoint: fake.origin,
              pollIntervalSeconds: { min: 0.1, max: 0.1 },
            });
            fc.pre(checked.failures.length === 0);
            const inputs = checked.inputs as unknown as IngestionInputs;
            fake.calls.length = 0;
            clearTokenCache();
            await lifecycle.create(inputs);
            assert.ok(fake.calls.length > 0);
            for (const call of fake.calls) {
              const url = new URL(call.url, fake.origin);
              const route = url.pathname.replace("/rp/product-ingestion/", "");
              assert.ok(url.pathname.startsWith("/rp/product-ingestion/"), call.url);
              assert.match(
                route,
                /^(configure\/[0-9a-f-]{36}(\/status|\/cancel)?|product|submission\/[0-9a-f-]{36})$/,
                call.url,
              );
              assert.equal(url.searchParams.get("$version"), inputs.apiVersion, call.url);
              const names = [...url.searchParams.keys()].sort();
              assert.deepEqual(
                names,
                route === "product" ? ["$version", "externalId"] : ["$version"],
                call.url,
              );
              if (route === "product") assert.equal(url.searchParams.get("externalId"), inputs.product);
              assert.equal(call.authorization, `Bearer ${TOKEN}`);
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  describe("hostile text from the service", () => {
    useProviderEnv({ MARKETPLACE_RETRY_BASE_DELAY_MS: "20", MARKETPLACE_REQUEST_TIMEOUT_MS: "5000" });
    const printed: string[] = [];
    before(async () => {
      lifecycle.setPrinter((line) => printed.push(line));
      await lifecycle.configure({
        config: { get: (k) => (k === "marketplace:ingestionAccessToken" ? TOKEN : undefined) },
      });
    });
    after(() => lifecycle.setPrinter((line) => console.log(line)));
    beforeEach(() => {
      printed.length = 0;
      clearTokenCache();
    });

    /** Control characters, CSI/OSC sequences (7- and 8-bit), bidi overrides, the token itself. */
    const evil = (what: string) =>
      `${what}\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202e\r\nBearer ${TOKEN} ${TOKEN}\u0000\u007f${"z".repeat(2000)}`;

    async function run(answer: (call: FakeCall, res: http.ServerResponse) => boolean | void) {
      const fake = await startFakeCpp(answer);
      try {
        const { inputs } = checkIngestionInputs({
          jobId: JOB,
          product: `product/${PRODUCT_GUID}`,
          endpoint: fake.origin,
          pollIntervalSeconds: { min: 0.1, max: 0.1 },
          timeoutSeconds: 5,
        });
        try {
          const { outs } = await lifecycle.create(inputs as unknown as IngestionInputs);
          return { outs: visibleOutputs(outs), error: undefined as Error | undefined };
        } catch (err) {
          return { outs: undefined, error: err as Error };
        }
      } finally {
        await fake.close();
      }
    }

    function assertClean(texts: string[]): void {
      for (const text of texts) {
        assert.ok(!UNSAFE_CHARACTER.test(text), `unsafe character in ${JSON.stringify(text.slice(0, 300))}`);
      }
      assert.deepEqual(scanForSecrets("ingestion service text", texts, [TOKEN]), []);
      for (const line of printed)
        assert.ok(line.length <= 2000, `a printed line of ${line.length} characters`);
      figures.faultScenarios++;
    }

    it("a cancelled job whose statuses, errors, applied resources and submissions are hostile: stored and printed sanitized", async () => {
      const r = await run((call, res) => {
        const path = new URL(call.url, "http://x").pathname;
        const json = (body: unknown) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
          return true;
        };
        if (path.endsWith("/cancel")) {
          return json({
            jobId: JOB,
            jobStatus: "completed",
            jobResult: "cancelled",
            jobStart: evil("start"),
            jobEnd: evil("end"),
            errors: [{ code: evil("code"), message: evil("message"), resourceId: evil("resource") }],
          });
        }
        if (path.endsWith(`/configure/${JOB}`)) {
          return json({ resources: [{ $schema: evil("https://schema/x/"), id: evil("id") }] });
        }
        if (path.includes("/submission/")) {
          return json({
            value: [
              {
                id: evil("submission"),
                target: { targetType: evil("t") },
                status: evil("s"),
                result: evil("r"),
              },
            ],
          });
        }
        return false;
      });
      assert.equal(r.error, undefined, r.error?.message);
      assert.ok(r.outs);
      assert.match(r.outs, /"status":"canceled"/);
      assertClean([r.outs, ...printed]);
    });

    it("a refusal with a hostile message, then a hostile unknown status: the thrown error is sanitized", async () => {
      const r = await run((call, res) => {
        const path = new URL(call.url, "http://x").pathname;
        if (path.endsWith("/cancel")) {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              error: { code: evil("badRequest"), message: evil("too far along"), details: [] },
            }),
          );
          return true;
        }
        if (path.endsWith("/status")) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              jobId: JOB,
              jobStatus: evil("running"),
              jobResult: evil("pending"),
              errors: [],
            }),
          );
          return true;
        }
        return false;
      });
      assert.ok(r.error, "a refused cancel of a job not completed fails the up");
      assert.match(r.error.message, /refused to cancel configure job/);
      assertClean([r.error.message, ...printed]);
    });

    it("a 404 with a 5 MB body echoing the token: a short, clean JobNotFound error", async () => {
      const r = await run((_call, res) => {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "notFound", message: evil("huge").repeat(2500) } }));
        return true;
      });
      assert.ok(r.error);
      assert.equal(r.error.constructor.name, "JobNotFoundError");
      assert.ok(r.error.message.length <= 2000, `${r.error.message.length} characters`);
      assertClean([r.error.message, ...printed]);
    });

    it("a gateway answering garbage with control characters to everything: pending, with a clean message", async () => {
      const r = await run((_call, res) => {
        res.writeHead(502, { "content-type": "text/html" });
        res.end(evil("<html>gateway"));
        return true;
      });
      assert.ok(r.error);
      assert.equal(r.error.constructor.name, "ResourceInitFailedError", r.error.message);
      const props = (r.error as unknown as { properties: object }).properties;
      assert.match(visibleOutputs(props), /"status":"pending"/);
      assertClean([r.error.message, visibleOutputs(props), ...printed]);
    });
  });
});

/** A friendly service: the job cancels at once; detail and submissions answer as documented. */
function friendly(call: FakeCall, res: http.ServerResponse): boolean {
  const path = new URL(call.url, "http://x").pathname;
  const json = (body: unknown) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
    return true;
  };
  const job = /\/configure\/([^/]+)/.exec(path)?.[1] ?? JOB;
  const done = { jobId: job, jobStatus: "completed", jobResult: "cancelled", errors: [] };
  if (path.endsWith("/cancel") || path.endsWith("/status")) return json(done);
  if (/\/configure\/[^/]+$/.test(path)) return json({ resources: [] });
  if (path.endsWith("/product")) return json({ value: [{ id: `product/${PRODUCT_GUID}` }] });
  if (path.includes("/submission/")) return json({ value: [] });
  res.writeHead(404);
  res.end();
  return true;
}

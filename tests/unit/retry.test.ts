import { strict as assert } from "node:assert";
import {
  CredentialError,
  HTTPError,
  NetworkError,
  ResponseError,
  TimeoutError,
} from "../../provider/core/errors";
import {
  DEFAULT_RETRY,
  backoff,
  isTransientFailure,
  mayHaveReachedService,
  parseRetryAfter,
  retryDelay,
} from "../../provider/core/retry";

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });
const none = headers({});
const fixed = () => 0.5;

describe("retry policy", () => {
  describe("Retry-After parsing", () => {
    it("reads delta-seconds", () => assert.equal(parseRetryAfter(headers({ "retry-after": "7" })), 7000));
    it("reads an HTTP date relative to now", () => {
      const now = Date.parse("2026-11-24T10:00:00Z");
      assert.equal(parseRetryAfter(headers({ "retry-after": "Tue, 24 Nov 2026 10:00:05 GMT" }), now), 5000);
    });
    it("treats a date in the past as 'now'", () => {
      const now = Date.parse("2026-11-24T10:00:00Z");
      assert.equal(parseRetryAfter(headers({ "retry-after": "Tue, 24 Nov 2026 09:00:00 GMT" }), now), 0);
    });
    it("prefers retry-after-ms and x-ms-retry-after-ms", () => {
      assert.equal(parseRetryAfter(headers({ "retry-after-ms": "250", "retry-after": "9" })), 250);
      assert.equal(parseRetryAfter(headers({ "x-ms-retry-after-ms": "1500" })), 1500);
    });
    it("ignores garbage", () => assert.equal(parseRetryAfter(headers({ "retry-after": "soon" })), undefined));
  });

  describe("which outcomes are retried", () => {
    const response = (status: number, h = none) => ({ kind: "response" as const, status, headers: h });

    it("retries 429 and 503 after the server-requested delay, even for the cancel POST", () => {
      assert.equal(retryDelay(0, response(429, headers({ "retry-after": "2" })), false, DEFAULT_RETRY), 2000);
      assert.equal(
        retryDelay(0, response(503, headers({ "retry-after-ms": "300" })), false, DEFAULT_RETRY),
        300,
      );
    });
    it("backs off when 429 comes without Retry-After", () => {
      assert.equal(retryDelay(0, response(429), false, DEFAULT_RETRY, Date.now(), fixed), 750);
    });
    it("fails fast when the server asks for longer than maxRetryAfterMs", () => {
      assert.equal(
        retryDelay(0, response(429, headers({ "retry-after": "3600" })), true, DEFAULT_RETRY),
        undefined,
      );
    });
    it("retries 408, 500, 502, 504 only for idempotent requests", () => {
      for (const status of [408, 500, 502, 504]) {
        assert.notEqual(retryDelay(0, response(status), true, DEFAULT_RETRY), undefined, `GET ${status}`);
        assert.equal(retryDelay(0, response(status), false, DEFAULT_RETRY), undefined, `POST ${status}`);
      }
    });
    it("never retries 400, 401, 403, 404, 409, 422, 501, 505", () => {
      for (const status of [400, 401, 403, 404, 409, 422, 501, 505]) {
        assert.equal(retryDelay(0, response(status), true, DEFAULT_RETRY), undefined, String(status));
      }
    });
    it("retries a POST after a network error only when the request was never sent", () => {
      assert.notEqual(
        retryDelay(0, { kind: "network", requestNotSent: true }, false, DEFAULT_RETRY),
        undefined,
      );
      assert.equal(
        retryDelay(0, { kind: "network", requestNotSent: false }, false, DEFAULT_RETRY),
        undefined,
      );
      assert.notEqual(
        retryDelay(0, { kind: "network", requestNotSent: false }, true, DEFAULT_RETRY),
        undefined,
      );
    });
    it("does not retry a timed-out POST (it may have been processed)", () => {
      assert.equal(retryDelay(0, { kind: "timeout" }, false, DEFAULT_RETRY), undefined);
      assert.notEqual(retryDelay(0, { kind: "timeout" }, true, DEFAULT_RETRY), undefined);
    });
    it("stops after `retries` attempts", () => {
      assert.notEqual(retryDelay(2, response(503), true, DEFAULT_RETRY), undefined);
      assert.equal(retryDelay(3, response(503), true, DEFAULT_RETRY), undefined);
    });
  });

  describe("backoff", () => {
    it("doubles from 1 s with jitter between half and all of the ceiling", () => {
      assert.equal(
        backoff(0, DEFAULT_RETRY, () => 0),
        500,
      );
      assert.equal(
        backoff(0, DEFAULT_RETRY, () => 1),
        1000,
      );
      assert.equal(
        backoff(2, DEFAULT_RETRY, () => 1),
        4000,
      );
    });
    it("is capped at maxDelayMs", () =>
      assert.equal(
        backoff(20, DEFAULT_RETRY, () => 1),
        DEFAULT_RETRY.maxDelayMs,
      ));
  });
});

describe("what a failed request means once the retries are spent", () => {
  const http = (status: number) => new HTTPError({ method: "POST", path: "/cancel", status });
  const cases: [string, Error, boolean, boolean][] = [
    // [what, error, may the cancel POST have reached the service?, transient (run again)?]
    ["a lost answer (timeout)", new TimeoutError("POST", "/cancel", 30_000), true, true],
    ["an unreadable answer", new ResponseError("POST", "/cancel", 202, "not JSON"), true, true],
    [
      "a connection cut after sending",
      new NetworkError("POST", "/cancel", "ECONNRESET", false, "reset"),
      true,
      true,
    ],
    [
      "a connection refused (never sent)",
      new NetworkError("POST", "/cancel", "ECONNREFUSED", true, "refused"),
      false,
      true,
    ],
    ["a gateway 502", http(502), true, true],
    ["a server 500", http(500), true, true],
    ["a gateway 504", http(504), true, true],
    ["throttling 503", http(503), false, true],
    ["throttling 429", http(429), false, true],
    ["501 not implemented", http(501), false, true],
    ["505 version not supported", http(505), false, true],
    ["408 request timeout", http(408), false, true],
    ["400 bad request", http(400), false, false],
    ["403 forbidden", http(403), false, false],
    ["404 not found", http(404), false, false],
    ["409 conflict", http(409), false, false],
    ["a credential problem", new CredentialError("no credentials"), false, false],
  ];
  for (const [what, err, reached, transient] of cases) {
    it(`${what}: ${reached ? "may have reached the service" : "provably not acted on"}, ${transient ? "transient" : "says what to fix"}`, () => {
      assert.equal(mayHaveReachedService(err), reached);
      assert.equal(isTransientFailure(err), transient);
    });
  }
});

import { strict as assert } from "node:assert";
import { DEFAULT_RETRY, backoff, parseRetryAfter, retryDelay } from "../../provider/retry";

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

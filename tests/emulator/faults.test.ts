// Specification: injected faults (throttling, errors, latency, dropped/hung connections, bad and
// huge bodies, foreign Location).

import assert from "node:assert/strict";

import { startEmulator, type FaultRule } from "../../emulator";
import { assertCppError, cpp, get, offerPath, post, STATIC_TOKEN, useEmulator, waitFor } from "./helpers";

const CONTOSO = offerPath("contoso", "contoso-offer");
const OFFER = cpp(CONTOSO);
const CANCEL = cpp(`${CONTOSO}/cancel`);

describe("emulator: status faults", () => {
  const ctx = useEmulator({}, "test");

  it("429 with Retry-After in seconds applies once by default, then requests answer normally", async () => {
    ctx.emu.addFault({ fault: { type: "status", status: 429, retryAfter: "2" } });
    const throttled = await get(ctx.emu, OFFER);
    assertCppError(throttled, 429, "TooManyRequests");
    assert.equal(throttled.headers.get("retry-after"), "2");
    assert.match(throttled.headers.get("x-ms-request-id") ?? "", /^[0-9a-f-]{36}$/);
    assert.equal((await get(ctx.emu, OFFER)).status, 200);
  });

  it("503 with an HTTP-date Retry-After, retry-after-ms, custom headers and body", async () => {
    const date = new Date(Date.now() + 3000).toUTCString();
    ctx.emu.addFault({
      fault: {
        type: "status",
        status: 503,
        retryAfter: date,
        retryAfterMs: 1500,
        headers: { "x-custom": "yes" },
        body: "Service Unavailable",
      },
    });
    const reply = await get(ctx.emu, OFFER);
    assert.equal(reply.status, 503);
    assert.equal(reply.headers.get("retry-after"), date);
    assert.equal(reply.headers.get("retry-after-ms"), "1500");
    assert.equal(reply.headers.get("x-custom"), "yes");
    assert.equal(reply.text, "Service Unavailable");
  });

  it("500 with the CPP error shape", async () => {
    ctx.emu.addFault({ fault: { type: "status", status: 500 } });
    const error = assertCppError(await get(ctx.emu, OFFER), 500, "InternalServerError");
    assert.match(error.message, /try again later/);
  });

  it("times: n applies to n matching requests; always: true until clearFaults()", async () => {
    ctx.emu.addFault({ times: 2, fault: { type: "status", status: 502 } });
    assert.deepEqual(
      [
        (await get(ctx.emu, OFFER)).status,
        (await get(ctx.emu, OFFER)).status,
        (await get(ctx.emu, OFFER)).status,
      ],
      [502, 502, 200],
    );
    ctx.emu.addFault({ always: true, fault: { type: "status", status: 503 } });
    for (let i = 0; i < 4; i++) assert.equal((await get(ctx.emu, OFFER)).status, 503);
    ctx.emu.clearFaults();
    assert.equal((await get(ctx.emu, OFFER)).status, 200);
  });

  it("matches on method, pathIncludes and pathPattern; unmatched requests pass", async () => {
    ctx.emu.addFault({
      match: { method: "POST", pathIncludes: "/cancel" },
      fault: { type: "status", status: 500 },
    });
    ctx.emu.addFault({ match: { pathPattern: "/submissions/?\\?" }, fault: { type: "status", status: 504 } });
    assert.equal((await get(ctx.emu, OFFER)).status, 200);
    assert.equal((await get(ctx.emu, cpp(`${CONTOSO}/submissions/`))).status, 504);
    assert.equal((await get(ctx.emu, cpp(`${CONTOSO}/submissions/`))).status, 200);
    assert.equal((await post(ctx.emu, CANCEL)).status, 500);
    assert.equal((await post(ctx.emu, CANCEL)).status, 202);
  });

  it("rules apply in insertion order", async () => {
    ctx.emu.addFault({ fault: { type: "status", status: 429 } });
    ctx.emu.addFault({ fault: { type: "status", status: 500 } });
    assert.equal((await get(ctx.emu, OFFER)).status, 429);
    assert.equal((await get(ctx.emu, OFFER)).status, 500);
    assert.equal((await get(ctx.emu, OFFER)).status, 200);
  });

  it("applies before authentication and routing, so a faulted request has no side effect", async () => {
    ctx.emu.addFault({ times: 2, fault: { type: "status", status: 503 } });
    assert.equal((await get(ctx.emu, OFFER, { token: null })).status, 503);
    assert.equal((await post(ctx.emu, CANCEL)).status, 503);
    assert.equal(ctx.emu.cpp.getOffer("contoso", "contoso-offer").status, "running");
    assert.equal(ctx.emu.cpp.getOffer("contoso", "contoso-offer").operations.length, 1);
  });

  it("never applies to admin requests", async () => {
    ctx.emu.addFault({ always: true, fault: { type: "status", status: 500 } });
    assert.equal((await get(ctx.emu, "/_emulator/health")).status, 200);
  });

  it("also applies to token requests", async () => {
    ctx.emu.addFault({ match: { pathIncludes: "/oauth2/" }, fault: { type: "status", status: 500 } });
    const res = await fetch(`${ctx.emu.url}/demo-tenant/oauth2/token`, { method: "POST", body: "" });
    assert.equal(res.status, 500);
  });

  it("rejects invalid rules", () => {
    assert.throws(() => ctx.emu.addFault({ fault: { type: "status", status: 42 } }), /fault.status/);
    assert.throws(
      () => ctx.emu.addFault({ match: { pathPattern: "(" }, fault: { type: "drop" } }),
      /pathPattern/,
    );
    assert.throws(
      () => ctx.emu.addFault({ fault: { type: "teleport" } } as unknown as FaultRule),
      /fault.type/,
    );
    assert.throws(() => ctx.emu.addFault({ times: 0, fault: { type: "drop" } }), /times/);
  });
});

describe("emulator: latency, drop and hang", () => {
  const ctx = useEmulator({}, "test");

  it("latency delays the answer, which is otherwise normal", async () => {
    ctx.emu.addFault({ fault: { type: "latency", ms: 300 } });
    const started = Date.now();
    const reply = await get(ctx.emu, OFFER);
    const elapsed = Date.now() - started;
    assert.equal(reply.status, 200);
    assert.equal(reply.json().id, "contoso-offer");
    assert.ok(elapsed >= 290, `answered after ${elapsed} ms`);
  });

  it("drop destroys the connection without an answer; the request is recorded with status 0", async () => {
    ctx.emu.addFault({ fault: { type: "drop" } });
    await assert.rejects(
      fetch(`${ctx.emu.url}${OFFER}`, { signal: AbortSignal.timeout(5000) }),
      (e: Error) => e.name === "TypeError", // a network error, not the timeout
    );
    const record = ctx.emu.requests.at(-1);
    assert.equal(record?.path, OFFER);
    assert.equal(record?.status, 0);
    assert.equal((await get(ctx.emu, OFFER)).status, 200);
  });

  it("hang never answers; the client's timeout fires and close() is still prompt", async () => {
    const local = await startEmulator();
    local.addFault({ always: true, fault: { type: "hang" } });
    await assert.rejects(
      fetch(`${local.url}${OFFER}`, { signal: AbortSignal.timeout(300) }),
      (e: Error) => e.name === "TimeoutError",
    );
    // A second hung request still open while closing.
    const pending = fetch(`${local.url}${OFFER}`).then(
      () => "answered",
      () => "failed",
    );
    await waitFor("the second request to arrive", () => local.requests.length === 2);
    const started = Date.now();
    await local.close();
    assert.ok(Date.now() - started < 1000, `close() took ${Date.now() - started} ms`);
    assert.equal(await pending, "failed");
    assert.deepEqual(
      local.requests.map((r) => r.status),
      [0, 0],
    );
  });

  it("close() cancels pending latency", async () => {
    const local = await startEmulator();
    local.addFault({ fault: { type: "latency", ms: 60_000 } });
    const pending = fetch(`${local.url}${OFFER}`).then(
      () => "answered",
      () => "failed",
    );
    await waitFor("the request to arrive", () => local.requests.length === 1);
    const started = Date.now();
    await local.close();
    assert.ok(Date.now() - started < 1000);
    assert.equal(await pending, "failed");
  });
});

describe("emulator: body faults", () => {
  const ctx = useEmulator({}, "test");

  it("malformedJson answers 200 with a truncated JSON body", async () => {
    ctx.emu.addFault({ fault: { type: "malformedJson" } });
    const res = await fetch(`${ctx.emu.url}${OFFER}`, {
      headers: { Authorization: `Bearer ${STATIC_TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    await assert.rejects(res.json(), SyntaxError);
  });

  it("oversized answers a valid status with a body of exactly the requested size", async () => {
    const bytes = 5 * 1024 * 1024;
    ctx.emu.addFault({ fault: { type: "oversized", bytes } });
    const res = await fetch(`${ctx.emu.url}${OFFER}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-length"), String(bytes));
    const body = await res.text();
    assert.equal(body.length, bytes);
    assert.ok(JSON.parse(body));
  });

  it("oversized with an error status carries a huge CPP error body", async () => {
    ctx.emu.addFault({ fault: { type: "oversized", bytes: 2 * 1024 * 1024, status: 500 } });
    const reply = await get(ctx.emu, OFFER);
    assert.equal(reply.status, 500);
    assert.equal(reply.text.length, 2 * 1024 * 1024);
    assert.equal(reply.json<{ error: { code: string } }>().error.code, "InternalServerError");
  });

  it("survives a client that stops reading a huge body", async () => {
    ctx.emu.addFault({ fault: { type: "oversized", bytes: 8 * 1024 * 1024 } });
    const controller = new AbortController();
    const res = await fetch(`${ctx.emu.url}${OFFER}`, { signal: controller.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    assert.equal((await get(ctx.emu, OFFER)).status, 200);
  });
});

describe("emulator: foreignLocation", () => {
  const ctx = useEmulator({}, "test");

  it("makes a successful cancel's Location point at another origin", async () => {
    ctx.emu.addFault({ fault: { type: "foreignLocation", origin: "http://evil.example:9" } });
    // Not consumed by other requests, and applied after routing.
    assert.equal((await get(ctx.emu, OFFER)).status, 200);
    const reply = await post(ctx.emu, CANCEL);
    assert.equal(reply.status, 202);
    const location = reply.headers.get("location") ?? "";
    assert.match(
      location,
      /^http:\/\/evil\.example:9\/api\/publishers\/contoso\/offers\/contoso-offer\/operations\/[0-9a-f-]{36}\?api-version=2017-10-31$/,
    );
    // The cancel itself happened.
    assert.equal(ctx.emu.cpp.getOffer("contoso", "contoso-offer").operations.length, 2);
    // Used up.
    assert.match((await post(ctx.emu, CANCEL)).headers.get("location") ?? "", /^\/api\//);
  });

  it("is not consumed by a cancel that fails", async () => {
    ctx.emu.addFault({ fault: { type: "foreignLocation", origin: "http://evil.example:9" } });
    assert.equal((await post(ctx.emu, CANCEL, { token: null })).status, 401);
    assert.match((await post(ctx.emu, CANCEL)).headers.get("location") ?? "", /^http:\/\/evil\.example:9\//);
  });
});

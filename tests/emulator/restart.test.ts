// Specification: a restart that keeps the in-memory state (the "service restarted mid-wait" fault).

import assert from "node:assert/strict";

import { call, cpp, get, offerPath, post, useEmulator, waitFor } from "./helpers";

const CONTOSO = offerPath("contoso", "contoso-offer");

/** The error code of a fetch that could not connect, e.g. ECONNREFUSED. */
async function connectError(url: string): Promise<string | undefined> {
  try {
    await fetch(url);
    return undefined;
  } catch (e) {
    return ((e as Error & { cause?: { code?: string } }).cause?.code ?? String(e)) as string;
  }
}

const refused = async (url: string) => (await connectError(`${url}/_emulator/health`)) === "ECONNREFUSED";

describe("emulator: restart", () => {
  const ctx = useEmulator({}, "test");

  it("refuses connections while down, then serves the same state on the same port", async () => {
    const url = ctx.emu.url;
    const token = ctx.emu.issueToken();
    const canceled = await post(ctx.emu, cpp(`${CONTOSO}/cancel`));
    assert.equal(canceled.status, 202);
    const location = canceled.headers.get("location") ?? "";
    ctx.emu.addFault({ match: { pathIncludes: "/status" }, fault: { type: "status", status: 500 } });
    const requestsBefore = ctx.emu.requests.length;

    const restarted = ctx.emu.restart({ downtimeMs: 400 });
    await waitFor("connections to be refused", () => refused(url));
    await restarted;

    assert.equal(ctx.emu.url, url);
    // Operations, tokens, faults and the request log all survived.
    const op = await get(ctx.emu, location, { token });
    assert.equal(op.status, 200);
    assert.equal(op.json<{ submissionType: string }>().submissionType, "cancel");
    assert.equal((await get(ctx.emu, cpp(`${CONTOSO}/status`))).status, 500);
    assert.ok(ctx.emu.requests.length > requestsBefore);
    assert.equal(
      ctx.emu.cpp.getOffer("contoso", "contoso-offer").history.filter((h) => h.event === "cancelRequested")
        .length,
      1,
    );
  });

  it("cuts a request in flight without processing it", async () => {
    const latencyMs = 300;
    ctx.emu.addFault({ match: { pathIncludes: "/cancel" }, fault: { type: "latency", ms: latencyMs } });
    const inFlight = post(ctx.emu, cpp(`${CONTOSO}/cancel`)).then(
      () => "answered",
      () => "cut",
    );
    await waitFor("the cancel to arrive", () => ctx.emu.requests.some((r) => r.path.includes("/cancel")));
    await ctx.emu.restart({ downtimeMs: 0 });
    assert.equal(await inFlight, "cut");
    // Inherently real time: a latency fault holds a request on a real timer (not the emulated
    // clock), so "never processed later" can only be shown by letting that much real time pass.
    await new Promise((resolve) => setTimeout(resolve, latencyMs + 200));
    const history = ctx.emu.cpp.getOffer("contoso", "contoso-offer").history;
    assert.equal(history.filter((h) => h.event === "cancelRequested").length, 0);
  });

  it("POST /_emulator/restart answers 202, then restarts; bad downtimes are 400", async () => {
    const reply = await call(ctx.emu, "POST", "/_emulator/restart", {
      token: null,
      body: { downtimeMs: 300 },
    });
    assert.equal(reply.status, 202);
    assert.deepEqual(reply.json(), { restartingForMs: 300 });
    await waitFor("connections to be refused", () => refused(ctx.emu.url));
    await waitFor("the emulator to listen again", async () => !(await refused(ctx.emu.url)));
    assert.equal((await call(ctx.emu, "GET", "/_emulator/health", { token: null })).status, 200);
    for (const downtimeMs of [-1, "5", 600_001]) {
      const bad = await call(ctx.emu, "POST", "/_emulator/restart", { token: null, body: { downtimeMs } });
      assert.equal(bad.status, 400);
    }
  });

  it("close() during the downtime ends the restart at once", async () => {
    const restarting = ctx.emu.restart({ downtimeMs: 600_000 });
    await waitFor("connections to be refused", () => refused(ctx.emu.url));
    const started = Date.now();
    await ctx.emu.close();
    await restarting;
    assert.ok(Date.now() - started < 5000);
    assert.equal(await connectError(`${ctx.emu.url}/_emulator/health`), "ECONNREFUSED");
  });

  it("restart() validates its argument and a closed emulator cannot restart", async () => {
    await assert.rejects(ctx.emu.restart({ downtimeMs: -5 }), RangeError);
    await ctx.emu.close();
    await assert.rejects(ctx.emu.restart({ downtimeMs: 0 }), /closed/);
  });
});

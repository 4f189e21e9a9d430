// Specification: the admin API under /_emulator/ (no auth), used by the CLI user and by tests that
// run the emulator in another process.

import assert from "node:assert/strict";

import type { OfferView, OperationView, RecordedRequest } from "../../emulator";
import { call, cpp, get, offerPath, post, useEmulator, type Reply } from "./helpers";

const CONTOSO = offerPath("contoso", "contoso-offer");

describe("emulator: admin API over HTTP", () => {
  const ctx = useEmulator({}, "test");
  const admin = (method: string, path: string, body?: Record<string, unknown> | string): Promise<Reply> =>
    call(ctx.emu, method, `/_emulator${path}`, { token: null, body });

  it("GET /health", async () => {
    const reply = await admin("GET", "/health");
    assert.equal(reply.status, 200);
    const body = reply.json<{ status: string; url: string; now: string; timeScale: number }>();
    assert.equal(body.status, "ok");
    assert.equal(body.url, ctx.emu.url);
    assert.equal(body.timeScale, 1);
    assert.ok(Math.abs(Date.parse(body.now) - Date.now()) < 5000);
  });

  it("GET and DELETE /requests", async () => {
    await get(ctx.emu, cpp(CONTOSO));
    const reply = await admin("GET", "/requests");
    const log = reply.json<RecordedRequest[]>();
    assert.deepEqual(
      log.map((r) => [r.method, r.path, r.status]),
      [["GET", `${CONTOSO}?api-version=2017-10-31`, 200]],
    );
    assert.equal(log[0].headers.authorization, "Bearer <redacted>");
    assert.equal((await admin("DELETE", "/requests")).status, 204);
    assert.equal(ctx.emu.requests.length, 0);
  });

  it("POST, GET and DELETE /faults", async () => {
    const created = await admin("POST", "/faults", {
      match: { pathIncludes: "/cancel" },
      times: 1,
      fault: { type: "status", status: 429, retryAfter: "1" },
    });
    assert.equal(created.status, 201);
    const { id } = created.json<{ id: string }>();
    assert.match(id, /^[0-9a-f-]{36}$/);
    const listed = (await admin("GET", "/faults")).json<{ id: string; remaining: number }[]>();
    assert.deepEqual(
      listed.map((f) => [f.id, f.remaining]),
      [[id, 1]],
    );
    assert.equal((await post(ctx.emu, cpp(`${CONTOSO}/cancel`))).status, 429);

    await admin("POST", "/faults", { always: true, fault: { type: "status", status: 500 } });
    assert.equal((await admin("DELETE", "/faults")).status, 204);
    assert.equal((await get(ctx.emu, cpp(CONTOSO))).status, 200);
  });

  it("rejects an invalid fault with 400", async () => {
    const reply = await admin("POST", "/faults", { fault: { type: "status" } });
    assert.equal(reply.status, 400);
    assert.match(reply.json<{ error: { message: string } }>().error.message, /fault.status/);
    assert.equal((await admin("POST", "/faults", "{nope")).status, 400);
  });

  it("PATCH /offers/{p}/{o} changes an offer's quirks (and can create an offer)", async () => {
    const reply = await admin("PATCH", "/offers/contoso/contoso-offer", {
      cancelMode: "sync",
      vocabulary: "completed",
    });
    assert.equal(reply.status, 200);
    const view = reply.json<OfferView>();
    assert.equal(view.config.cancelMode, "sync");
    assert.equal(view.config.vocabulary, "completed");
    assert.equal((await post(ctx.emu, cpp(`${CONTOSO}/cancel`))).status, 200);

    const created = await admin("PATCH", "/offers/newpub/new-offer", { pcMigrationStatus: "none" });
    assert.equal(created.status, 200);
    assert.equal(
      (await get(ctx.emu, cpp(offerPath("newpub", "new-offer")))).json().pcMigrationStatus,
      "none",
    );

    const bad = await admin("PATCH", "/offers/contoso/contoso-offer", { cancelMode: "later" });
    assert.equal(bad.status, 400);
    assert.match(bad.json<{ error: { message: string } }>().error.message, /cancelMode/);
    const typo = await admin("PATCH", "/offers/contoso/contoso-offer", { cancelmode: "sync" });
    assert.equal(typo.status, 400);
  });

  it("POST /offers/{p}/{o}/operations starts a publish; 409 while one runs; 404 for an unknown offer", async () => {
    const reply = await admin("POST", "/offers/fabrikam/fabrikam-vm/operations", {
      kind: "publish",
      durationSeconds: 60,
    });
    assert.equal(reply.status, 201);
    const op = reply.json<OperationView>();
    assert.equal(op.kind, "publish");
    assert.equal(op.status, "notStarted");
    assert.equal(Date.parse(op.plannedEndAt) - Date.parse(op.startedAt), 60_000);
    assert.equal(
      (await get(ctx.emu, cpp(`${offerPath("fabrikam", "fabrikam-vm")}/operations/${op.id}`))).status,
      200,
    );

    const conflict = await admin("POST", "/offers/fabrikam/fabrikam-vm/operations", { kind: "golive" });
    assert.equal(conflict.status, 409);
    assert.equal((await admin("POST", "/offers/fabrikam/nope/operations", { kind: "publish" })).status, 404);
    assert.equal(
      (await admin("POST", "/offers/fabrikam/fabrikam-vm/operations", { kind: "deploy" })).status,
      400,
    );
  });

  it("GET /offers/{p}/{o} returns the OfferView with the current operation and history", async () => {
    const view = (await admin("GET", "/offers/contoso/contoso-offer")).json<OfferView>();
    assert.equal(view.status, "running");
    assert.equal(view.currentOperation?.kind, "publish");
    assert.equal(view.operations.length, 1);
    assert.equal(view.history[0].event, "publishStarted");
    assert.equal((await admin("GET", "/offers/contoso/nope")).status, 404);
  });

  it("GET and DELETE /operations/{id}", async () => {
    const id = ctx.emu.cpp.getOffer("contoso", "contoso-offer").currentOperation?.id ?? "";
    assert.equal((await admin("GET", `/operations/${id}`)).json<OperationView>().id, id);
    assert.equal((await admin("DELETE", `/operations/${id}`)).status, 204);
    assert.equal((await get(ctx.emu, cpp(`${CONTOSO}/operations/${id}`))).status, 404);
    assert.equal((await admin("DELETE", `/operations/${id}`)).status, 404);
    assert.equal((await admin("GET", `/operations/${id}`)).status, 404);
  });

  it("POST /clock advances the emulated time", async () => {
    const before = (await admin("GET", "/clock")).json<{ now: string }>().now;
    const reply = await admin("POST", "/clock", { advanceSeconds: 600 });
    assert.equal(reply.status, 200);
    const after = reply.json<{ now: string }>().now;
    assert.ok(Date.parse(after) - Date.parse(before) >= 600_000);
    assert.equal(ctx.emu.cpp.getOffer("contoso", "contoso-offer").status, "succeeded");
    assert.equal((await admin("POST", "/clock", { advanceSeconds: -1 })).status, 400);
  });

  it("POST /tokens mints a token; POST /tokens/expire expires them all", async () => {
    const reply = await admin("POST", "/tokens", { publishers: ["fabrikam"] });
    assert.equal(reply.status, 201);
    const token = reply.json<{ access_token: string }>().access_token;
    assert.equal((await get(ctx.emu, cpp(offerPath("fabrikam", "fabrikam-vm")), { token })).status, 200);
    assert.equal((await get(ctx.emu, cpp(CONTOSO), { token })).status, 403);
    assert.equal((await admin("POST", "/tokens/expire")).status, 204);
    assert.equal((await get(ctx.emu, cpp(offerPath("fabrikam", "fabrikam-vm")), { token })).status, 401);
  });

  it("answers 404 for unknown admin paths and 405 for wrong methods", async () => {
    assert.equal((await admin("GET", "/nothing")).status, 404);
    const wrong = await admin("PUT", "/faults");
    assert.equal(wrong.status, 405);
    assert.match(wrong.headers.get("allow") ?? "", /POST/);
  });
});

// Specification: POST …/cancel (docs/cpp-api.md §1) — sync and async, both Location forms, the legacy
// and no-location quirks, nothing to cancel, failing cancellations, and the request body.

import assert from "node:assert/strict";

import {
  assertCppError,
  cpp,
  get,
  getOperationAt,
  offerPath,
  post,
  useEmulator,
  type OperationBody,
  type SubmissionItem,
} from "./helpers";

const CONTOSO = offerPath("contoso", "contoso-offer");
const LEGACY = offerPath("contoso", "legacy-offer");
const FABRIKAM = offerPath("fabrikam", "fabrikam-vm");
const MIGRATED_LOCATION =
  /^\/api\/publishers\/contoso\/offers\/contoso-offer\/operations\/([0-9a-f-]{36})\?api-version=2017-10-31$/;

describe("emulator: async cancel of a migrated offer", () => {
  const ctx = useEmulator({}, "test");

  it("answers 202 with a relative Location to a cancellation operation of its own", async () => {
    const running = ctx.emu.cpp.getOffer("contoso", "contoso-offer").currentOperation;
    assert.ok(running);
    const reply = await post(ctx.emu, cpp(`${CONTOSO}/cancel`));
    assert.equal(reply.status, 202);
    const m = MIGRATED_LOCATION.exec(reply.headers.get("location") ?? "");
    assert.ok(m, `Location: ${reply.headers.get("location")}`);
    assert.notEqual(m[1], running.id);
    assert.equal(reply.headers.get("operation-location"), null);

    const cancellation = ctx.emu.cpp.getOperation(m[1]);
    assert.equal(cancellation?.kind, "cancellation");
    assert.equal(cancellation?.cancels, running.id);
  });

  it("runs the cancellation for cancelSeconds, then the operation is canceled", async () => {
    const running = ctx.emu.cpp.getOffer("contoso", "contoso-offer").currentOperation;
    assert.ok(running);
    const location = (await post(ctx.emu, cpp(`${CONTOSO}/cancel`))).headers.get("location") ?? "";
    const originalPath = cpp(`${CONTOSO}/operations/${running.id}`);

    let cancellation = await getOperationAt(ctx.emu, location);
    assert.equal(cancellation.status, "running");
    assert.equal(cancellation.submissionType, "cancel");
    assert.deepEqual(
      cancellation.steps.map((s) => [s.stepName, s.status]),
      [["Cancellation", "inProgress"]],
    );
    // Until the cancellation lands, the operation keeps running (and can still be canceled).
    const meanwhile = (await get(ctx.emu, originalPath)).json<OperationBody>();
    assert.equal(meanwhile.status, "running");
    assert.equal(meanwhile.cancellationRequestState, "canCancel");
    assertCppError(await post(ctx.emu, cpp(`${CONTOSO}/publish`)), 409, "OperationInProgress");

    ctx.emu.advanceClock(5);
    cancellation = await getOperationAt(ctx.emu, location);
    assert.equal(cancellation.status, "complete");
    assert.equal(cancellation.steps[0].status, "complete");
    assert.equal(cancellation.steps[0].progressPercentage, 100);
    assert.match(cancellation.steps[0].messages.at(-1)?.messageHtml ?? "", /was canceled/);

    const original = (await get(ctx.emu, originalPath)).json<OperationBody>();
    assert.equal(original.status, "canceled");
    assert.equal(original.cancellationRequestState, undefined);
    assert.ok(original.steps.some((s) => s.status === "canceled"));

    const offer = ctx.emu.cpp.getOffer("contoso", "contoso-offer");
    assert.equal(offer.status, "canceled");
    assert.equal(offer.currentOperation, undefined);
    assert.equal(ctx.emu.cpp.getOperation(running.id)?.canceledBy, cancellation.id);
    const events = offer.history.map((h) => h.event);
    assert.ok(events.includes("cancelRequested"), events.join());
    assert.ok(events.includes("operationCanceled"), events.join());
    assert.ok(events.includes("cancellationSucceeded"), events.join());

    // The offer is free again.
    assert.equal((await post(ctx.emu, cpp(`${CONTOSO}/publish`))).status, 202);
  });

  it("says 'completed' when the offer's vocabulary is completed", async () => {
    ctx.emu.cpp.configureOffer("contoso", "contoso-offer", { vocabulary: "completed" });
    const location = (await post(ctx.emu, cpp(`${CONTOSO}/cancel`))).headers.get("location") ?? "";
    ctx.emu.advanceClock(5);
    assert.equal((await getOperationAt(ctx.emu, location)).status, "completed");
  });

  it("array-wraps the cancellation operation when the offer uses arrayBody", async () => {
    ctx.emu.cpp.configureOffer("contoso", "contoso-offer", { arrayBody: true });
    const location = (await post(ctx.emu, cpp(`${CONTOSO}/cancel`))).headers.get("location") ?? "";
    const body = (await get(ctx.emu, location)).json<OperationBody[]>();
    assert.equal(body.length, 1);
    assert.equal(body[0].submissionType, "cancel");
  });

  it("reports that nothing was canceled when the operation finishes before the cancellation lands", async () => {
    ctx.emu.cpp.configureOffer("contoso", "contoso-offer", { cancelSeconds: 120 });
    const running = ctx.emu.cpp.getOffer("contoso", "contoso-offer").currentOperation;
    ctx.emu.advanceClock(550); // 50 s left; the cancellation needs 120
    const location = (await post(ctx.emu, cpp(`${CONTOSO}/cancel`))).headers.get("location") ?? "";
    ctx.emu.advanceClock(120);
    const cancellation = await getOperationAt(ctx.emu, location);
    assert.equal(cancellation.status, "complete");
    assert.match(cancellation.steps[0].messages.at(-1)?.messageHtml ?? "", /finished before/);
    assert.equal(ctx.emu.cpp.getOperation(running?.id ?? "")?.status, "complete");
    assert.equal(ctx.emu.cpp.getOperation(cancellation.id)?.outcome, "alreadyFinished");
  });

  it("a repeated cancel gets its own cancellation; the first one to land wins", async () => {
    const first = (await post(ctx.emu, cpp(`${CONTOSO}/cancel`))).headers.get("location") ?? "";
    ctx.emu.advanceClock(2);
    const second = (await post(ctx.emu, cpp(`${CONTOSO}/cancel`))).headers.get("location") ?? "";
    assert.notEqual(first, second);
    ctx.emu.advanceClock(10);
    const a = await getOperationAt(ctx.emu, first);
    const b = await getOperationAt(ctx.emu, second);
    assert.equal(ctx.emu.cpp.getOperation(a.id)?.outcome, "canceled");
    assert.equal(ctx.emu.cpp.getOperation(b.id)?.outcome, "alreadyCanceled");
    assert.equal(ctx.emu.cpp.getOffer("contoso", "contoso-offer").status, "canceled");
  });
});

describe("emulator: sync cancel", () => {
  const ctx = useEmulator({}, "test");

  it("answers 200 with no Location and no body, and the operation is canceled at once", async () => {
    const running = ctx.emu.cpp.startOperation("contoso", "legacy-offer", "publish");
    const reply = await post(ctx.emu, cpp(`${LEGACY}/cancel`));
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get("location"), null);
    assert.equal(reply.headers.get("operation-location"), null);
    assert.equal(reply.text, "");
    const op = (await get(ctx.emu, running.location)).json<OperationBody>();
    assert.equal(op.status, "canceled");
    const offer = ctx.emu.cpp.getOffer("contoso", "legacy-offer");
    assert.equal(offer.status, "canceled");
    assert.deepEqual(
      offer.operations.map((o) => o.kind),
      ["publish"],
    );
  });
});

describe("emulator: cancel of a non-migrated offer (async)", () => {
  const ctx = useEmulator({}, "test");

  it("answers with /api/operations/p$o$n$slot and the operation can be polled with $ or %24", async () => {
    ctx.emu.cpp.configureOffer("contoso", "legacy-offer", { cancelMode: "async" });
    ctx.emu.cpp.startOperation("contoso", "legacy-offer", "publish");
    const reply = await post(ctx.emu, cpp(`${LEGACY}/cancel`), {
      body: { metadata: { "notification-emails": "a@x.com,b@y.com" } },
    });
    assert.equal(reply.status, 202);
    const location = reply.headers.get("location");
    assert.equal(location, "/api/operations/contoso$legacy-offer$2$preview?api-version=2017-10-31");
    const viaPercent = location.replace(/\$/g, "%24");
    const op = await getOperationAt(ctx.emu, viaPercent);
    assert.equal(op.submissionType, "cancel");
    assert.equal(op.notificationEmails, "a@x.com,b@y.com");
    ctx.emu.advanceClock(5);
    assert.equal((await getOperationAt(ctx.emu, location)).status, "complete");
    assert.equal(ctx.emu.cpp.getOffer("contoso", "legacy-offer").status, "canceled");
  });
});

describe("emulator: location header quirks", () => {
  const ctx = useEmulator({}, "test");

  it("operation-location-absolute: the 2018 Operation-Location header, absolute and without api-version", async () => {
    ctx.emu.cpp.configureOffer("contoso", "contoso-offer", { locationHeader: "operation-location-absolute" });
    const reply = await post(ctx.emu, cpp(`${CONTOSO}/cancel`));
    assert.equal(reply.status, 202);
    assert.equal(reply.headers.get("location"), null);
    const url = reply.headers.get("operation-location") ?? "";
    const prefix = `${ctx.emu.url}/api/publishers/contoso/offers/contoso-offer/operations/`;
    assert.ok(url.startsWith(prefix), url);
    assert.ok(!url.includes("api-version"), url);
    // As given it fails (clients must add api-version back) …
    assertCppError(await get(ctx.emu, url.slice(ctx.emu.url.length)), 400, "InvalidAPIVersion");
    // … and with api-version it is the cancellation operation.
    const op = await getOperationAt(ctx.emu, cpp(url.slice(ctx.emu.url.length)));
    assert.equal(op.submissionType, "cancel");
  });

  it("operation-location-absolute uses the publishers form even for non-migrated offers", async () => {
    ctx.emu.cpp.configureOffer("contoso", "legacy-offer", {
      cancelMode: "async",
      locationHeader: "operation-location-absolute",
    });
    ctx.emu.cpp.startOperation("contoso", "legacy-offer", "publish");
    const url = (await post(ctx.emu, cpp(`${LEGACY}/cancel`))).headers.get("operation-location") ?? "";
    assert.match(url, /\/api\/publishers\/contoso\/offers\/legacy-offer\/operations\/[0-9a-f-]{36}$/);
  });

  it("none: 202 without any location header; the submissions list shows the outcome", async () => {
    ctx.emu.cpp.configureOffer("contoso", "contoso-offer", { locationHeader: "none" });
    const reply = await post(ctx.emu, cpp(`${CONTOSO}/cancel`));
    assert.equal(reply.status, 202);
    assert.equal(reply.headers.get("location"), null);
    assert.equal(reply.headers.get("operation-location"), null);
    ctx.emu.advanceClock(5);
    const items = (await get(ctx.emu, cpp(`${CONTOSO}/submissions/?status=canceled`))).json<
      SubmissionItem[]
    >();
    assert.equal(items.length, 1);
    assert.equal(items[0].submissionType, "publish");
  });

  it("applies to publish and go-live answers too", async () => {
    ctx.emu.cpp.configureOffer("fabrikam", "fabrikam-vm", { locationHeader: "none" });
    const reply = await post(ctx.emu, cpp(`${FABRIKAM}/publish`));
    assert.equal(reply.status, 202);
    assert.equal(reply.headers.get("location"), null);
  });
});

describe("emulator: nothing to cancel", () => {
  const ctx = useEmulator({}, "test");

  it("answers 202 with a Location to a cancellation that completes after cancelSeconds and cancels nothing", async () => {
    const reply = await post(ctx.emu, cpp(`${FABRIKAM}/cancel`));
    assert.equal(reply.status, 202);
    const location = reply.headers.get("location") ?? "";
    assert.match(
      location,
      /^\/api\/publishers\/fabrikam\/offers\/fabrikam-vm\/operations\/[0-9a-f-]{36}\?api-version=2017-10-31$/,
    );
    assert.equal((await getOperationAt(ctx.emu, location)).status, "running");
    ctx.emu.advanceClock(5);
    const op = await getOperationAt(ctx.emu, location);
    assert.equal(op.status, "complete");
    assert.match(op.steps[0].messages.at(-1)?.messageHtml ?? "", /no operation to cancel/i);

    const offer = ctx.emu.cpp.getOffer("fabrikam", "fabrikam-vm");
    assert.equal(offer.status, "neverPublished");
    assert.equal(ctx.emu.cpp.getOperation(op.id)?.cancels, null);
    assert.equal(ctx.emu.cpp.getOperation(op.id)?.outcome, "nothingToCancel");
    assert.ok(offer.history.some((h) => h.event === "nothingToCancel" && h.operationId === op.id));
  });

  it("answers 202 even when the offer cancels synchronously, and after a finished operation", async () => {
    ctx.emu.cpp.startOperation("contoso", "legacy-offer", "publish", 10);
    ctx.emu.advanceClock(10);
    const reply = await post(ctx.emu, cpp(`${LEGACY}/cancel`));
    assert.equal(reply.status, 202);
    assert.match(
      reply.headers.get("location") ?? "",
      /^\/api\/operations\/contoso\$legacy-offer\$2\$preview\?/,
    );
    assert.equal(ctx.emu.cpp.getOffer("contoso", "legacy-offer").status, "succeeded");
  });
});

describe("emulator: failing cancellation", () => {
  const ctx = useEmulator({}, "test");

  it("ends the cancellation 'failed' with an error-level step message; the operation keeps running", async () => {
    ctx.emu.cpp.configureOffer("contoso", "contoso-offer", {
      failCancellation: { message: "Certification cannot be interrupted." },
    });
    const running = ctx.emu.cpp.getOffer("contoso", "contoso-offer").currentOperation;
    const location = (await post(ctx.emu, cpp(`${CONTOSO}/cancel`))).headers.get("location") ?? "";
    ctx.emu.advanceClock(5);
    const op = await getOperationAt(ctx.emu, location);
    assert.equal(op.status, "failed");
    assert.equal(op.steps[0].status, "failed");
    const last = op.steps[0].messages.at(-1);
    assert.equal(last?.messageHtml, "Certification cannot be interrupted.");
    assert.equal(last?.level, "error");
    assert.equal(op.messages[0]?.level, "error");
    assert.equal(ctx.emu.cpp.getOperation(running?.id ?? "")?.status, "running");
    assert.equal(ctx.emu.cpp.getOffer("contoso", "contoso-offer").status, "running");

    // Clearing the quirk makes the next cancel work.
    ctx.emu.cpp.configureOffer("contoso", "contoso-offer", { failCancellation: null });
    await post(ctx.emu, cpp(`${CONTOSO}/cancel`));
    ctx.emu.advanceClock(5);
    assert.equal(ctx.emu.cpp.getOperation(running?.id ?? "")?.status, "canceled");
  });
});

describe("emulator: cancel request body", () => {
  const ctx = useEmulator({}, "test");

  for (const [what, body] of [
    ["no body", undefined],
    ["an empty object", "{}"],
    ["metadata without emails", '{"metadata":{}}'],
  ] as const) {
    it(`accepts ${what}`, async () => {
      const reply = await post(ctx.emu, cpp(`${CONTOSO}/cancel`), { body });
      assert.equal(reply.status, 202, reply.text);
    });
  }

  it("records the notification emails on the cancellation operation", async () => {
    const reply = await post(ctx.emu, cpp(`${CONTOSO}/cancel`), {
      body: { metadata: { "notification-emails": "a@x.com, b@y.com" } },
    });
    const id = MIGRATED_LOCATION.exec(reply.headers.get("location") ?? "")?.[1] ?? "";
    assert.deepEqual(ctx.emu.cpp.getOperation(id)?.notificationEmails, ["a@x.com", "b@y.com"]);
    // Migrated offers do not echo them in the operation body.
    assert.equal(
      "notificationEmails" in (await getOperationAt(ctx.emu, reply.headers.get("location") ?? "")),
      false,
    );
  });

  for (const [what, body] of [
    ["malformed JSON", '{"metadata": {'],
    ["a non-object body", "[1,2]"],
    ["emails that are not addresses", '{"metadata":{"notification-emails":"not-an-email"}}'],
    ["an empty element in the list", '{"metadata":{"notification-emails":"a@x.com,,b@y.com"}}'],
    ["emails as an array", '{"metadata":{"notification-emails":["a@x.com"]}}'],
    ["metadata as a string", '{"metadata":"a@x.com"}'],
  ] as const) {
    it(`answers 400 for ${what} and cancels nothing`, async () => {
      const reply = await post(ctx.emu, cpp(`${CONTOSO}/cancel`), { body });
      assert.equal(reply.status, 400, reply.text);
      assertCppError(reply, 400);
      const offer = ctx.emu.cpp.getOffer("contoso", "contoso-offer");
      assert.deepEqual(
        offer.operations.map((o) => o.kind),
        ["publish"],
      );
    });
  }
});

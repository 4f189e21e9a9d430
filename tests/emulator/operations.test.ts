// Specification: offers, publish/go-live, operation objects, submissions and offer status
// (docs/cpp-api.md §2–§4).

import assert from "node:assert/strict";

import { startEmulator } from "../../emulator";
import {
  assertCppError,
  cpp,
  get,
  getOperationAt,
  GUID,
  offerPath,
  post,
  useEmulator,
  waitFor,
  type OperationBody,
  type SubmissionItem,
} from "./helpers";

const CONTOSO = offerPath("contoso", "contoso-offer");
const LEGACY = offerPath("contoso", "legacy-offer");
const FABRIKAM = offerPath("fabrikam", "fabrikam-vm");
const MIGRATED_LOCATION =
  /^\/api\/publishers\/([^/]+)\/offers\/([^/]+)\/operations\/([0-9a-f-]{36})\?api-version=2017-10-31$/;

describe("emulator: offers", () => {
  const ctx = useEmulator({}, "test");

  it("lists a publisher's offers with pcMigrationStatus", async () => {
    const reply = await get(ctx.emu, cpp("/api/publishers/contoso/offers"));
    assert.equal(reply.status, 200);
    const offers =
      reply.json<{ id: string; publisherId: string; pcMigrationStatus: string; offerTypeId: string }[]>();
    assert.deepEqual(
      offers.map((o) => [o.id, o.publisherId, o.pcMigrationStatus]),
      [
        ["contoso-offer", "contoso", "migrated"],
        ["legacy-offer", "contoso", "none"],
      ],
    );
    assert.equal(offers[0].offerTypeId, "microsoft-azure-virtualmachines");
  });

  it("returns one offer", async () => {
    const offer = (await get(ctx.emu, cpp(LEGACY))).json();
    assert.equal(offer.id, "legacy-offer");
    assert.equal(offer.pcMigrationStatus, "none");
    assert.equal(offer.status, "neverPublished");
  });
});

describe("emulator: publish and go-live", () => {
  const ctx = useEmulator({}, "test");

  it("publish answers 202 with a relative Location to a new operation (migrated form)", async () => {
    const reply = await post(ctx.emu, cpp(`${FABRIKAM}/publish`));
    assert.equal(reply.status, 202);
    assert.equal(reply.text, "");
    const location = reply.headers.get("location") ?? "";
    const m = MIGRATED_LOCATION.exec(location);
    assert.ok(m, `Location ${location}`);
    assert.deepEqual([m[1], m[2]], ["fabrikam", "fabrikam-vm"]);
    const op = await getOperationAt(ctx.emu, location);
    assert.equal(op.id, m[3]);
    assert.equal(op.submissionType, "publish");
    assert.equal(op.status, "notStarted");
    assert.equal(op.cancellationRequestState, "canCancel");
  });

  it("only one operation runs per offer: publish and go-live answer 409 OperationInProgress meanwhile", async () => {
    const publish = await post(ctx.emu, cpp(`${CONTOSO}/publish`));
    assert.match(assertCppError(publish, 409, "OperationInProgress").message, /already in progress/);
    assertCppError(await post(ctx.emu, cpp(`${CONTOSO}/golive`)), 409, "OperationInProgress");
    assert.equal(ctx.emu.cpp.getOffer("contoso", "contoso-offer").operations.length, 1);
  });

  it("accepts a new publish once the running one has finished", async () => {
    ctx.emu.advanceClock(600);
    assert.equal(ctx.emu.cpp.getOffer("contoso", "contoso-offer").status, "succeeded");
    const reply = await post(ctx.emu, cpp(`${CONTOSO}/publish`));
    assert.equal(reply.status, 202);
  });

  it("records the notification emails of a publish body and rejects malformed JSON without side effects", async () => {
    const bad = await post(ctx.emu, cpp(`${FABRIKAM}/publish`), { body: '{"metadata": ' });
    assertCppError(bad, 400, "BadRequest");
    assert.equal(ctx.emu.cpp.getOffer("fabrikam", "fabrikam-vm").operations.length, 0);
    const ok = await post(ctx.emu, cpp(`${FABRIKAM}/publish`), {
      body: { metadata: { "notification-emails": "a@x,b@y" } },
    });
    assert.equal(ok.status, 202);
    assert.deepEqual(ctx.emu.cpp.getOffer("fabrikam", "fabrikam-vm").operations[0].notificationEmails, [
      "a@x",
      "b@y",
    ]);
  });

  it("go-live answers 202 and runs go-live steps in the production slot", async () => {
    const reply = await post(ctx.emu, cpp(`${FABRIKAM}/golive`));
    assert.equal(reply.status, 202);
    const op = await getOperationAt(ctx.emu, reply.headers.get("location") ?? "");
    assert.equal(op.submissionType, "golive");
    assert.deepEqual(
      op.steps.map((s) => s.stepName),
      ["Validation", "Packaging", "Live"],
    );
    ctx.emu.advanceClock(600);
    const done = await getOperationAt(ctx.emu, reply.headers.get("location") ?? "");
    assert.equal(done.status, "complete");
    assert.equal(done.liveLinks.length, 1);
    assert.equal(ctx.emu.cpp.getOffer("fabrikam", "fabrikam-vm").operations[0].slot, "production");
  });

  it("non-migrated offers answer with /api/operations/{p}${o}${n}${slot}", async () => {
    const publish = await post(ctx.emu, cpp(`${LEGACY}/publish`));
    assert.equal(
      publish.headers.get("location"),
      "/api/operations/contoso$legacy-offer$1$preview?api-version=2017-10-31",
    );
    ctx.emu.advanceClock(600);
    const golive = await post(ctx.emu, cpp(`${LEGACY}/golive`));
    assert.equal(
      golive.headers.get("location"),
      "/api/operations/contoso$legacy-offer$2$production?api-version=2017-10-31",
    );
  });
});

describe("emulator: GET operation", () => {
  const ctx = useEmulator({}, "test");

  async function seededOperation(): Promise<{ id: string; path: string }> {
    const current = ctx.emu.cpp.getOffer("contoso", "contoso-offer").currentOperation;
    assert.ok(current);
    return { id: current.id, path: cpp(`${CONTOSO}/operations/${current.id}`) };
  }

  it("returns the fields of docs/cpp-api.md §2 and omits notificationEmails for migrated offers", async () => {
    const { id, path } = await seededOperation();
    const op = (await get(ctx.emu, path)).json<OperationBody>();
    assert.equal(op.id, id);
    assert.equal(op.status, "running");
    assert.deepEqual(op.messages, []);
    assert.equal(op.publishingVersion, 1);
    assert.equal(op.offerVersion, 1);
    assert.equal(op.cancellationRequestState, "canCancel");
    assert.deepEqual(op.previewLinks, []);
    assert.deepEqual(op.liveLinks, []);
    assert.equal("notificationEmails" in op, false);
    assert.deepEqual(
      op.steps.map((s) => s.stepName),
      ["Validation", "Certification", "Packaging", "Preview creation"],
    );
    for (const step of op.steps) {
      assert.deepEqual(Object.keys(step).sort(), [
        "description",
        "estimatedTimeFrame",
        "id",
        "messages",
        "progressPercentage",
        "status",
        "stepName",
      ]);
    }
  });

  it("derives status, steps and progress from the emulated clock", async () => {
    const view = ctx.emu.cpp.startOperation("fabrikam", "fabrikam-vm", "publish", 100);
    const path = cpp(`${FABRIKAM}/operations/${view.id}`);
    const at = async () => (await get(ctx.emu, path)).json<OperationBody>();

    let op = await at();
    assert.equal(op.status, "notStarted");
    assert.deepEqual(
      op.steps.map((s) => s.status),
      ["notStarted", "notStarted", "notStarted", "notStarted"],
    );

    ctx.emu.advanceClock(5); // validation: seconds 1–10.9
    op = await at();
    assert.equal(op.status, "running");
    assert.equal(op.steps[0].status, "inProgress");
    assert.ok(op.steps[0].progressPercentage > 0 && op.steps[0].progressPercentage < 100);
    assert.equal(op.steps[0].messages[0].messageHtml, "Step started.");
    assert.equal(op.steps[0].messages[0].level, "information");

    ctx.emu.advanceClock(25); // certification: seconds 10.9–50.5
    op = await at();
    assert.deepEqual(
      op.steps.map((s) => s.status),
      ["complete", "inProgress", "notStarted", "notStarted"],
    );
    assert.equal(op.steps[0].progressPercentage, 100);
    const certification = op.steps[1].progressPercentage;
    assert.ok(certification > 20 && certification < 80, `certification at ${certification}%`);

    ctx.emu.advanceClock(70);
    op = await at();
    assert.equal(op.status, "complete");
    assert.equal(op.cancellationRequestState, undefined);
    assert.ok(op.steps.every((s) => s.status === "complete" && s.progressPercentage === 100));
    assert.equal(op.previewLinks.length, 1);
  });

  it("can say 'completed' instead of 'complete' (vocabulary)", async () => {
    ctx.emu.cpp.configureOffer("fabrikam", "fabrikam-vm", { vocabulary: "completed" });
    const view = ctx.emu.cpp.startOperation("fabrikam", "fabrikam-vm", "publish", 10);
    ctx.emu.advanceClock(10);
    const op = (await get(ctx.emu, cpp(`${FABRIKAM}/operations/${view.id}`))).json<OperationBody>();
    assert.equal(op.status, "completed");
    assert.ok(op.steps.every((s) => s.status === "completed"));
  });

  it("wraps the object in a one-element array when the offer uses arrayBody", async () => {
    ctx.emu.cpp.configureOffer("contoso", "contoso-offer", { arrayBody: true });
    const { id, path } = await seededOperation();
    const body = (await get(ctx.emu, path)).json<OperationBody[]>();
    assert.ok(Array.isArray(body));
    assert.equal(body.length, 1);
    assert.equal(body[0].id, id);
  });

  it("serves non-migrated operations at /api/operations/p$o$n$slot, with literal $ and with %24", async () => {
    const view = ctx.emu.cpp.startOperation("contoso", "legacy-offer", "publish");
    assert.equal(view.location, "/api/operations/contoso$legacy-offer$1$preview?api-version=2017-10-31");
    const literal = (await get(ctx.emu, view.location)).json<OperationBody>();
    const encoded = (
      await get(ctx.emu, cpp("/api/operations/contoso%24legacy-offer%241%24preview"))
    ).json<OperationBody>();
    assert.equal(literal.id, view.id);
    assert.equal(encoded.id, view.id);
    assert.equal(literal.notificationEmails, "");
    assertCppError(
      await get(ctx.emu, cpp("/api/operations/contoso$legacy-offer$9$preview")),
      404,
      "OperationNotFound",
    );
  });

  it("includes notificationEmails for non-migrated offers", async () => {
    const reply = await post(ctx.emu, cpp(`${LEGACY}/publish`), {
      body: { metadata: { "notification-emails": "ops@contoso.com,dev@contoso.com" } },
    });
    const op = await getOperationAt(ctx.emu, reply.headers.get("location") ?? "");
    assert.equal(op.notificationEmails, "ops@contoso.com,dev@contoso.com");
  });

  it("answers 404 for an operation of another offer, and after deleteOperation", async () => {
    const { id, path } = await seededOperation();
    assertCppError(await get(ctx.emu, cpp(`${LEGACY}/operations/${id}`)), 404, "OperationNotFound");
    ctx.emu.cpp.deleteOperation(id);
    assertCppError(await get(ctx.emu, path), 404, "OperationNotFound");
    assert.equal(ctx.emu.cpp.getOperation(id), undefined);
  });

  it("runs faster with timeScale", async () => {
    const fast = await startEmulator({ timeScale: 600 }); // the seeded 600 s publish takes ~1 s
    try {
      const id = fast.cpp.getOffer("contoso", "contoso-offer").currentOperation?.id ?? "";
      assert.equal(fast.cpp.getOperation(id)?.status, "running");
      // Inherently real time (timeScale maps real seconds to emulated ones), so no advanceClock:
      // the publish must finish on its own, well before the 600 real seconds it would take at 1x.
      const status = async () =>
        (await get(fast, cpp(`${CONTOSO}/operations/${id}`))).json<OperationBody>().status;
      await waitFor("the publish to complete", async () => (await status()) === "complete", {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
    } finally {
      await fast.close();
    }
  });
});

describe("emulator: submissions list", () => {
  const ctx = useEmulator({}, "test");

  async function list(query = ""): Promise<SubmissionItem[]> {
    const reply = await get(ctx.emu, cpp(`${CONTOSO}/submissions/${query}`));
    assert.equal(reply.status, 200, reply.text);
    return reply.json<SubmissionItem[]>();
  }

  it("lists submissions newest first, in both spellings of the reference", async () => {
    const first = ctx.emu.cpp.getOffer("contoso", "contoso-offer").currentOperation?.id;
    ctx.emu.advanceClock(600);
    const second = ctx.emu.cpp.startOperation("contoso", "contoso-offer", "golive").id;
    const items = await list();
    assert.deepEqual(
      items.map((i) => i.id),
      [second, first],
    );
    const [golive, publish] = items;
    assert.equal(golive.submissionType, "golive");
    assert.equal(golive.submissionState, "running");
    assert.equal(golive.status, "running");
    assert.equal(golive.slot, "production");
    assert.equal(publish.submissionState, "complete");
    assert.equal(publish.status, "complete");
    assert.equal(publish.slot, "preview");
    for (const item of items) {
      assert.equal(item.offerId, "contoso-offer");
      assert.equal(item.publisherId, "contoso");
      assert.equal(item.offerTypeId, "microsoft-azure-virtualmachines");
      assert.equal(typeof item.offerVersion, "number");
      assert.equal(typeof item.publishingVersion, "number");
      assert.equal(typeof item.version, "number");
      assert.equal(typeof item.definition.metadata.emails, "string");
      for (const t of [item.changedTime, item.createdDateTime, item.lastActionDateTime]) {
        assert.ok(!Number.isNaN(Date.parse(t)), t);
      }
    }
    assert.equal(publish.lastActionDateTime, publish.changedTime);
    assert.ok(Date.parse(publish.createdDateTime) < Date.parse(publish.changedTime));
  });

  it("filters with status= or submissionState=, case-insensitively", async () => {
    const running = ctx.emu.cpp.getOffer("contoso", "contoso-offer").currentOperation?.id;
    assert.deepEqual(
      (await list("?status=running")).map((i) => i.id),
      [running],
    );
    assert.deepEqual(
      (await list("?submissionState=Running")).map((i) => i.id),
      [running],
    );
    assert.deepEqual(await list("?status=canceled"), []);
    await post(ctx.emu, cpp(`${CONTOSO}/cancel`));
    ctx.emu.advanceClock(5);
    assert.deepEqual(await list("?status=running"), []);
    assert.deepEqual(
      (await list("?submissionState=canceled")).map((i) => i.id),
      [running],
    );
  });

  it("accepts the path without the trailing slash and the 'operations' alias", async () => {
    const a = (await get(ctx.emu, cpp(`${CONTOSO}/submissions`))).json<SubmissionItem[]>();
    const b = (await get(ctx.emu, cpp(`${CONTOSO}/operations`))).json<SubmissionItem[]>();
    assert.equal(a.length, 1);
    assert.deepEqual(
      b.map((i) => i.id),
      a.map((i) => i.id),
    );
  });

  it("puts the emails of the body into definition.metadata.emails", async () => {
    await post(ctx.emu, cpp(`${FABRIKAM}/publish`), {
      body: { metadata: { "notification-emails": "a@x.com" } },
    });
    const items = (await get(ctx.emu, cpp(`${FABRIKAM}/submissions/`))).json<SubmissionItem[]>();
    assert.equal(items[0].definition.metadata.emails, "a@x.com");
  });
});

describe("emulator: offer status", () => {
  const ctx = useEmulator({}, "test");
  const status = async (path: string) => (await get(ctx.emu, cpp(`${path}/status`))).json<OperationBody>();

  it("is neverPublished for an offer without operations", async () => {
    const s = await status(FABRIKAM);
    assert.equal(s.status, "neverPublished");
    assert.deepEqual(s.steps, []);
  });

  it("follows the latest operation: running, then succeeded, then canceled", async () => {
    const running = await status(CONTOSO);
    assert.equal(running.status, "running");
    assert.equal(running.steps.length, 4);
    ctx.emu.advanceClock(600);
    assert.equal((await status(CONTOSO)).status, "succeeded");
    ctx.emu.cpp.startOperation("contoso", "contoso-offer", "golive");
    assert.equal((await status(CONTOSO)).status, "notStarted");
    await post(ctx.emu, cpp(`${CONTOSO}/cancel`));
    ctx.emu.advanceClock(5);
    const canceled = await status(CONTOSO);
    assert.equal(canceled.status, "canceled");
    assert.ok(canceled.steps.some((s) => s.status === "canceled"));
  });

  it("emits GUID operation ids", () => {
    const id = ctx.emu.cpp.getOffer("contoso", "contoso-offer").currentOperation?.id ?? "";
    assert.match(id, GUID);
  });
});

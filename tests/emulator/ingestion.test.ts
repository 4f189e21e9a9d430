// Specification: the Product Ingestion API of the emulator (docs/ingestion-api.md §2–§5, §7) — finding
// products and submissions, configure jobs following the emulated clock, configure-detail, cancel
// (sync, async, too late, past the point of no return, partial effect) and what submissions show.

import assert from "node:assert/strict";

import { CANNOT_CANCEL_COMPLETED, CANNOT_CANCEL_PAST_POINT_OF_NO_RETURN } from "../../emulator";
import { get, GUID, post, useEmulator, waitFor } from "./helpers";
import {
  AZUREEDGE,
  BASE,
  cancel,
  configure,
  EXTERNAL_ID,
  ing,
  MP,
  priceResource,
  PRODUCT_GUID,
  PRODUCT_ID,
  publishBody,
  SENTINEL,
  status,
  submissions,
  submissionStates,
  TICKS,
  assertIngestionError,
  type Status,
} from "./ingestion.helpers";

describe("emulator ingestion: products", () => {
  const ctx = useEmulator();

  for (const name of ["externalId", "externalid", "externalID", "EXTERNALID"]) {
    it(`GET product?${name}= finds the product by its external id`, async () => {
      const reply = await get(ctx.emu, ing(`/product?${name}=${EXTERNAL_ID}`));
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json(), {
        value: [
          {
            $schema: `${MP}/product/2022-03-01-preview2`,
            id: PRODUCT_ID,
            identity: { externalId: EXTERNAL_ID },
            type: "azureVirtualMachine",
            alias: "Contoso ingestion offer",
          },
        ],
      });
    });
  }

  it("an unknown external id gives an empty value, not an error", async () => {
    const reply = await get(ctx.emu, ing("/product?externalId=no-such-offer"));
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), { value: [] });
  });

  it("GET product without externalId lists every product the caller may access", async () => {
    const reply = await get(ctx.emu, ing("/product"));
    const ids = reply
      .json<{ value: { identity: { externalId: string } }[] }>()
      .value.map((p) => p.identity.externalId);
    assert.deepEqual(ids.sort(), [EXTERNAL_ID, "fabrikam-ingestion-offer"]);
  });

  it("GET product/{guid} answers the bare product; tolerates // in the path", async () => {
    for (const path of [
      `/product/${PRODUCT_GUID}`,
      `//product/${PRODUCT_GUID}`,
      `/product/${PRODUCT_GUID}/`,
    ]) {
      const reply = await get(ctx.emu, ing(path));
      assert.equal(reply.status, 200, `${path}: ${reply.text}`);
      assert.equal(reply.json().id, PRODUCT_ID);
    }
    const doubled = await get(
      ctx.emu,
      `/rp/product-ingestion//product/${PRODUCT_GUID}?$version=2022-03-01-preview2`,
    );
    assert.equal(doubled.status, 200);
  });

  it("an unknown product guid is a 404 notFound with a resourceNotFound detail", async () => {
    const missing = "00000000-0000-0000-0000-000000000000";
    const error = assertIngestionError(await get(ctx.emu, ing(`/product/${missing}`)), 404, "notFound");
    assert.deepEqual(error.details, [
      {
        code: "resourceNotFound",
        message: `No resource with id 'product/${missing}'.`,
        resourceId: `product/${missing}`,
      },
    ]);
  });

  it("an unknown route is a 404 and a wrong method a 405 with Allow, in the ingestion envelope", async () => {
    assertIngestionError(await get(ctx.emu, ing("/nothing-here")), 404, "notFound");
    const reply = await post(ctx.emu, ing(`/product/${PRODUCT_GUID}`));
    assertIngestionError(reply, 405, "methodNotAllowed");
    assert.equal(reply.headers.get("allow"), "GET");
  });
});

describe("emulator ingestion: submissions list", () => {
  const ctx = useEmulator();

  it("GET submission/{guid} lists the draft (no status) and the seeded preview and live", async () => {
    const list = await submissions(ctx.emu);
    assert.deepEqual(
      list.map((s) => [s.id.split("/").slice(0, 2).join("/"), s.target.targetType, s.status, s.result]),
      [
        [`submission/${PRODUCT_GUID}`, "draft", undefined, undefined],
        [`submission/${PRODUCT_GUID}`, "preview", "completed", "succeeded"],
        [`submission/${PRODUCT_GUID}`, "live", "completed", "succeeded"],
      ],
    );
    assert.equal(list[0].id, `submission/${PRODUCT_GUID}/0`);
    assert.match(list[1].id, /\/\d{19}$/, "long integer submission numbers");
    assert.equal(list[1].$schema, `${MP}/submission/2022-03-01-preview2`);
    assert.equal(list[1].product, PRODUCT_ID);
  });

  it("targetType filters (any case); an unknown targetType is a 400", async () => {
    assert.deepEqual(
      (await submissions(ctx.emu, "?targetType=live")).map((s) => s.target.targetType),
      ["live"],
    );
    assert.deepEqual(
      (await submissions(ctx.emu, "?targettype=Draft")).map((s) => s.target.targetType),
      ["draft"],
    );
    assertIngestionError(
      await get(ctx.emu, ing(`/submission/${PRODUCT_GUID}?targetType=flight`)),
      400,
      "badRequest",
    );
  });

  it("GET submission/{guid}/{n} fetches one; /0 is the draft; an unknown n is a 404", async () => {
    const [, preview] = await submissions(ctx.emu);
    const one = await get(ctx.emu, ing(`/${preview.id}`));
    assert.equal(one.status, 200);
    assert.deepEqual(one.json(), preview);
    const draft = await get(ctx.emu, ing(`/submission/${PRODUCT_GUID}/0`));
    assert.equal(draft.json().id, `submission/${PRODUCT_GUID}/0`);
    assertIngestionError(await get(ctx.emu, ing(`/submission/${PRODUCT_GUID}/42`)), 404, "notFound");
  });
});

describe("emulator ingestion: POST configure", () => {
  const ctx = useEmulator({}, "test");

  it("a submission resource starts a publish job: 200, notStarted/pending, jobStart in ticks, sentinel jobEnd", async () => {
    const reply = await configure(ctx.emu, publishBody({ extra: [priceResource()] }));
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json<Status>();
    assert.deepEqual(Object.keys(body), [
      "$schema",
      "jobId",
      "jobStatus",
      "jobResult",
      "jobStart",
      "jobEnd",
      "errors",
    ]);
    assert.equal(body.$schema, `${MP}/configure-status/2022-03-01-preview2`);
    assert.match(body.jobId ?? "", GUID);
    assert.equal(body.jobStatus, "notStarted");
    assert.equal(body.jobResult, "pending");
    assert.match(body.jobStart, TICKS);
    assert.equal(body.jobEnd, SENTINEL);
    assert.deepEqual(body.errors, []);
    const job = ctx.emu.ingestion.getJob(body.jobId ?? "");
    assert.equal(job?.kind, "publish");
    assert.equal(job?.targetType, "preview");
    assert.equal(job?.product, PRODUCT_ID);
    assert.deepEqual(
      job?.resources.map((r) => r.type),
      ["price-and-availability-offer", "submission"],
    );
  });

  it("accepts $schema URLs on the azureedge host and with surrounding blanks", async () => {
    const body = publishBody({ host: AZUREEDGE });
    body.$schema = ` ${String(body.$schema)}`;
    const reply = await configure(ctx.emu, body);
    assert.equal(reply.status, 200, reply.text);
  });

  it("without a submission resource the job only changes drafts: no submission appears", async () => {
    const before = await submissionStates(ctx.emu);
    const reply = await configure(ctx.emu, {
      $schema: `${MP}/configure/2022-03-01-preview2`,
      resources: [priceResource()],
    });
    assert.equal(reply.status, 200, reply.text);
    const job = ctx.emu.ingestion.getJob(reply.json<Status>().jobId ?? "");
    assert.equal(job?.kind, "draft");
    assert.equal(job?.submissionId, undefined);
    assert.deepEqual(await submissionStates(ctx.emu), before);
  });

  const invalid: [string, unknown, string, RegExp][] = [
    ["no body", "", "schemaValidationError", /configure object/],
    ["invalid JSON", "{", "invalidRequest", /not valid JSON/],
    ["a JSON array", [], "schemaValidationError", /configure object/],
    ["no $schema", { resources: publishBody().resources }, "schemaValidationError", /^\$schema is required/],
    [
      "a $schema on another host",
      { ...publishBody(), $schema: "https://example.com/schema/configure/2022-03-01-preview2" },
      "schemaValidationError",
      /^\$schema must be/,
    ],
    [
      "a $schema of another type",
      { ...publishBody(), $schema: `${MP}/submission/2022-03-01-preview2` },
      "schemaValidationError",
      /configure schema/,
    ],
    [
      "no resources",
      { $schema: `${MP}/configure/2022-03-01-preview2` },
      "schemaValidationError",
      /non-empty/,
    ],
    [
      "empty resources",
      { $schema: `${MP}/configure/2022-03-01-preview2`, resources: [] },
      "schemaValidationError",
      /non-empty/,
    ],
    [
      "a resource without $schema",
      { $schema: `${MP}/configure/2022-03-01-preview2`, resources: [{ product: PRODUCT_ID }] },
      "schemaValidationError",
      /^resources\[0\]\.\$schema is required/,
    ],
    [
      "a submission to draft",
      publishBody({ targetType: "draft" }),
      "invalidResource",
      /targetType must be "preview" or "live"/,
    ],
    [
      "two submission resources",
      publishBody({
        extra: [
          {
            $schema: `${MP}/submission/2022-03-01-preview2`,
            product: PRODUCT_ID,
            target: { targetType: "live" },
          },
        ],
      }),
      "invalidResource",
      /Only one submission/,
    ],
    [
      "an unknown product",
      publishBody({ product: "product/00000000-0000-0000-0000-000000000000" }),
      "resourceNotFound",
      /does not exist/,
    ],
  ];
  for (const [what, body, innerCode, message] of invalid) {
    it(`refuses ${what} with 400 badRequest and a ${innerCode} detail; no job starts`, async () => {
      const reply = await post(ctx.emu, ing("/configure"), {
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const error = assertIngestionError(reply, 400, "badRequest");
      assert.equal(error.details?.length, 1, reply.text);
      assert.equal(error.details?.[0].code, innerCode);
      assert.match(error.details?.[0].message ?? "", message);
      assert.deepEqual(await submissionStates(ctx.emu), [
        "draft/-/-",
        "preview/completed/succeeded",
        "live/completed/succeeded",
      ]);
    });
  }

  it("a second publish while one is active is a 409 conflict; once it finished one may start", async () => {
    assert.equal((await configure(ctx.emu, publishBody())).status, 200);
    const reply = await configure(ctx.emu, publishBody({ targetType: "live" }));
    const error = assertIngestionError(reply, 409, "conflict", "An In Progress submission already exists");
    assert.equal(error.details?.[0].resourceId, PRODUCT_ID);
    ctx.emu.advanceClock(605);
    assert.equal((await configure(ctx.emu, publishBody({ targetType: "live" }))).status, 200);
  });
});

describe("emulator ingestion: a job follows the emulated clock", () => {
  const ctx = useEmulator({}, "test");

  it("notStarted → running → completed/succeeded, and its submission moves with it", async () => {
    const jobId =
      (await configure(ctx.emu, publishBody({ extra: [priceResource()] }))).json<Status>().jobId ?? "";
    const start = (await status(ctx.emu, jobId)).jobStart;
    assert.deepEqual(await submissionStates(ctx.emu), [
      "draft/-/-",
      "preview/completed/succeeded",
      "preview/notStarted/pending",
      "live/completed/succeeded",
    ]);
    ctx.emu.advanceClock(5);
    let s = await status(ctx.emu, jobId);
    assert.deepEqual([s.jobStatus, s.jobResult, s.jobEnd], ["running", "pending", SENTINEL]);
    assert.equal((await submissionStates(ctx.emu))[2], "preview/running/pending");
    ctx.emu.advanceClock(599);
    assert.equal((await status(ctx.emu, jobId)).jobStatus, "running");
    ctx.emu.advanceClock(1);
    s = await status(ctx.emu, jobId);
    assert.deepEqual([s.jobStatus, s.jobResult], ["completed", "succeeded"]);
    assert.equal(s.jobStart, start);
    assert.match(s.jobEnd, TICKS);
    assert.equal(Date.parse(s.jobEnd) - Date.parse(s.jobStart), 605_000);
    // The new preview supersedes the seeded one.
    assert.deepEqual(await submissionStates(ctx.emu), [
      "draft/-/-",
      "preview/completed/succeeded",
      "live/completed/succeeded",
    ]);
    const listed = await submissions(ctx.emu, "?targetType=preview");
    assert.equal(listed[0].id, ctx.emu.ingestion.getJob(jobId)?.submissionId);
  });

  it("GET configure/{id} fails before completion (400) and lists every resource after success", async () => {
    const jobId =
      (await configure(ctx.emu, publishBody({ extra: [priceResource()] }))).json<Status>().jobId ?? "";
    const early = assertIngestionError(await get(ctx.emu, ing(`/configure/${jobId}`)), 400, "badRequest");
    assert.equal(early.details?.[0].code, "invalidState");
    ctx.emu.advanceClock(605);
    const reply = await get(ctx.emu, ing(`/configure/${jobId}`));
    assert.equal(reply.status, 200, reply.text);
    const detail = reply.json<{ $schema: string; resources: Record<string, unknown>[] }>();
    assert.equal(detail.$schema, `${MP}/configure-detail/2022-03-01-preview2`);
    const submissionId = ctx.emu.ingestion.getJob(jobId)?.submissionId;
    assert.deepEqual(
      detail.resources.map((r) => [String(r.id).split("/")[0], r.resourceName]),
      [
        ["price-and-availability-offer", undefined],
        ["submission", undefined],
      ],
    );
    assert.equal(detail.resources[1].id, submissionId);
    assert.deepEqual(detail.resources[0].markets, ["US"], "the resource as posted, resourceName stripped");
  });

  it("a scripted failure: completed/failed with errors[]; the submission fails and is not in the detail", async () => {
    const job = ctx.emu.ingestion.startPublishJob({
      product: EXTERNAL_ID,
      targetType: "live",
      notStartedSeconds: 0,
      runningSeconds: 60,
      result: "failed",
      errors: [{ code: "invalidState", message: "Certification failed", resourceId: PRODUCT_ID }],
      resources: [{ type: "listing", finishAfterSeconds: 10 }],
    });
    assert.equal(job.jobStatus, "running");
    ctx.emu.advanceClock(60);
    const s = await status(ctx.emu, job.jobId);
    assert.deepEqual([s.jobStatus, s.jobResult], ["completed", "failed"]);
    assert.deepEqual(s.errors, [
      { code: "invalidState", message: "Certification failed", resourceId: PRODUCT_ID },
    ]);
    assert.deepEqual(await submissionStates(ctx.emu), [
      "draft/-/-",
      "preview/completed/succeeded",
      "live/completed/succeeded",
      "live/completed/failed",
    ]);
    const detail = (await get(ctx.emu, ing(`/configure/${job.jobId}`))).json<{
      resources: { id: string }[];
      errors: unknown[];
    }>();
    assert.deepEqual(
      detail.resources.map((r) => r.id.split("/")[0]),
      ["listing"],
    );
    assert.equal(detail.errors.length, 1);
  });

  it("with timeScale the job completes in real time (no advanceClock)", async () => {
    const fast = await (await import("../../emulator")).startEmulator({ timeScale: 600 });
    try {
      const job = fast.ingestion.startPublishJob({
        product: EXTERNAL_ID,
        notStartedSeconds: 0,
        runningSeconds: 60,
      });
      await waitFor(
        "the job to complete at 600x",
        async () => (await status(fast, job.jobId)).jobStatus === "completed",
      );
      assert.equal((await status(fast, job.jobId)).jobResult, "succeeded");
    } finally {
      await fast.close();
    }
  });
});

describe("emulator ingestion: cancel", () => {
  const ctx = useEmulator({}, "test");

  const start = (extra: Parameters<typeof ctx.emu.ingestion.startPublishJob>[0] = { product: EXTERNAL_ID }) =>
    ctx.emu.ingestion.startPublishJob(extra);

  it("before completion: 200, completed/cancelled, jobEnd is the emulated now; status stays so", async () => {
    const job = start();
    ctx.emu.advanceClock(30);
    const reply = await cancel(ctx.emu, job.jobId);
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json<Status>();
    assert.deepEqual([body.jobStatus, body.jobResult, body.errors], ["completed", "cancelled", []]);
    // The end is the moment the cancel arrived: 30 emulated seconds plus the real time the test took.
    const elapsed = Date.parse(body.jobEnd) - Date.parse(body.jobStart);
    assert.ok(elapsed >= 30_000 && elapsed < 40_000, `jobEnd - jobStart = ${elapsed} ms`);
    assert.equal(
      Date.parse(body.jobEnd),
      Date.parse(ctx.emu.ingestion.getJob(job.jobId)?.cancelRequestedAt ?? ""),
    );
    assert.equal(body.jobId, job.jobId);
    ctx.emu.advanceClock(3600);
    assert.deepEqual(await status(ctx.emu, job.jobId), body);
  });

  it("a notStarted job can be cancelled too", async () => {
    const job = start();
    assert.equal(job.jobStatus, "notStarted");
    const body = (await cancel(ctx.emu, job.jobId)).json<Status>();
    assert.deepEqual([body.jobStatus, body.jobResult], ["completed", "cancelled"]);
  });

  it("accepts an empty body and {}; refuses any other body with 400 (the job keeps running)", async () => {
    const job = start();
    const refused = await cancel(ctx.emu, job.jobId, { body: { reason: "x" } });
    assertIngestionError(refused, 400, "badRequest", "The request is invalid.");
    assertIngestionError(await cancel(ctx.emu, job.jobId, { body: "nope" }), 400, "badRequest");
    assert.equal((await status(ctx.emu, job.jobId)).jobResult, "pending");
    assert.equal((await cancel(ctx.emu, job.jobId, { body: {} })).status, 200);
    const other = start({ product: "fabrikam-ingestion-offer" });
    assert.equal((await cancel(ctx.emu, other.jobId, { body: "" })).status, 200);
  });

  for (const [what, script, advance] of [
    ["succeeded", {}, 605],
    ["failed", { result: "failed" as const }, 605],
    ["cancelled", {}, 0],
  ] as const) {
    it(`after completion (${what}): 400 badRequest "${CANNOT_CANCEL_COMPLETED}" with empty details`, async () => {
      const job = start({ product: EXTERNAL_ID, ...script });
      if (what === "cancelled") assert.equal((await cancel(ctx.emu, job.jobId)).status, 200);
      ctx.emu.advanceClock(advance);
      const reply = await cancel(ctx.emu, job.jobId);
      assert.deepEqual(reply.json(), {
        error: { code: "badRequest", message: "Cannot cancel job, job has already completed.", details: [] },
      });
      assert.equal(reply.status, 400);
      assert.equal((await status(ctx.emu, job.jobId)).jobResult, what);
    });
  }

  it("unknown job ids are 404 for status, detail and cancel", async () => {
    for (const id of ["00000000-0000-0000-0000-000000000000", "not-a-guid"]) {
      assertIngestionError(
        await get(ctx.emu, ing(`/configure/${id}/status`)),
        404,
        "notFound",
        `Job '${id}' was not found.`,
      );
      assertIngestionError(await get(ctx.emu, ing(`/configure/${id}`)), 404, "notFound");
      assertIngestionError(await cancel(ctx.emu, id), 404, "notFound");
    }
  });

  it("partial effect: resources applied before the cancel stay applied and are the only ones in the detail", async () => {
    const job = start({
      product: EXTERNAL_ID,
      notStartedSeconds: 10,
      runningSeconds: 600,
      resources: [
        { type: "price-and-availability-offer", finishAfterSeconds: 60 },
        { type: "listing", finishAfterSeconds: 300 },
      ],
    });
    ctx.emu.advanceClock(120);
    assert.deepEqual(
      ctx.emu.ingestion.getJob(job.jobId)?.resources.map((r) => [r.type, r.applied]),
      [
        ["price-and-availability-offer", true],
        ["listing", false],
        ["submission", false],
      ],
    );
    assert.equal((await cancel(ctx.emu, job.jobId)).status, 200);
    ctx.emu.advanceClock(1000);
    const reply = await get(ctx.emu, ing(`/configure/${job.jobId}`));
    assert.equal(reply.status, 200, reply.text);
    const ids = reply.json<{ resources: { id: string }[] }>().resources.map((r) => r.id);
    assert.deepEqual(ids, [ctx.emu.ingestion.getJob(job.jobId)?.resources[0].id]);
    assert.match(ids[0], /^price-and-availability-offer\//);
  });

  it("cancelled before anything finished: the detail is empty", async () => {
    const job = start({ product: EXTERNAL_ID, resources: [{ finishAfterSeconds: 100 }] });
    await cancel(ctx.emu, job.jobId);
    const detail = (await get(ctx.emu, ing(`/configure/${job.jobId}`))).json<{ resources: unknown[] }>();
    assert.deepEqual(detail.resources, []);
  });

  it("after a cancel the submission shows completed/failed by default", async () => {
    const job = start({ product: EXTERNAL_ID, targetType: "live" });
    await cancel(ctx.emu, job.jobId);
    assert.deepEqual(await submissionStates(ctx.emu), [
      "draft/-/-",
      "preview/completed/succeeded",
      "live/completed/succeeded",
      "live/completed/failed",
    ]);
    const n = job.submissionId ?? "";
    assert.equal((await get(ctx.emu, ing(`/${n}`))).json().result, "failed");
  });

  it("cancelledSubmission=removed: the cancelled submission leaves the list and its GET is a 404", async () => {
    ctx.emu.ingestion.setSettings({ cancelledSubmission: "removed" });
    const job = start({ product: EXTERNAL_ID, targetType: "live" });
    assert.equal((await submissionStates(ctx.emu)).length, 4);
    await cancel(ctx.emu, job.jobId);
    assert.deepEqual(await submissionStates(ctx.emu), [
      "draft/-/-",
      "preview/completed/succeeded",
      "live/completed/succeeded",
    ]);
    assertIngestionError(await get(ctx.emu, ing(`/${job.submissionId ?? ""}`)), 404, "notFound");
  });

  it("past the point of no return: 400 with another message, the job carries on and succeeds", async () => {
    const job = start({
      product: EXTERNAL_ID,
      notStartedSeconds: 0,
      runningSeconds: 600,
      pointOfNoReturnSeconds: 300,
    });
    ctx.emu.advanceClock(300);
    const reply = await cancel(ctx.emu, job.jobId);
    const error = assertIngestionError(reply, 400, "badRequest", CANNOT_CANCEL_PAST_POINT_OF_NO_RETURN);
    assert.notEqual(error.message, CANNOT_CANCEL_COMPLETED);
    assert.equal(error.details?.[0].code, "invalidState");
    const s = await status(ctx.emu, job.jobId);
    assert.deepEqual([s.jobStatus, s.jobResult], ["running", "pending"]);
    assert.equal(ctx.emu.ingestion.getJob(job.jobId)?.cancelRequestedAt, undefined);
    ctx.emu.advanceClock(300);
    const end = await status(ctx.emu, job.jobId);
    assert.deepEqual([end.jobStatus, end.jobResult], ["completed", "succeeded"]);
    assert.equal((await submissionStates(ctx.emu)).at(-2), "preview/completed/succeeded");
  });

  it("before the point of no return the cancel is accepted", async () => {
    const job = start({ product: EXTERNAL_ID, notStartedSeconds: 0, pointOfNoReturnSeconds: 300 });
    ctx.emu.advanceClock(299);
    assert.equal((await cancel(ctx.emu, job.jobId)).json<Status>().jobResult, "cancelled");
  });

  it("the settings' pointOfNoReturnSeconds applies to publishes started by POST configure", async () => {
    ctx.emu.ingestion.setSettings({ pointOfNoReturnSeconds: 60 });
    const jobId = (await configure(ctx.emu, publishBody())).json<Status>().jobId ?? "";
    ctx.emu.advanceClock(61);
    assertIngestionError(
      await cancel(ctx.emu, jobId),
      400,
      "badRequest",
      CANNOT_CANCEL_PAST_POINT_OF_NO_RETURN,
    );
  });

  it("async mode: the cancel answers running/pending, turns cancelled after asyncCancelSeconds", async () => {
    ctx.emu.ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 30 });
    const job = start({
      product: EXTERNAL_ID,
      notStartedSeconds: 0,
      runningSeconds: 600,
      resources: [{ type: "listing", finishAfterSeconds: 20 }],
    });
    ctx.emu.advanceClock(10);
    const reply = await cancel(ctx.emu, job.jobId);
    assert.equal(reply.status, 200);
    const body = reply.json<Status>();
    assert.deepEqual([body.jobStatus, body.jobResult, body.jobEnd], ["running", "pending", SENTINEL]);
    ctx.emu.advanceClock(15);
    // A repeated cancel while the first is under way changes nothing.
    const again = (await cancel(ctx.emu, job.jobId)).json<Status>();
    assert.deepEqual([again.jobStatus, again.jobResult], ["running", "pending"]);
    assert.equal((await submissionStates(ctx.emu)).at(-2), "preview/running/pending");
    ctx.emu.advanceClock(15);
    const s = await status(ctx.emu, job.jobId);
    assert.deepEqual([s.jobStatus, s.jobResult], ["completed", "cancelled"]);
    const view = ctx.emu.ingestion.getJob(job.jobId);
    assert.equal(
      Date.parse(view?.cancelEffectiveAt ?? "") - Date.parse(view?.cancelRequestedAt ?? ""),
      30_000,
    );
    assert.equal(Date.parse(s.jobEnd), Date.parse(view?.cancelEffectiveAt ?? ""));
    // The listing finished (at 20 s) inside the cancel's window: it stays applied.
    const detail = (await get(ctx.emu, ing(`/configure/${job.jobId}`))).json<{
      resources: { id: string }[];
    }>();
    assert.deepEqual(
      detail.resources.map((r) => r.id.split("/")[0]),
      ["listing"],
    );
    assert.equal((await submissionStates(ctx.emu)).at(-2), "preview/completed/failed");
  });

  it("async mode race: the job completes before the cancel takes effect and ends succeeded", async () => {
    ctx.emu.ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 30 });
    const job = start({ product: EXTERNAL_ID, notStartedSeconds: 0, runningSeconds: 60 });
    ctx.emu.advanceClock(50);
    assert.equal((await cancel(ctx.emu, job.jobId)).json<Status>().jobStatus, "running");
    ctx.emu.advanceClock(30);
    const s = await status(ctx.emu, job.jobId);
    assert.deepEqual([s.jobStatus, s.jobResult], ["completed", "succeeded"]);
    assertIngestionError(await cancel(ctx.emu, job.jobId), 400, "badRequest", CANNOT_CANCEL_COMPLETED);
  });

  it("the ingestion routes live under /rp/product-ingestion only", async () => {
    assert.equal(BASE, "/rp/product-ingestion");
    const reply = await get(ctx.emu, `/rp/other/configure?$version=2022-03-01-preview2`);
    assert.equal(reply.status, 404);
  });
});

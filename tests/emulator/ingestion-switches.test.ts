// Specification: the switches of the ingestion emulator (docs/ingestion-api.md §7) and `$version`
// handling (§1) — each switch changes exactly the answer it names, from the programmatic interface,
// the admin API and the seed.

import assert from "node:assert/strict";

import { defaultSeed, INGESTION_DEFAULTS, type IngestionSettingsPatch } from "../../emulator";
import { call, get, useEmulator } from "./helpers";
import {
  AZUREEDGE,
  configure,
  EXTERNAL_ID,
  ing,
  MP,
  PRODUCT_GUID,
  publishBody,
  SENTINEL,
  status,
  assertIngestionError,
  type Status,
} from "./ingestion.helpers";

describe("emulator ingestion: switches", () => {
  const ctx = useEmulator({}, "test");

  const startOne = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
    const reply = await configure(ctx.emu, publishBody());
    return { status: reply.status, body: reply.json() };
  };

  it("the defaults are the documented ones", () => {
    assert.deepEqual(ctx.emu.ingestion.getSettings(), INGESTION_DEFAULTS);
    assert.deepEqual(INGESTION_DEFAULTS, {
      jobIdField: "jobId",
      schemaHost: "mp",
      jobEndSentinel: "0001-01-01T00:00:00",
      firstStatus: "notStarted",
      configureStatusCode: 200,
      versionRequired: false,
      deprecatedVersions: ["2022-03-01-preview3"],
      cancelMode: "sync",
      asyncCancelSeconds: 30,
      cancelledSubmission: "failed",
      detailBeforeCompletionStatus: 400,
      notStartedSeconds: 5,
      runningSeconds: 600,
      pointOfNoReturnSeconds: null,
      result: "succeeded",
      errors: [],
    });
  });

  it("jobIdField=jobID spells the id jobID (and only so) in configure, status and cancel replies", async () => {
    ctx.emu.ingestion.setSettings({ jobIdField: "jobID" });
    const started = await startOne();
    const id = String(started.body.jobID);
    assert.equal(started.body.jobId, undefined);
    assert.ok(ctx.emu.ingestion.getJob(id));
    const s = await status(ctx.emu, id);
    assert.equal(s.jobID, id);
    assert.equal(s.jobId, undefined);
    assert.equal((await call(ctx.emu, "POST", ing(`/configure/${id}/cancel`))).json().jobID, id);
  });

  it("schemaHost=azureedge stamps every reply $schema with the azureedge host", async () => {
    ctx.emu.ingestion.setSettings({ schemaHost: "azureedge" });
    const started = await startOne();
    assert.equal(started.body.$schema, `${AZUREEDGE}/configure-status/2022-03-01-preview2`);
    const product = (await get(ctx.emu, ing(`/product/${PRODUCT_GUID}`))).json();
    assert.equal(product.$schema, `${AZUREEDGE}/product/2022-03-01-preview2`);
    const subs = (await get(ctx.emu, ing(`/submission/${PRODUCT_GUID}`))).json<{
      value: { $schema: string }[];
    }>();
    assert.ok(subs.value.every((s) => s.$schema === `${AZUREEDGE}/submission/2022-03-01-preview2`));
    // Requests on the other host are still accepted.
    ctx.emu.advanceClock(605);
    assert.equal((await configure(ctx.emu, publishBody({ host: MP }))).status, 200);
  });

  it("jobEndSentinel=0001-01-01 is the unfinished jobEnd; a finished job still has a real one", async () => {
    ctx.emu.ingestion.setSettings({ jobEndSentinel: "0001-01-01" });
    const started = await startOne();
    assert.equal(started.body.jobEnd, "0001-01-01");
    ctx.emu.advanceClock(605);
    assert.match((await status(ctx.emu, String(started.body.jobId))).jobEnd, /^\d{4}-\d\d-\d\dT.*Z$/);
    ctx.emu.ingestion.setSettings({ jobEndSentinel: null });
    assert.equal((await startOne()).body.jobEnd, SENTINEL);
  });

  it("firstStatus=running: POST configure already answers running", async () => {
    ctx.emu.ingestion.setSettings({ firstStatus: "running" });
    const started = await startOne();
    assert.deepEqual([started.body.jobStatus, started.body.jobResult], ["running", "pending"]);
  });

  it("configureStatusCode=202 answers POST configure with 202 and the same body", async () => {
    ctx.emu.ingestion.setSettings({ configureStatusCode: 202 });
    const started = await startOne();
    assert.equal(started.status, 202);
    assert.equal(started.body.jobStatus, "notStarted");
  });

  it("detailBeforeCompletionStatus changes the status of an early GET configure/{id}", async () => {
    ctx.emu.ingestion.setSettings({ detailBeforeCompletionStatus: 409 });
    const id = String((await startOne()).body.jobId);
    assertIngestionError(await get(ctx.emu, ing(`/configure/${id}`)), 409, "conflict");
  });

  it("job defaults: notStartedSeconds, runningSeconds, result and errors shape POST configure jobs", async () => {
    ctx.emu.ingestion.setSettings({
      notStartedSeconds: 1,
      runningSeconds: 10,
      result: "failed",
      errors: [{ code: "conflict", message: "An In Progress submission already exists" }],
    });
    const id = String((await startOne()).body.jobId);
    ctx.emu.advanceClock(1);
    assert.equal((await status(ctx.emu, id)).jobStatus, "running");
    ctx.emu.advanceClock(10);
    const s = await status(ctx.emu, id);
    assert.deepEqual([s.jobStatus, s.jobResult], ["completed", "failed"]);
    assert.deepEqual(s.errors, [{ code: "conflict", message: "An In Progress submission already exists" }]);
  });

  it("invalid settings are refused with the path of the mistake and change nothing", () => {
    const bad: [IngestionSettingsPatch | Record<string, unknown>, RegExp][] = [
      [{ jobIdfield: "jobID" }, /settings\.jobIdfield: unknown property/],
      [{ jobIdField: "jobid" }, /settings\.jobIdField: must be one of "jobId", "jobID"/],
      [{ configureStatusCode: 201 }, /settings\.configureStatusCode: must be 200 or 202/],
      [{ detailBeforeCompletionStatus: 500 }, /from 400 to 499/],
      [{ runningSeconds: -1 }, /non-negative number of seconds/],
      [{ errors: [{ message: "x" }] }, /settings\.errors\[0\]\.code/],
    ];
    for (const [patch, message] of bad) {
      assert.throws(() => ctx.emu.ingestion.setSettings(patch as IngestionSettingsPatch), message);
    }
    assert.deepEqual(ctx.emu.ingestion.getSettings(), INGESTION_DEFAULTS);
  });

  it("null puts one switch back to its default and leaves the others", () => {
    ctx.emu.ingestion.setSettings({ jobIdField: "jobID", cancelMode: "async" });
    const after = ctx.emu.ingestion.setSettings({ jobIdField: null });
    assert.equal(after.jobIdField, "jobId");
    assert.equal(after.cancelMode, "async");
  });
});

describe("emulator ingestion: $version", () => {
  const ctx = useEmulator({}, "test");

  let jobId = "";
  beforeEach(() => {
    jobId = ctx.emu.ingestion.startPublishJob({ product: EXTERNAL_ID }).jobId;
  });
  const statusAt = (version: string | null) => get(ctx.emu, ing(`/configure/${jobId}/status`, version));

  it("absent: accepted and answered as 2022-03-01-preview2", async () => {
    const reply = await statusAt(null);
    assert.equal(reply.status, 200);
    assert.equal(reply.json<Status>().$schema, `${MP}/configure-status/2022-03-01-preview2`);
  });

  it("versionRequired: absent is a 400 with details; present still works", async () => {
    ctx.emu.ingestion.setSettings({ versionRequired: true });
    const error = assertIngestionError(await statusAt(null), 400, "badRequest");
    assert.match(error.details?.[0].message ?? "", /'\$version' is required/);
    assert.equal((await statusAt("2022-03-01-preview2")).status, 200);
  });

  it("a ceiling: the answer carries the newest known version not above it", async () => {
    for (const [asked, answered] of [
      ["2022-07-01", "2022-07-01"],
      ["2023-01-01", "2022-07-01"],
      ["2099-12-31", "2023-07-15"],
      ["2022-03-01-preview5", "2022-03-01-preview5"],
      ["2022-03-01-preview4", "2022-03-01-preview2"], // preview3 is deprecated, so skipped
    ]) {
      const reply = await statusAt(asked);
      assert.equal(reply.json<Status>().$schema, `${MP}/configure-status/${answered}`, asked);
    }
  });

  it("the name of the parameter is case-insensitive", async () => {
    const reply = await get(ctx.emu, `/rp/product-ingestion/configure/${jobId}/status?$VERSION=2022-07-01`);
    assert.equal(reply.json<Status>().$schema, `${MP}/configure-status/2022-07-01`);
  });

  it("a deprecated version: 400 without details, the message the live service sends", async () => {
    const reply = await statusAt("2022-03-01-preview3");
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json(), {
      error: { code: "badRequest", message: '"2022-03-01-preview3 is a deprecated schema"' },
    });
  });

  it("the deprecated list is a switch", async () => {
    ctx.emu.ingestion.setSettings({ deprecatedVersions: ["2022-07-01"] });
    assert.equal((await statusAt("2022-03-01-preview3")).status, 200);
    assert.equal(
      (await statusAt("2022-07-01")).json<{ error: { details?: unknown } }>().error.details,
      undefined,
    );
  });

  it("malformed or older than every known version: 400 with an invalidRequest detail", async () => {
    for (const v of ["latest", "2021-12-01-dev", "2021-01-01"]) {
      const error = assertIngestionError(await statusAt(v), 400, "badRequest");
      assert.equal(error.details?.[0].code, "invalidRequest", v);
    }
  });
});

describe("emulator ingestion: settings and jobs from the seed", () => {
  const JOB = "11111111-2222-4333-8444-555555555555";
  const seed = defaultSeed();
  seed.ingestion = {
    settings: { jobIdField: "jobID", cancelMode: "async" },
    products: {
      ...seed.ingestion?.products,
      "seeded-offer": {
        publisher: "contoso",
        id: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
        submissions: [{ targetType: "preview", result: "failed" }],
      },
    },
    jobs: [
      { id: JOB, product: "seeded-offer", targetType: "live", notStartedSeconds: 0, runningSeconds: 100 },
    ],
  };
  const ctx = useEmulator({ seed });

  it("a seeded job runs under its fixed id, with the seeded switches", async () => {
    const s = await status(ctx.emu, JOB);
    assert.equal(s.jobID, JOB);
    assert.equal(s.jobStatus, "running");
    assert.equal(ctx.emu.ingestion.getSettings().cancelMode, "async");
    const subs = ctx.emu.ingestion.getSubmissions("seeded-offer");
    assert.deepEqual(
      subs.map((x) => [x.targetType, x.status, x.result, x.jobId]),
      [
        ["draft", undefined, undefined, undefined],
        ["preview", "completed", "failed", undefined],
        ["live", "running", "pending", JOB],
      ],
    );
  });
});

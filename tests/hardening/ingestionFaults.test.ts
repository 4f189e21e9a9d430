import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { clearTokenCache } from "../../provider/core/credentials";
import { ResourceInitFailedError } from "../../provider/core/errors";
import {
  IngestionJobCancellationInputs as IngestionInputs,
  checkIngestionJobInputs as checkIngestionInputs,
} from "../../provider/ingestion/inputs";
import * as lifecycle from "../../provider/ingestion/lifecycle";
import { IngestionJobCancellationOutputs as IngestionOutputs } from "../../provider/ingestion/outputs";
import { figures } from "./figures";
import { FaultyEmulator, TOKEN, scanForSecrets, useProviderEnv, visibleOutputs } from "./helpers";

/**
 * The faults of the Product Ingestion API (docs/ingestion-api.md §6–7) against the emulator, through
 * IngestionJobCancellation's real provider code (`create`/`update` as the engine calls them,
 * real HTTP on 127.0.0.1), each scenario on an emulator of its own: throttling with Retry-After,
 * 5xx on the status polls, a cancel whose answer is lost (dropped connection, or answered after
 * the provider gave up), the service restarting mid-wait. For each: the job ends cancelled, the
 * service accepted exactly one cancel (ground truth: cancel requests the emulator answered 200),
 * every call that ended after a cancel was sent left a pending state the next `up` resumed, and
 * no text the user sees holds the token.
 */

/** How long a cancel whose answer was lost gets before it is sent again (production: 5 min). */
const CONFIRM_WINDOW_MS = 1500;

const lines: string[] = [];
let onLine: (line: string) => void = () => undefined;

interface Drive {
  outs: IngestionOutputs;
  errors: Error[];
  calls: string[];
}

/** `create` while nothing is recorded; after a ResourceInitFailedError the engine calls `update`. */
async function driveJob(
  fe: FaultyEmulator,
  jobId: string,
  inputs: IngestionInputs,
  beforeNext: () => Promise<void> | void = () => undefined,
  maxCalls = 4,
): Promise<Drive> {
  const errors: Error[] = [];
  const calls: string[] = [];
  let recorded: { id: string; outs: IngestionOutputs } | undefined;
  for (let attempt = 0; attempt < maxCalls; attempt++) {
    const kind = recorded ? "update" : "create";
    try {
      const outs = recorded
        ? (await lifecycle.update(recorded.id, recorded.outs, inputs)).outs
        : (await lifecycle.create(inputs)).outs;
      calls.push(`${kind}: ${outs.status}`);
      figures.faultScenarios++;
      figures.duplicatePosts += Math.max(0, acceptedCancels(fe, jobId) - 1);
      return { outs, errors, calls };
    } catch (e) {
      const err = e as Error;
      errors.push(err);
      calls.push(`${kind}: ${err.constructor.name}`);
      if (err instanceof ResourceInitFailedError) {
        const props = err.properties as IngestionOutputs;
        assert.equal(props.status, "pending", "a recorded wait is pending");
        assert.ok(props.requestedAt, "the recorded wait says when the cancel was sent");
        recorded = { id: err.id, outs: props };
      } else if (!recorded && acceptedCancels(fe, jobId) > 0) {
        figures.lostStates++;
      }
      await beforeNext();
    }
  }
  throw new Error(`no outcome after ${calls.join(", ")}; last: ${errors.at(-1)?.message}`);
}

/**
 * Ground truth: cancels of this job the service took. Each answered 200 counts (whether or not
 * the answer arrived); a cancel processed after the client hung up is recorded with status 0, so
 * a cancelled job with no 200 on record counts its one cancel too.
 */
function acceptedCancels(fe: FaultyEmulator, jobId: string): number {
  const answered = fe.emu.requests.filter(
    (r) => r.method === "POST" && r.path.includes(`/configure/${jobId}/cancel`) && r.status === 200,
  ).length;
  const job = fe.emu.ingestion.getJob(jobId);
  return answered === 0 && job?.cancelRequestedAt !== undefined ? 1 : answered;
}

function inputsFor(endpoint: string, jobId: string, extra: Record<string, unknown> = {}): IngestionInputs {
  const { inputs, failures } = checkIngestionInputs({
    jobId,
    endpoint,
    pollIntervalSeconds: { min: 0.1, max: 0.3 },
    timeoutSeconds: 60,
    ...extra,
  });
  assert.deepEqual(failures, []);
  return inputs as unknown as IngestionInputs;
}

/** A product of its own with a publish job running for an hour. */
function runningJob(fe: FaultyEmulator, name: string): string {
  const product = fe.emu.ingestion.addProduct(`${name}-${randomBytes(3).toString("hex")}`);
  return fe.emu.ingestion.startPublishJob({
    product: product.id,
    notStartedSeconds: 0,
    runningSeconds: 3600,
    pointOfNoReturnSeconds: null,
  }).jobId;
}

const ofJob = (jobId: string) => lines.filter((l) => l.includes(`job ${jobId}:`));

describe("Hardening: IngestionJobCancellation under service faults", function () {
  this.timeout(60_000);
  useProviderEnv({
    MARKETPLACE_RETRY_BASE_DELAY_MS: "20",
    MARKETPLACE_REQUEST_TIMEOUT_MS: "1000",
    MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS: String(CONFIRM_WINDOW_MS),
  });
  let fe: FaultyEmulator;
  before(() =>
    lifecycle.setPrinter((line) => {
      lines.push(line);
      onLine(line);
    }),
  );
  after(() => lifecycle.setPrinter((line) => console.log(line)));
  beforeEach(async () => {
    clearTokenCache();
    onLine = () => undefined;
    await lifecycle.configure({
      config: { get: (k) => (k === "marketplace:ingestionAccessToken" ? TOKEN : undefined) },
    });
    fe = await FaultyEmulator.start();
  });
  afterEach(async () => {
    await fe.settle();
    await fe.close();
  });

  /** What every scenario ends with: cancelled, one accepted cancel, no token in what users see. */
  function assertCancelledOnce(jobId: string, d: Drive): void {
    assert.equal(d.outs.status, "canceled", d.calls.join(", "));
    assert.equal(d.outs.jobResult, "cancelled");
    assert.equal(fe.emu.ingestion.getJob(jobId)!.jobResult, "cancelled");
    assert.equal(acceptedCancels(fe, jobId), 1, "the service took exactly one cancel");
    const texts = [...ofJob(jobId), ...d.errors.map((e) => e.message), visibleOutputs(d.outs)];
    assert.deepEqual(scanForSecrets("ingestion fault scenario", texts), []);
  }

  it("429 with Retry-After on the cancel POST: retried after it, one cancel taken", async () => {
    const jobId = runningJob(fe, "throttled-cancel");
    fe.fault({
      match: { method: "POST", pathIncludes: `/configure/${jobId}/cancel` },
      times: 2,
      fault: { type: "status", status: 429, retryAfter: "1" },
    });
    const started = Date.now();
    const d = await driveJob(fe, jobId, inputsFor(fe.url, jobId));
    assert.deepEqual(d.calls, ["create: canceled"]);
    assertCancelledOnce(jobId, d);
    const cancels = fe.emu.countRequests({ method: "POST", pathIncludes: "/cancel" });
    assert.equal(cancels, 3, "two throttled, the third taken");
    assert.ok(Date.now() - started >= 2000, "each Retry-After: 1 was honoured");
  });

  it("429 with Retry-After and 500/503 on the status polls: the wait goes on, one cancel", async () => {
    fe.emu.ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 2 });
    const jobId = runningJob(fe, "flaky-status");
    const status = { method: "GET", pathIncludes: `/configure/${jobId}/status` };
    fe.fault({ match: status, times: 1, fault: { type: "status", status: 429, retryAfter: "1" } });
    fe.fault({ match: status, times: 1, fault: { type: "status", status: 500 } });
    fe.fault({ match: status, times: 1, fault: { type: "status", status: 503, retryAfter: "1" } });
    const d = await driveJob(fe, jobId, inputsFor(fe.url, jobId));
    assert.deepEqual(d.calls, ["create: canceled"]);
    assertCancelledOnce(jobId, d);
    assert.equal(await fe.settle(), 3, "every injected fault was met (within the 3 retries of one poll)");
  });

  it("5xx on the status polls beyond the retries: pending, then the next up resumes without a second cancel", async () => {
    fe.emu.ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 1 });
    const jobId = runningJob(fe, "status-down");
    fe.fault({
      match: { method: "GET", pathIncludes: `/configure/${jobId}/status` },
      // One poll's four attempts (the request and its 3 retries): the wait fails once.
      times: 4,
      fault: { type: "status", status: 500 },
    });
    const d = await driveJob(fe, jobId, inputsFor(fe.url, jobId));
    assert.deepEqual(d.calls, ["create: ResourceInitFailedError", "update: canceled"]);
    assert.match(d.errors[0].message, /Waiting for configure job .* to stop was interrupted/);
    assertCancelledOnce(jobId, d);
    assert.ok(ofJob(jobId).some((l) => /resuming the wait for the cancel sent at/.test(l)));
  });

  it("a dropped connection on the cancel: its status is read first, the cancel sent once more after the window", async () => {
    const jobId = runningJob(fe, "dropped-cancel");
    fe.fault({
      match: { method: "POST", pathIncludes: `/configure/${jobId}/cancel` },
      times: 1,
      fault: { type: "drop" },
    });
    const d = await driveJob(fe, jobId, inputsFor(fe.url, jobId));
    assert.deepEqual(d.calls, ["create: canceled"]);
    assertCancelledOnce(jobId, d);
    const texts = ofJob(jobId).join("\n");
    assert.match(texts, /no usable answer to the cancel/, texts);
    assert.match(texts, /has not completed .* after the cancel whose answer was lost/, texts);
    const posts = fe.emu.requests.filter((r) => r.method === "POST" && r.path.includes("/cancel"));
    assert.equal(posts.length, 2);
    const gap = Date.parse(posts[1].at) - Date.parse(posts[0].at);
    assert.ok(gap >= CONFIRM_WINDOW_MS, `the second cancel waited for the window (${gap} ms)`);
  });

  it("a cancel the service took whose answer came after the provider gave up: no second cancel", async () => {
    const jobId = runningJob(fe, "late-answer");
    fe.fault({
      match: { method: "POST", pathIncludes: `/configure/${jobId}/cancel` },
      times: 1,
      fault: { type: "latency", ms: 1500 },
    });
    const d = await driveJob(fe, jobId, inputsFor(fe.url, jobId));
    assert.deepEqual(d.calls, ["create: canceled"]);
    assertCancelledOnce(jobId, d);
    assert.match(ofJob(jobId).join("\n"), /no usable answer to the cancel/);
    assert.equal(fe.emu.countRequests({ method: "POST", pathIncludes: "/cancel" }), 1);
  });

  it("the service restarts mid-wait: pending, then resumed by the next up, one cancel", async () => {
    fe.emu.ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 2 });
    const jobId = runningJob(fe, "restart");
    let restart: Promise<void> | undefined;
    onLine = (line) => {
      if (!restart && line.includes(`job ${jobId}:`) && /\(poll 1, next in/.test(line)) {
        restart = fe.emu.restart({ downtimeMs: 3000 });
      }
    };
    // The next `up` comes once the service is back (a user re-runs after the outage).
    const d = await driveJob(fe, jobId, inputsFor(fe.url, jobId), () => restart);
    assert.ok(restart, "the restart happened mid-wait");
    assert.deepEqual(d.calls, ["create: ResourceInitFailedError", "update: canceled"]);
    assert.match(d.errors[0].message, /Waiting for configure job .* to stop was interrupted/);
    assertCancelledOnce(jobId, d);
    figures.faultsInjected++;
  });
});

import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator } from "../../emulator";
import { clearTokenCache } from "../../provider/core/credentials";
import { ResourceInitFailedError } from "../../provider/core/errors";
import { IngestionClient } from "../../provider/ingestion/client";
import { IngestionJobCancellationInputs, checkIngestionJobInputs } from "../../provider/ingestion/inputs";
import * as lifecycle from "../../provider/ingestion/lifecycle";
import { IngestionJobCancellationOutputs } from "../../provider/ingestion/outputs";
import { useEmulator } from "../emulator/helpers";

/**
 * IngestionJobCancellation's provider methods called directly, the way the dynamic-provider
 * runtime calls them (`check` output feeds `create`, outputs feed `update`/`read`/`delete`),
 * against the emulator's Product Ingestion routes over loopback. Time moves by the emulator's
 * clock (advanceClock), never by sleeping.
 */
const lines: string[] = [];
let products = 0;
/** What a job that fails on its own reports. */
const LISTING_ERROR = { code: "listingError", message: "The listing has no description." };

function configure(values: Record<string, string>) {
  return lifecycle.configure({ config: { get: (k: string) => values[k] } });
}

describe("IngestionJobCancellation lifecycle against the emulator", function () {
  this.timeout(30_000);
  const ctx = useEmulator();
  let journal: string;
  let token: string;
  /** Called once per printed line, after it is recorded (tests hook the sequence's moments). */
  let onLine: (line: string) => void = () => undefined;

  const emu = (): Emulator => ctx.emu;
  const inputs = (jobId: string, extra: Record<string, unknown> = {}): IngestionJobCancellationInputs => {
    const { inputs: checked, failures } = checkIngestionJobInputs({
      jobId,
      endpoint: emu().url,
      pollIntervalSeconds: { min: 0.1, max: 0.2 },
      ...extra,
    });
    assert.deepEqual(failures, []);
    return checked as unknown as IngestionJobCancellationInputs;
  };
  /** A product of its own and a publish job running on it (no notStarted phase). */
  const runningJob = (
    opts: {
      resources?: { type?: string; finishAfterSeconds?: number }[];
      pointOfNoReturnSeconds?: number;
      runningSeconds?: number;
      /** How the job ends if nothing cancels it (default succeeded), and the errors it then reports. */
      result?: "succeeded" | "failed";
      errors?: { code: string; message?: string }[];
    } = {},
  ) => {
    const product = emu().ingestion.addProduct(`ingestion-offer-${++products}`);
    const job = emu().ingestion.startPublishJob({
      product: product.id,
      notStartedSeconds: 0,
      runningSeconds: opts.runningSeconds ?? 3600,
      resources: opts.resources,
      pointOfNoReturnSeconds: opts.pointOfNoReturnSeconds ?? null,
      result: opts.result,
      errors: opts.errors,
    });
    return { product, job };
  };
  const cancelPosts = () => emu().countRequests({ method: "POST", pathIncludes: "/cancel" });
  const statusReads = () => emu().countRequests({ method: "GET", pathIncludes: "/status" });
  /** The record a create leaves when its 1-s wait times out after the cancel was accepted. */
  const pendingRecordOf = async (jobId: string): Promise<IngestionJobCancellationOutputs> => {
    let pending: IngestionJobCancellationOutputs | undefined;
    await assert.rejects(
      lifecycle.create(inputs(jobId, { timeoutSeconds: 1 })),
      (err: ResourceInitFailedError<IngestionJobCancellationOutputs>) => {
        pending = err.properties;
        return true;
      },
    );
    return pending!;
  };

  before(() => {
    journal = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-ingestion-journal-"));
    process.env.MARKETPLACE_CANCEL_JOURNAL_DIR = journal;
    process.env.MARKETPLACE_RETRY_BASE_DELAY_MS = "20";
    lifecycle.setPrinter((line) => {
      lines.push(line);
      onLine(line);
    });
  });
  after(() => {
    delete process.env.MARKETPLACE_CANCEL_JOURNAL_DIR;
    delete process.env.MARKETPLACE_RETRY_BASE_DELAY_MS;
    delete process.env.MARKETPLACE_REQUEST_TIMEOUT_MS;
    delete process.env.MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS;
    lifecycle.setPrinter((line) => console.log(line));
    fs.rmSync(journal, { recursive: true, force: true });
  });
  beforeEach(async () => {
    lines.length = 0;
    onLine = () => undefined;
    emu().clearFaults();
    emu().clearRequests();
    emu().ingestion.setSettings({
      cancelMode: null,
      asyncCancelSeconds: null,
      jobIdField: null,
      schemaHost: null,
      jobEndSentinel: null,
    });
    delete process.env.MARKETPLACE_REQUEST_TIMEOUT_MS;
    delete process.env.MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS;
    clearTokenCache();
    token = emu().issueToken({ audience: "graph" });
    await configure({ "marketplace:ingestionAccessToken": token });
  });

  /** Nothing in the outputs or the printed lines holds the token. */
  const noToken = (outs: unknown) => {
    assert.ok(!JSON.stringify(outs).includes(token), "a token in the outputs");
    assert.ok(!lines.join("\n").includes(token), "a token in the printed lines");
  };

  describe("create (when: apply)", () => {
    it("a running job, sync cancel: one POST, no status poll, canceled, what it had applied and the product's submissions", async () => {
      const { product, job } = runningJob({
        resources: [
          { type: "property", finishAfterSeconds: 10 },
          { type: "listing", finishAfterSeconds: 1000 },
        ],
      });
      emu().advanceClock(60);
      const { id, outs } = await lifecycle.create(inputs(job.jobId, { product: product.externalId }));
      assert.match(id, new RegExp(`^${job.jobId}/[0-9a-f-]{36}$`));
      assert.equal(outs.status, "canceled");
      assert.equal(outs.jobStatus, "completed");
      assert.equal(outs.jobResult, "cancelled");
      assert.ok(outs.jobEnd && !outs.jobEnd.startsWith("0001"), outs.jobEnd);
      assert.deepEqual(
        outs.appliedResources?.map((r) => r.type),
        ["property"],
      );
      assert.equal(outs.productId, product.id);
      assert.ok(
        outs.submissions && outs.submissions.every((s) => s.status === undefined || s.status === "completed"),
      );
      assert.match(outs.message!, /was cancelled\. It had applied 1 resource before it stopped/);
      assert.match(outs.message!, /no submission is running/);
      assert.equal(cancelPosts(), 1);
      assert.equal(statusReads(), 0);
      assert.equal(emu().ingestion.getJob(job.jobId)?.jobResult, "cancelled");
      noToken(outs);
    });

    it("a running job, async cancel (answers running/pending): waits on the status until cancelled", async () => {
      emu().ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 120 });
      const { job } = runningJob();
      // The cancel's answer is printed before the first poll: the job turns cancelled then.
      onLine = (line) => {
        if (/the service answered 200: the job is running\/pending/.test(line)) emu().advanceClock(120);
      };
      const { outs } = await lifecycle.create(inputs(job.jobId));
      assert.equal(outs.status, "canceled");
      assert.equal(outs.jobResult, "cancelled");
      assert.equal(cancelPosts(), 1);
      assert.equal(statusReads(), 1);
      assert.deepEqual(outs.appliedResources, []);
      assert.match(outs.message!, /was cancelled after .* \(1 status request\)\. Nothing had been applied/);
    });

    for (const ifAlreadyCompleted of ["succeed", "fail"] as const) {
      it(`a job that completed before the cancel, ifAlreadyCompleted ${ifAlreadyCompleted}: the 400, one status read, its result`, async () => {
        const { job } = runningJob({ runningSeconds: 10 });
        emu().advanceClock(30);
        const run = lifecycle.create(inputs(job.jobId, { ifAlreadyCompleted }));
        if (ifAlreadyCompleted === "fail") {
          await assert.rejects(run, (err: Error) => {
            assert.equal(err.name, "JobAlreadyCompletedError");
            assert.match(
              err.message,
              /had already completed \(succeeded\) before the cancel; nothing was cancelled/,
            );
            assert.match(err.message, /ifAlreadyCompleted: "succeed"/);
            return true;
          });
        } else {
          const { outs } = await run;
          assert.equal(outs.status, "alreadyCompleted");
          assert.equal(outs.jobResult, "succeeded");
          assert.match(outs.message!, /nothing was cancelled/);
        }
        assert.equal(cancelPosts(), 1);
        assert.equal(statusReads(), 1);
      });
    }

    // The service took the cancel (200, the job still running), and the job then failed: the
    // cancel was not refused and the job did not end before it, so neither `alreadyCompleted` nor
    // its `ifAlreadyCompleted: "fail"` error applies.
    for (const ifAlreadyCompleted of ["succeed", "fail"] as const) {
      it(`a job that fails after the service accepted the cancel, ifAlreadyCompleted ${ifAlreadyCompleted}: failedAfterCancel, with the job's errors`, async () => {
        emu().ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 600 });
        const { job } = runningJob({ runningSeconds: 60, result: "failed", errors: [LISTING_ERROR] });
        onLine = (line) => {
          if (/the service answered 200: the job is running\/pending/.test(line)) emu().advanceClock(120);
        };
        const { outs } = await lifecycle.create(inputs(job.jobId, { ifAlreadyCompleted }));
        assert.equal(outs.status, "failedAfterCancel");
        assert.equal(outs.jobStatus, "completed");
        assert.equal(outs.jobResult, "failed");
        assert.deepEqual(outs.jobErrors, [LISTING_ERROR]);
        assert.match(
          outs.message!,
          new RegExp(
            `^The service accepted the cancel of configure job ${job.jobId}, and the job then ended failed, not cancelled, after \\S+ \\(1 status request\\)\\. ` +
              "Nothing had been applied before it stopped\\. The job reported: listingError: The listing has no description\\.$",
          ),
        );
        assert.equal(cancelPosts(), 1);
        assert.equal(statusReads(), 1);
      });
    }

    it("a job too far along: a clear error that nothing was cancelled and what state the job is in", async () => {
      const { job } = runningJob({ pointOfNoReturnSeconds: 5 });
      emu().advanceClock(10);
      await assert.rejects(lifecycle.create(inputs(job.jobId)), (err: Error & { jobState?: string }) => {
        assert.equal(err.name, "CancelRefusedError");
        assert.equal(err.jobState, "running/pending");
        assert.match(
          err.message,
          /refused to cancel configure job .* \(HTTP 400 badRequest: .*\); nothing was cancelled\. The job is running\/pending and carries on/,
        );
        assert.match(err.message, /triggers/);
        return true;
      });
      assert.equal(emu().ingestion.getJob(job.jobId)?.jobStatus, "running");
      assert.equal(cancelPosts(), 1);
    });

    it("an unknown job: JobNotFoundError naming jobId and endpoint, nothing recorded in the journal", async () => {
      const unknown = "11111111-2222-4333-8444-555555555555";
      await assert.rejects(lifecycle.create(inputs(unknown)), (err: Error) => {
        assert.equal(err.name, "JobNotFoundError");
        assert.match(
          err.message,
          new RegExp(`knows no configure job ${unknown}.*Check jobId .* and endpoint`),
        );
        return true;
      });
      assert.deepEqual(
        fs.readdirSync(journal).filter((f) => f.endsWith(".json")),
        [],
      );
    });

    it("jobID spelling, the azureedge schema host and the date-only sentinel; a timeout records pending, update resumes with no second cancel", async () => {
      emu().ingestion.setSettings({
        cancelMode: "async",
        asyncCancelSeconds: 600,
        jobIdField: "jobID",
        schemaHost: "azureedge",
        jobEndSentinel: "0001-01-01",
      });
      const { job } = runningJob();
      const checked = inputs(job.jobId, { timeoutSeconds: 1 });
      let pending: IngestionJobCancellationOutputs | undefined;
      let id = "";
      await assert.rejects(
        lifecycle.create(checked),
        (err: ResourceInitFailedError<IngestionJobCancellationOutputs>) => {
          assert.equal(err.name, "ResourceInitFailedError");
          assert.equal(err.properties.status, "pending");
          assert.equal(err.properties.jobStatus, "running");
          assert.equal(err.properties.jobEnd, undefined);
          assert.equal(err.properties.cancelAnswerLost, undefined);
          assert.match(
            err.reasons[0],
            /run `pulumi up` again to resume waiting \(no second cancel is sent\), or raise timeoutSeconds/,
          );
          pending = err.properties;
          id = err.id;
          return true;
        },
      );
      noToken(pending);
      assert.equal(cancelPosts(), 1);
      const diff = await lifecycle.diff(
        id,
        pending as unknown as Record<string, unknown>,
        checked as unknown as Record<string, unknown>,
      );
      assert.equal(diff.changes, true, "a pending cancellation reaches update");
      emu().advanceClock(600);
      const { outs } = await lifecycle.update(id, pending!, checked);
      assert.equal(outs.status, "canceled");
      assert.equal(cancelPosts(), 1);
      assert.ok(
        lines.some((l) => /resuming the wait .* \(no new cancel is sent now\)/.test(l)),
        lines.join("\n"),
      );
    });

    it("an answer lost after the service took the cancel: the status is read, no second cancel", async () => {
      process.env.MARKETPLACE_REQUEST_TIMEOUT_MS = "300";
      const { job } = runningJob();
      // Delayed past the client's timeout, then processed: the cancel happens, its answer is lost.
      emu().addFault({
        match: { method: "POST", pathIncludes: "/cancel" },
        fault: { type: "latency", ms: 800 },
      });
      const { outs } = await lifecycle.create(inputs(job.jobId));
      assert.equal(outs.status, "canceled");
      assert.equal(outs.cancelAnswerLost, undefined);
      assert.equal(cancelPosts(), 1);
      assert.ok(
        lines.some((l) => /no usable answer to the cancel/.test(l)),
        lines.join("\n"),
      );
    });

    it("an answer lost before the service acted (connection dropped): sent again once the confirm window passed", async () => {
      process.env.MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS = "200";
      const { job } = runningJob();
      emu().addFault({ match: { method: "POST", pathIncludes: "/cancel" }, fault: { type: "drop" } });
      const { outs } = await lifecycle.create(inputs(job.jobId));
      assert.equal(outs.status, "canceled");
      assert.equal(cancelPosts(), 2);
      assert.ok(
        lines.some((l) => /has not completed .* after the cancel whose answer was lost/.test(l)),
        lines.join("\n"),
      );
    });

    it("a killed engine: the journal written before the send makes the next create resume, with no second cancel", async () => {
      emu().ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 600 });
      const { job } = runningJob();
      const checked = inputs(job.jobId, { timeoutSeconds: 1 });
      // What a killed process leaves behind: the journal entry as it was right after the answer.
      let left: { file: string; text: string } | undefined;
      onLine = (line) => {
        if (!/the service answered 200/.test(line)) return;
        const [file] = fs.readdirSync(journal).filter((f) => f.endsWith(".json"));
        left = { file, text: fs.readFileSync(path.join(journal, file), "utf8") };
      };
      await assert.rejects(lifecycle.create(checked), { name: "ResourceInitFailedError" });
      assert.ok(left, "no journal entry while the cancel was in flight");
      assert.ok(!left.text.includes(token));
      fs.writeFileSync(path.join(journal, left.file), left.text);
      onLine = () => undefined;
      emu().advanceClock(600);
      const { outs } = await lifecycle.create(inputs(job.jobId));
      assert.equal(outs.status, "canceled");
      assert.equal(cancelPosts(), 1);
      assert.ok(
        lines.some((l) => /interrupted before it was recorded; resuming its wait/.test(l)),
        lines.join("\n"),
      );
      assert.deepEqual(
        fs.readdirSync(journal).filter((f) => f.endsWith(".json")),
        [],
      );
    });
  });

  describe("when: destroy, refresh, delete", () => {
    it("create reads the status once and records the intent; delete cancels", async () => {
      const { job } = runningJob();
      const { id, outs } = await lifecycle.create(inputs(job.jobId, { when: "destroy" }));
      assert.equal(outs.status, "scheduled");
      assert.equal(outs.jobStatus, "running");
      assert.equal(cancelPosts(), 0);
      assert.equal(statusReads(), 1);
      const { props } = await lifecycle.read(id, outs);
      assert.equal(props.status, "scheduled");
      assert.equal(statusReads(), 2);
      await lifecycle.deleteResource(id, outs);
      assert.equal(cancelPosts(), 1);
      assert.equal(emu().ingestion.getJob(job.jobId)?.jobResult, "cancelled");
    });

    it("when: apply: delete sends nothing", async () => {
      const { job } = runningJob();
      const { id, outs } = await lifecycle.create(inputs(job.jobId));
      emu().clearRequests();
      await lifecycle.deleteResource(id, outs);
      assert.equal(emu().countRequests(), 0);
    });

    it("refresh of a pending cancellation whose job completed records its end", async () => {
      emu().ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 600 });
      const { job } = runningJob();
      const pending = await pendingRecordOf(job.jobId);
      emu().advanceClock(600);
      const { props } = await lifecycle.read("id", pending);
      assert.equal(props.status, "canceled");
      assert.equal(props.jobResult, "cancelled");
      assert.equal(cancelPosts(), 1);
    });

    it("refresh of a pending cancellation whose job then failed records failedAfterCancel", async () => {
      emu().ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: 600 });
      const { job } = runningJob({ runningSeconds: 60, result: "failed", errors: [LISTING_ERROR] });
      const pending = await pendingRecordOf(job.jobId);
      emu().advanceClock(120);
      const { props } = await lifecycle.read("id", pending);
      assert.equal(props.status, "failedAfterCancel");
      assert.equal(props.jobResult, "failed");
      assert.deepEqual(props.jobErrors, [LISTING_ERROR]);
      assert.equal(
        props.message,
        "The service accepted the cancel, and the job then ended failed, not cancelled; seen by refresh. " +
          "The job reported: listingError: The listing has no description.",
      );
      assert.equal(cancelPosts(), 1);
    });
  });

  describe("check in a preview", () => {
    it("lookup on: one status read shows the job; lookup off, or not a preview: no request", async () => {
      const { job } = runningJob();
      const news = { jobId: job.jobId, endpoint: emu().url };
      const on = await lifecycle.check({}, { ...news, __preview: true });
      assert.deepEqual(on.failures, []);
      assert.deepEqual(
        { ...(on.inputs.runningNow as object), since: undefined },
        {
          jobId: job.jobId,
          jobStatus: "running",
          jobResult: "pending",
          since: undefined,
        },
      );
      assert.equal(emu().countRequests(), 1);
      emu().clearRequests();
      const up = await lifecycle.check({}, { ...news, __preview: false });
      assert.equal(up.inputs.runningNow, undefined);
      await configure({ "marketplace:ingestionAccessToken": token, "marketplace:previewLookup": "false" });
      const off = await lifecycle.check({}, { ...news, __preview: true });
      assert.equal(off.inputs.runningNow, undefined);
      assert.equal(emu().countRequests(), 0);
    });

    it("names the property of hostile input and makes no request", async () => {
      const { failures } = await lifecycle.check(
        {},
        { jobId: "../../configure", endpoint: emu().url, __preview: true },
      );
      assert.deepEqual(
        failures.map((f) => f.property),
        ["jobId"],
      );
      assert.equal(emu().countRequests(), 0);
    });
  });

  describe("the client's credentials (Graph audience)", () => {
    const source = (tokens: () => string) => {
      const s = {
        refreshes: 0,
        async getToken({ forceRefresh }: { forceRefresh: boolean }) {
          if (forceRefresh) s.refreshes++;
          return tokens();
        },
      };
      return s;
    };

    it("401: one fresh token, then the request succeeds", async () => {
      const { job } = runningJob();
      const fresh = emu().issueToken({ audience: "graph" });
      const credential = source(() => (credential.refreshes ? fresh : "expired-or-unknown-token"));
      const client = new IngestionClient({ endpoint: emu().url, credential, retry: { baseDelayMs: 10 } });
      const { snapshot } = await client.getStatus(job.jobId);
      assert.equal(snapshot.status.value, "running");
      assert.equal(credential.refreshes, 1);
      assert.equal(statusReads(), 2);
    });

    it("a Cloud Partner Portal token is refused, and the error says which audience to ask for", async () => {
      const { job } = runningJob();
      const cpp = emu().issueToken({ audience: "cpp" });
      const credential = source(() => cpp);
      const client = new IngestionClient({ endpoint: emu().url, credential, retry: { baseDelayMs: 10 } });
      await assert.rejects(client.cancel(job.jobId), (err: Error & { status?: number }) => {
        assert.equal(err.name, "HTTPError");
        assert.equal(err.status, 401);
        assert.match(
          err.message,
          /credential is for the Product Ingestion API on Microsoft Graph \(https:\/\/graph\.microsoft\.com\)\./,
        );
        assert.ok(!err.message.includes(cpp));
        return true;
      });
      assert.equal(credential.refreshes, 1);
      assert.equal(emu().ingestion.getJob(job.jobId)?.jobStatus, "running");
    });

    it("sends $version, Content-Length 0 on the cancel, and no token but the one it was given", async () => {
      const { job } = runningJob();
      const client = new IngestionClient({ endpoint: emu().url, credential: source(() => token) });
      await client.cancel(job.jobId);
      const post = emu().requests.find((r) => r.method === "POST" && r.path.includes("/cancel"))!;
      assert.match(
        post.path,
        new RegExp(`^/rp/product-ingestion/configure/${job.jobId}/cancel\\?\\$version=2022-03-01-preview2$`),
      );
      assert.equal(post.headers["content-length"], "0");
      assert.equal(post.body, "");
      assert.equal(post.headers["accept"], "application/json");
    });
  });
});

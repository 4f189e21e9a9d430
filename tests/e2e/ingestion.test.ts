import { strict as assert } from "node:assert";
import * as path from "node:path";
import { useCancellationStacks } from "./stacks";
import { Emulator, Seed } from "../../emulator";
import { EngineStack, providerHosts } from "../../tools/engine/stack";

/**
 * IngestionJobCancellation through the real Pulumi engine (the pinned CLI, Automation API, the
 * dynamic-provider plugin from @pulumi/pulumi) against the emulator's Product Ingestion API on
 * 127.0.0.1: a publish job started in the emulator, cancelled by `pulumi up`. What is asserted is
 * what users see (preview text, progress lines, outputs, state) and the requests the service
 * received. Time on the service moves by the emulator's clock, never by sleeping.
 */
const TYPE = "pulumi-nodejs:dynamic/marketplace:IngestionJobCancellation";
const program = path.join(__dirname, "fixtures", "ingestionProgram.js");

const seed: Seed = { publishers: { contoso: { offers: { "unused-offer": {} } } } };

describe("IngestionJobCancellation through the real Pulumi engine", function () {
  this.timeout(300_000);
  const e2e = useCancellationStacks(seed);
  let emu: Emulator;
  before(() => ({ emu } = e2e));
  let products = 0;

  const ingestion = () => emu.countRequests({ pathIncludes: "/rp/product-ingestion/" });
  const posts = () => emu.countRequests({ method: "POST", pathIncludes: "/cancel" });
  const nonGets = () =>
    emu.requests.filter((r) => r.path.includes("/rp/product-ingestion/") && r.method !== "GET").length;

  /** A product of its own with a publish job running on it (one resource applied after 1 s). */
  function runningJob(opts: { runningSeconds?: number } = {}) {
    const product = emu.ingestion.addProduct(`e2e-ingestion-offer-${++products}`);
    const job = emu.ingestion.startPublishJob({
      product: product.id,
      notStartedSeconds: 0,
      runningSeconds: opts.runningSeconds ?? 3600,
      resources: [{ type: "property", finishAfterSeconds: 1 }],
      pointOfNoReturnSeconds: null,
    });
    return { product, job };
  }
  const stackFor = (name: string, jobId: string, extra: Record<string, string> = {}) =>
    e2e.stackOf(program, name, { "e2e:jobId": jobId, ...extra });

  /** The emulator's cancel answers running/pending; the job turns cancelled `seconds` later. */
  async function withAsyncCancel<T>(seconds: number, fn: () => Promise<T>): Promise<T> {
    emu.ingestion.setSettings({ cancelMode: "async", asyncCancelSeconds: seconds });
    try {
      return await fn();
    } finally {
      emu.ingestion.setSettings({ cancelMode: null, asyncCancelSeconds: null });
    }
  }

  describe("a running publish, from pull-request preview to destroy", () => {
    let s: EngineStack;
    let jobId: string;
    let productId: string;
    let externalId: string;
    let applied: string;
    let submissionId: string;
    before(async () => {
      const { product, job } = runningJob();
      ({ jobId } = job);
      productId = product.id;
      externalId = product.externalId;
      submissionId = job.submissionId!;
      emu.advanceClock(2);
      const view = emu.ingestion.getJob(jobId)!;
      assert.equal(view.jobStatus, "running");
      const done = view.resources.filter((r) => r.applied);
      assert.equal(done.length, 1, JSON.stringify(view.resources));
      applied = done[0].id;
      s = await stackFor("ingestion-cycle", jobId, { "e2e:product": externalId });
    });

    it("preview with marketplace:previewLookup = false plans the create and sends nothing", async () => {
      await s.setConfig("marketplace:previewLookup", "false");
      emu.clearRequests();
      const { output } = await s.preview();
      assert.match(output, new RegExp(`\\+ ${escape(TYPE)}: \\(create\\)`), output);
      assert.match(output, new RegExp(`jobId\\s*: "${jobId}"`), output);
      assert.doesNotMatch(output, /runningNow/, output);
      assert.equal(ingestion(), 0);
      await s.removeConfig("marketplace:previewLookup");
    });

    it("preview with the lookup on shows the job's state now, from GETs only", async () => {
      emu.clearRequests();
      const { output } = await s.preview();
      assert.match(output, new RegExp(`\\+ ${escape(TYPE)}: \\(create\\)`), output);
      assert.match(output, /runningNow\s*: \{/, output);
      assert.match(output, new RegExp(`jobId\\s*: "${jobId}"`), output);
      assert.match(output, /jobStatus\s*: "running"/, output);
      assert.equal(emu.countRequests({ method: "GET", pathIncludes: `/configure/${jobId}/status` }), 1);
      assert.equal(nonGets(), 0, "a preview sends no cancel, nothing but reads");
      assert.equal(ingestion(), 1);
      assert.equal(emu.ingestion.getJob(jobId)!.jobStatus, "running");
    });

    it("up cancels with exactly one POST and records status, applied resources and submissions", async () => {
      emu.clearRequests();
      const output = said(await s.up());
      assert.match(output, new RegExp(`\\[marketplace\\] job ${jobId}: cancelling configure job`), output);
      assert.match(output, /the service answered 200: the job is completed\/cancelled/, output);
      assert.equal(posts(), 1);
      const outputs = await s.outputs();
      assert.equal(outputs.status.value, "canceled");
      assert.equal(outputs.jobStatus.value, "completed");
      assert.equal(outputs.jobResult.value, "cancelled");
      assert.deepEqual(
        (outputs.appliedResources.value as { id: string }[]).map((r) => r.id),
        [applied],
        "the resource applied before the cancel, and only that one",
      );
      assert.equal(outputs.productId.value, productId);
      const submissions = outputs.submissions.value as { id: string; status?: string; result?: string }[];
      const publish = submissions.find((x) => x.id === submissionId);
      assert.deepEqual(
        { status: publish?.status, result: publish?.result },
        { status: "completed", result: "failed" },
        JSON.stringify(submissions),
      );
      assert.ok(!submissions.some((x) => x.status === "running" || x.status === "notStarted"));
      assert.match(outputs.message.value as string, /was cancelled/, outputs.message.value as string);
      const job = emu.ingestion.getJob(jobId)!;
      assert.deepEqual([job.jobStatus, job.jobResult], ["completed", "cancelled"]);
    });

    it("a second up is a no-op: no request, no second cancel", async () => {
      emu.clearRequests();
      const { result } = await s.up();
      assert.deepEqual(result.summary.resourceChanges, { same: 2 });
      assert.equal(ingestion(), 0);
    });

    it("a changed jobId or triggers previews as a replacement; a changed product as an update", async () => {
      await s.setConfig("e2e:triggers", JSON.stringify(["again"]));
      emu.clearRequests();
      let { output } = await s.preview();
      assert.match(output, new RegExp(`\\+-${escape(TYPE)}: \\(replace\\)`), output);
      await s.removeConfig("e2e:triggers");
      await s.setConfig("e2e:product", productId);
      ({ output } = await s.preview());
      assert.match(output, new RegExp(`~ ${escape(TYPE)}: \\(update\\)`), output);
      assert.doesNotMatch(output, /replace/, output);
      await s.setConfig("e2e:product", externalId);
      assert.equal(nonGets(), 0);
    });

    it("refresh reads the job's status with GETs only", async () => {
      emu.clearRequests();
      await s.refresh();
      assert.equal(emu.countRequests({ method: "GET", pathIncludes: `/configure/${jobId}/status` }), 1);
      assert.equal(nonGets(), 0);
      const outputs = await s.outputs();
      assert.equal(outputs.status.value, "canceled");
      assert.equal(outputs.jobResult.value, "cancelled");
    });

    it("destroy (when: apply) removes the resource without calling the service", async () => {
      emu.clearRequests();
      const text = said(await s.destroy());
      assert.match(text, /cannot be undone, so nothing is sent/, text);
      assert.equal(ingestion(), 0);
      assert.equal((await s.resources()).filter((r) => r.type === TYPE).length, 0);
    });
  });

  it("an up that times out records a pending wait; refresh keeps it; the next up resumes it without a second cancel", async () => {
    const { job } = runningJob();
    const s = await stackFor("ingestion-timeout", job.jobId, { "e2e:timeoutSeconds": "2" });
    await withAsyncCancel(600, async () => {
      emu.clearRequests();
      const failed = await s.attempt("up");
      assert.equal(failed.ok, false);
      assert.match(said(failed), /the service answered 200: the job is running\/pending/, said(failed));
      assert.match(
        said(failed),
        /run `pulumi up` again to resume waiting \(no second cancel is sent\)/,
        said(failed),
      );
      const [pending] = (await s.resources()).filter((r) => r.type === TYPE);
      assert.equal((pending.outputs as Record<string, unknown>).status, "pending");
      assert.equal(posts(), 1);

      await s.refresh();
      const [refreshed] = (await s.resources()).filter((r) => r.type === TYPE);
      assert.equal((refreshed.outputs as Record<string, unknown>).status, "pending");

      emu.advanceClock(600);
      await s.setConfig("e2e:timeoutSeconds", "60");
      const text = said(await s.up());
      assert.match(text, /resuming the wait for the cancel sent at .* \(no new cancel is sent now\)/, text);
      assert.equal(posts(), 1, "no second cancel");
    });
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "canceled");
    assert.equal(outputs.jobResult.value, "cancelled");
    assert.equal((await s.pendingOperations()).length, 0);
    await s.destroy();
  });

  it("an engine killed after the cancel was sent: the next up resumes the wait, still one POST", async () => {
    const { job } = runningJob();
    const s = await stackFor("ingestion-killed", job.jobId);
    await withAsyncCancel(600, async () => {
      emu.clearRequests();
      const child = s.startUpInChild();
      await child.waitFor(new RegExp(`job ${job.jobId}: .*running/pending \\(poll 1, next in`), 120_000);
      const killed = await child.killEngine();
      assert.equal(providerHosts(killed.plugins).length, 1, JSON.stringify(killed.plugins));
      assert.deepEqual(await killed.survivorsAfter(10_000), [], "provider processes outlived the engine");
      assert.equal(posts(), 1);
      assert.equal(emu.ingestion.getJob(job.jobId)!.jobStatus, "running", "still running when killed");

      emu.advanceClock(600);
      await s.recoverAfterKill();
      const text = said(await s.up());
      assert.match(
        text,
        /was interrupted before it was recorded; resuming its wait \(no new cancel is sent\)/,
        text,
      );
      assert.equal(posts(), 1, "no second cancel");
    });
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "canceled");
    assert.equal((await s.pendingOperations()).length, 0);
    await s.destroy();
  });

  it('when: "destroy" reads the job on up and cancels it on destroy', async () => {
    const { job } = runningJob();
    const s = await stackFor("ingestion-destroy", job.jobId, { "e2e:when": "destroy" });
    emu.clearRequests();
    await s.up();
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "scheduled");
    assert.equal(outputs.jobStatus.value, "running");
    assert.equal(posts(), 0);
    assert.equal(nonGets(), 0);
    const text = said(await s.destroy());
    assert.match(text, /when is "destroy": cancelling now/, text);
    assert.equal(posts(), 1);
    assert.equal(emu.ingestion.getJob(job.jobId)!.jobResult, "cancelled");
  });

  describe("a job that completed before the cancel", () => {
    let jobId: string;
    before(() => {
      ({ jobId } = runningJob({ runningSeconds: 1 }).job);
      emu.advanceClock(5);
      assert.equal(emu.ingestion.getJob(jobId)!.jobResult, "succeeded");
    });

    it('ifAlreadyCompleted: "succeed" records alreadyCompleted with the job\'s result', async () => {
      const s = await stackFor("ingestion-done-ok", jobId);
      emu.clearRequests();
      await s.up();
      const outputs = await s.outputs();
      assert.equal(outputs.status.value, "alreadyCompleted");
      assert.equal(outputs.jobResult.value, "succeeded");
      assert.match(outputs.message.value as string, /had already completed \(succeeded\)/);
      assert.equal(posts(), 1, "the one cancel, refused with 400");
      assert.equal(emu.ingestion.getJob(jobId)!.jobResult, "succeeded");
      await s.destroy();
    });

    it('ifAlreadyCompleted: "fail" fails the up and records nothing', async () => {
      const s = await stackFor("ingestion-done-fail", jobId, { "e2e:ifAlreadyCompleted": "fail" });
      emu.clearRequests();
      const failed = await s.attempt("up");
      assert.equal(failed.ok, false);
      assert.match(
        said(failed),
        /had already completed \(succeeded\) before the cancel; nothing was cancelled \(ifAlreadyCompleted is "fail"\)/,
        said(failed),
      );
      assert.equal(posts(), 1);
      assert.equal((await s.resources()).filter((r) => r.type === TYPE).length, 0);
    });
  });

  it("bad input fails at preview, naming the property, before any call", async () => {
    const s = await stackFor("ingestion-bad", "not-a-guid", { "e2e:product": "bad/product" });
    emu.clearRequests();
    const attempt = await s.attempt("preview");
    assert.equal(attempt.ok, false);
    const text = said(attempt);
    assert.match(text, /jobId "not-a-guid" is not a GUID/, text);
    assert.match(text, /product "bad\/product" is neither an external id nor product\/<guid>/, text);
    assert.equal(ingestion(), 0);
  });

  it("examples/ingestion-job deploys and destroys against the emulator", async () => {
    const { product, job } = runningJob();
    const projectName = "marketplace-cancel-ingestion-job";
    const s = e2e.track(
      await EngineStack.create({
        programModule: path.join(__dirname, "..", "..", "examples", "ingestion-job", "index.js"),
        projectName,
        stackName: "ingestion-example",
        config: {
          [`${projectName}:jobId`]: job.jobId,
          [`${projectName}:product`]: product.externalId,
          "marketplace:ingestionEndpoint": emu.url,
          "marketplace:ingestionAccessToken": { value: e2e.token, secret: true },
        },
        envVars: { MARKETPLACE_INGESTION_ACCESS_TOKEN: "", AZURE_CLIENT_ID: "", AZURE_TENANT_ID: "" },
      }),
    );
    emu.clearRequests();
    await s.up();
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "canceled");
    assert.equal(posts(), 1);
    assert.equal(emu.ingestion.getJob(job.jobId)!.jobResult, "cancelled");
    emu.clearRequests();
    await s.destroy();
    assert.equal(ingestion(), 0);
  });
});

/**
 * Everything the user sees. The provider's console lines reach the engine as info diagnostics:
 * the CLI prints them on stderr with `--diff` (preview, up) and in the Diagnostics section of
 * stdout otherwise (refresh, destroy).
 */
function said(op: { output: string; stderr: string }): string {
  return `${op.output}\n${op.stderr}`;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

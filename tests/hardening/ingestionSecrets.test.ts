import { strict as assert } from "node:assert";
import * as path from "node:path";
import { Seed } from "../../emulator";
import { EngineStack } from "../../tools/engine/stack";
import { useCancellationStacks } from "../e2e/stacks";
import { figures } from "./figures";
import { scanForSecrets } from "./helpers";

/**
 * The secrets search of `secrets.test.ts`, for a stack of IngestionJobCancellation through the
 * real engine: a Graph-audience token as secret stack config and another as the `accessToken`
 * input, across up (a running publish cancelled), a failing up (a service that echoes the token
 * in its error), refresh and destroy. Neither token may show in the engine's output, in
 * `pulumi stack export` as a user runs it, or in any file of the stack (backend, home, work dir).
 */
const program = path.join(__dirname, "..", "e2e", "fixtures", "ingestionProgram.js");
const seed: Seed = { publishers: { contoso: { offers: { "unused-offer": {} } } } };

describe("Hardening: secrets of an IngestionJobCancellation stack through the real engine", function () {
  this.timeout(300_000);
  const e2e = useCancellationStacks(seed);
  let products = 0;
  const outputs: string[] = [];

  const runningJob = () => {
    const product = e2e.emu.ingestion.addProduct(`secrets-ingestion-${++products}`);
    return e2e.emu.ingestion.startPublishJob({
      product: product.id,
      notStartedSeconds: 0,
      runningSeconds: 3600,
      pointOfNoReturnSeconds: null,
    });
  };

  async function record<T extends { output: string; stderr: string }>(op: Promise<T>): Promise<T> {
    const done = await op;
    outputs.push(done.output, done.stderr);
    figures.engineOperations++;
    return done;
  }

  /** `holdsResource`: the export must hold the resource (so the search covers its state). */
  async function searchStack(s: EngineStack, secrets: string[], holdsResource: boolean): Promise<void> {
    const exported = await s.cli(["stack", "export"]);
    assert.equal(exported.code, 0);
    assert.equal(/IngestionJobCancellation/.test(exported.stdout), holdsResource, exported.stdout);
    figures.engineOperations++;
    const leaks = scanForSecrets("ingestion stack", [...outputs, exported.stdout, exported.stderr], secrets);
    for (const secret of secrets) {
      const files = s.filesContaining(secret);
      figures.placesSearched++;
      figures.leakedTokens += files.length;
      leaks.push(...files.map((f) => `file ${f}`));
    }
    assert.deepEqual(leaks, []);
  }

  it("config token and input token: up, refresh, destroy leave neither anywhere", async () => {
    const inputToken = e2e.emu.issueToken({
      publishers: ["contoso"],
      audience: "graph",
      lifetimeSeconds: 86400,
    });
    const job = runningJob();
    const s = await e2e.stackOf(program, "secrets-ingestion", {
      "e2e:jobId": job.jobId,
      "e2e:product": job.product!,
    });
    await s.setConfig("e2e:inputToken", inputToken, { secret: true });
    await record(s.preview());
    await record(s.up());
    assert.equal((await s.outputs()).status.value, "canceled");
    await record(s.refresh());
    await searchStack(s, [e2e.token, inputToken], true);
    await record(s.destroy());
    await searchStack(s, [e2e.token, inputToken], false);
  });

  it("a failing up whose service echoes the token in its error body: not in output, export or files", async () => {
    const job = runningJob();
    const s = await e2e.stackOf(program, "secrets-ingestion-echo", { "e2e:jobId": job.jobId });
    e2e.emu.addFault({
      match: { method: "POST", pathIncludes: `/configure/${job.jobId}/cancel` },
      times: 1,
      fault: {
        type: "status",
        status: 404,
        body: JSON.stringify({
          error: { code: "notFound", message: `no job for Bearer ${e2e.token} (token ${e2e.token})` },
        }),
      },
    });
    try {
      const failed = await s.attempt("up");
      figures.engineOperations++;
      assert.equal(failed.ok, false);
      outputs.push(failed.output, failed.stderr);
      assert.match(failed.output + failed.stderr, /knows no configure job/);
    } finally {
      e2e.emu.clearFaults();
    }
    await searchStack(s, [e2e.token], false);
  });
});

/**
 * The Product Ingestion section of `npm run demo`: a publish submitted through Partner Center's
 * Product Ingestion API (the emulator's `/rp/product-ingestion/` routes) is cancelled by
 * `IngestionJobCancellation` (program examples/ingestion-job) through the real Pulumi engine.
 *
 *   1. a publish job starts on the emulator's default product contoso-ingestion-offer, and one of
 *      its resources is applied before anyone reacts (that change stays, cancel or not);
 *   2. `pulumi preview --diff`: the planned cancellation and the job's state now (one GET);
 *   3. `pulumi up`: one cancel POST, then the outputs (status, applied resources, submissions);
 *   4. `pulumi destroy` (removes the record; nothing is sent).
 *
 * Called from run.ts with the running emulator; makes and removes a stack of its own.
 */
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { EngineStack } from "../../tools/engine/stack";
import { machineCredentialsBlanked, signInConfig } from "./signIn";

const PROJECT = "marketplace-cancel-ingestion-job";
const PRODUCT = "contoso-ingestion-offer";

export interface DemoStream {
  onOutput: (s: string) => void;
  onError: (s: string) => void;
}

function banner(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

/** Runs the section against `emu`; throws when the publish does not end cancelled. */
export async function ingestionDemo(emu: Emulator, stream?: DemoStream): Promise<void> {
  const out: DemoStream = stream ?? {
    onOutput: (s) => process.stdout.write(s),
    onError: (s) => process.stdout.write(s),
  };
  const program = path.resolve(__dirname, "..", "ingestion-job", "index.js");
  const ingestion = () => emu.countRequests({ pathIncludes: "/rp/product-ingestion/" });

  const product = emu.ingestion.findProduct(PRODUCT) ?? emu.ingestion.addProduct(PRODUCT);
  const started = emu.ingestion.startPublishJob({
    product: product.id,
    targetType: "preview",
    notStartedSeconds: 0,
    runningSeconds: 4 * 3600,
    resources: [{ type: "price-and-availability-offer", finishAfterSeconds: 1 }],
  });
  emu.advanceClock(2);
  banner(`Product Ingestion API: the same emulator, ${emu.url}/rp/product-ingestion/`);
  const job = emu.ingestion.getJob(started.jobId)!;
  console.log(
    `${PRODUCT} (${product.id}): publish to ${job.targetType} running, jobId ${job.jobId} ` +
      `(from the POST configure reply); applied so far: ${job.resources.filter((r) => r.applied).length} of ${job.resources.length} resources`,
  );

  let stack: EngineStack | undefined;
  try {
    stack = await EngineStack.create({
      programModule: program,
      projectName: PROJECT,
      stackName: "demo-ingestion",
      config: {
        [`${PROJECT}:jobId`]: job.jobId,
        [`${PROJECT}:product`]: PRODUCT,
        "marketplace:ingestionEndpoint": emu.url,
        ...signInConfig(emu),
      },
      envVars: machineCredentialsBlanked,
    });

    banner("Ingestion 1. pulumi preview --diff   (runningNow: the job's status, from one GET)");
    emu.clearRequests();
    await stack.preview(out);
    console.log(`requests to the Product Ingestion API during preview: ${ingestion()}`);

    banner("Ingestion 2. pulumi up   (IngestionJobCancellation: one cancel, then what the job left)");
    emu.clearRequests();
    await stack.up(out);
    const posts = emu.countRequests({ method: "POST", pathIncludes: "/cancel" });
    console.log(`requests to the Product Ingestion API during up: ${ingestion()} (cancel POSTs: ${posts})`);

    banner("Ingestion 3. Outputs");
    const outputs = await stack.outputs();
    for (const [key, value] of Object.entries(outputs)) console.log(`${key}: ${JSON.stringify(value.value)}`);
    const after = emu.ingestion.getJob(job.jobId)!;
    console.log(`the emulator's view: job ${after.jobId} is ${after.jobStatus}/${after.jobResult}`);
    if (after.jobResult !== "cancelled")
      throw new Error("the demo expected the publish job to end cancelled");

    banner("Ingestion 4. pulumi destroy   (removes the record; nothing is sent)");
    emu.clearRequests();
    await stack.destroy(out);
    console.log(`requests to the Product Ingestion API during destroy: ${ingestion()}`);
  } finally {
    await stack?.cleanup();
  }
}

/**
 * `IngestionJobCancellation`: a declared cancellation of one Product Ingestion API configure job
 * (the publish a `POST configure` started), by the `jobId` that call returned.
 */
import * as pulumi from "@pulumi/pulumi";
// `import = require` hands Pulumi the module's own exports object (see cpp/resource.ts).
import ingestionProvider = require("../dynamic/ingestionJobCancellation");
import { MarketplaceResource, SharedArgs, typeTokenOf } from "../kit/resource";
import { INGESTION_JOB_SPEC } from "./inputSpec";
import {
  AppliedResource,
  INGESTION_JOB_RESULT_KEYS,
  IngestionJobCancellationStatus,
  JobError,
  SubmissionState,
} from "./outputs";

/** Its keys are ingestion/inputSpec.ts's inputs (tests/unit/inputSpec.test.ts checks that at compile time). */
export interface IngestionJobCancellationArgs extends SharedArgs {
  /**
   * The GUID `POST configure` returned (`jobId`) when the publish was submitted. The API offers no
   * way to find the job of a running publish, so it must come from whatever submitted it.
   * Changing it replaces the resource (a new cancel).
   */
  jobId: pulumi.Input<string>;
  /**
   * The offer's external id (e.g. `contoso-offer`) or its durable id `product/<guid>`. When given,
   * its submissions are read after the cancel and reported in `submissions`. Updates in place.
   */
  product?: pulumi.Input<string>;
  /**
   * What to do when the job had already completed before the cancel: `"succeed"` (default, status
   * `alreadyCompleted` with the job's `jobResult`) or `"fail"`. Updates in place.
   */
  ifAlreadyCompleted?: pulumi.Input<"succeed" | "fail">;
}

const TYPE = "IngestionJobCancellation";
/** The type token the engine shows: `pulumi-nodejs:dynamic/marketplace:IngestionJobCancellation`. */
export const INGESTION_JOB_CANCELLATION_TYPE_TOKEN = typeTokenOf(TYPE);

export class IngestionJobCancellation extends MarketplaceResource {
  declare readonly jobId: pulumi.Output<string>;
  declare readonly product: pulumi.Output<string | undefined>;
  declare readonly ifAlreadyCompleted: pulumi.Output<"succeed" | "fail">;
  /**
   * `canceled`, `failedAfterCancel` (the cancel was accepted, then the job failed: see `jobErrors`),
   * `alreadyCompleted` (see `jobResult`), `pending` (resume on next up), `scheduled` (when: destroy).
   */
  declare readonly status: pulumi.Output<IngestionJobCancellationStatus>;
  /** `notStarted` | `running` | `completed` as the service spells it (`notFound` once the job is gone). */
  declare readonly jobStatus: pulumi.Output<string | undefined>;
  /** `pending` | `succeeded` | `failed` | `cancelled` as the service spells it. */
  declare readonly jobResult: pulumi.Output<string | undefined>;
  declare readonly jobStart: pulumi.Output<string | undefined>;
  declare readonly jobEnd: pulumi.Output<string | undefined>;
  declare readonly jobErrors: pulumi.Output<JobError[] | undefined>;
  /** What the job had applied before it stopped (kept by the service despite the cancel). */
  declare readonly appliedResources: pulumi.Output<AppliedResource[] | undefined>;
  /** The `product` input as `product/<guid>`. */
  declare readonly productId: pulumi.Output<string | undefined>;
  /** The product's submissions after the cancel. */
  declare readonly submissions: pulumi.Output<SubmissionState[] | undefined>;
  declare readonly cancelAnswerLost: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: IngestionJobCancellationArgs, opts?: pulumi.CustomResourceOptions) {
    const keys = { secretKeys: INGESTION_JOB_SPEC.secretKeys, resultKeys: INGESTION_JOB_RESULT_KEYS };
    super(ingestionProvider, TYPE, keys, name, args, opts);
  }
}

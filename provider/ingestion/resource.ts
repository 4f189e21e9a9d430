/**
 * `IngestionJobCancellation`: a declared cancellation of one Product Ingestion API configure job
 * (the publish a `POST configure` started), by the `jobId` that call returned.
 */
import * as pulumi from "@pulumi/pulumi";
import { RESOURCE_MODULE } from "../cpp/resource";
import { dynamicProps, secretOptions } from "../kit/resourceProps";
import * as ingestionProvider from "../dynamic/ingestionJobCancellation";
import { INGESTION_SECRET_KEYS } from "./inputSpec";
import {
  AppliedResource,
  INGESTION_RESULT_KEYS,
  JobCancellationStatus,
  JobError,
  SubmissionState,
} from "./outputs";

/** Its keys are ingestion/inputSpec.ts's inputs (tests/unit/inputSpec.test.ts checks that at compile time). */
export interface IngestionJobCancellationArgs {
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
  /**
   * When the cancel is sent: `"apply"` (default) on create; `"destroy"` when the resource is
   * deleted (create reads the job's status once, which proves access). Changing it replaces.
   */
  when?: pulumi.Input<"apply" | "destroy">;
  /** Arbitrary values; any change means "cancel again" (a replacement), like pulumi-command's `triggers`. */
  triggers?: pulumi.Input<unknown[]> | pulumi.Input<Record<string, unknown>>;
  /**
   * How long one `pulumi up` (or `destroy`) waits for the job to stop. Default 1800. On timeout the
   * resource is recorded as pending and the next `up` resumes the wait without a second cancel.
   */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * Bounds of the status polling in seconds: a number (the longest wait) or `{ min, max }`.
   * Default `{ min: 60, max: 120 }`: the service documents at most one status request per minute;
   * polls start at `min` and grow ×1.5 to `max`, and a longer `Retry-After` wins. Updates in place.
   */
  pollIntervalSeconds?: pulumi.Input<number | { min?: number; max?: number }>;
  /**
   * The origin in front of `/rp/product-ingestion`. Default: the `marketplace:ingestionEndpoint`
   * setting, else `https://graph.microsoft.com`. Plain http only on loopback. Updates in place.
   */
  endpoint?: pulumi.Input<string>;
  /** The `$version` sent on every call. Default `2022-03-01-preview2`. Updates in place. */
  apiVersion?: pulumi.Input<string>;
  /**
   * A bearer token for `https://graph.microsoft.com`. Stored as a secret; never causes a diff.
   * Used only when no credentials are configured in stack config or the environment.
   */
  accessToken?: pulumi.Input<string>;
}

export const INGESTION_RESOURCE_TYPE = "IngestionJobCancellation";
/** The type token the engine shows: `pulumi-nodejs:dynamic/marketplace:IngestionJobCancellation`. */
export const INGESTION_RESOURCE_TYPE_TOKEN = `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:${INGESTION_RESOURCE_TYPE}`;

export class IngestionJobCancellation extends pulumi.dynamic.Resource {
  declare readonly jobId: pulumi.Output<string>;
  declare readonly product: pulumi.Output<string | undefined>;
  declare readonly ifAlreadyCompleted: pulumi.Output<"succeed" | "fail">;
  declare readonly when: pulumi.Output<"apply" | "destroy">;
  declare readonly timeoutSeconds: pulumi.Output<number>;
  declare readonly pollIntervalSeconds: pulumi.Output<{ min: number; max: number }>;
  declare readonly endpoint: pulumi.Output<string | undefined>;
  declare readonly apiVersion: pulumi.Output<string>;
  /** `canceled`, `alreadyCompleted` (see `jobResult`), `pending` (resume on next up), `scheduled` (when: destroy). */
  declare readonly status: pulumi.Output<JobCancellationStatus>;
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
  declare readonly requestedAt: pulumi.Output<string | undefined>;
  declare readonly completedAt: pulumi.Output<string | undefined>;
  declare readonly cancelAnswerLost: pulumi.Output<boolean | undefined>;
  declare readonly message: pulumi.Output<string | undefined>;

  constructor(name: string, args: IngestionJobCancellationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      ingestionProvider,
      name,
      dynamicProps(args, INGESTION_SECRET_KEYS, INGESTION_RESULT_KEYS),
      secretOptions(opts, INGESTION_SECRET_KEYS),
      RESOURCE_MODULE,
      INGESTION_RESOURCE_TYPE,
    );
  }
}

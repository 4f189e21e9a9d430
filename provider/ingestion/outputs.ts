/**
 * What an `IngestionJobCancellation` records in state: the checked inputs echoed back, plus what
 * happened to the job. Shared by the resource class (which declares the outputs) and the lifecycle
 * (which fills them); no credential is ever among them but the secret `accessToken` input.
 */
import { SHARED_RESULT_KEYS, SharedResults, outputsRecorder } from "../kit/outputs";
import type { IngestionJobCancellationInputs } from "./inputs";

/**
 * `canceled`: the job ended `cancelled` because of this cancel. `failedAfterCancel`: the service
 * accepted the cancel, then the job ended `failed` (see `jobErrors`; whether the cancel caused it
 * is not known). `alreadyCompleted`: it ended on its own before the cancel took effect (see
 * `jobResult`). `pending`: the cancel was sent (or may have been), the wait goes on at the next
 * `up`. `scheduled`: `when: "destroy"`, nothing sent yet.
 */
export type IngestionJobCancellationStatus =
  "canceled" | "failedAfterCancel" | "alreadyCompleted" | "pending" | "scheduled";

/** One item of the job's `errors[]` (docs/ingestion-api.md, "Errors, spelling drift, throttling"), sanitized. */
export interface JobError {
  code: string;
  message?: string;
  resourceId?: string;
}

/** One resource the job had applied (GET configure/{jobId}): kept by the service despite the cancel. */
export interface AppliedResource {
  id?: string;
  /** The resource type, from its `$schema` (`…/schema/<type>/<version>`). */
  type?: string;
}

/** One submission of the product, as listed after the cancel. */
export interface SubmissionState {
  id: string;
  targetType?: string;
  status?: string;
  result?: string;
}

export interface IngestionJobCancellationOutputs extends IngestionJobCancellationInputs, SharedResults {
  status: IngestionJobCancellationStatus;
  /** The job's status as the service spelled it: `notStarted`, `running`, `completed` (`notFound` once gone). */
  jobStatus?: string;
  /** The job's result as the service spelled it: `pending`, `succeeded`, `failed`, `cancelled`. */
  jobResult?: string;
  jobStart?: string;
  /** Absent while the service sends its "not ended" sentinel (`0001-01-01…`). */
  jobEnd?: string;
  jobErrors?: JobError[];
  /** What the job had applied before it stopped; absent when the service could not say. */
  appliedResources?: AppliedResource[];
  /** The `product` input resolved to `product/<guid>`. */
  productId?: string;
  /** The product's submissions after the cancel. */
  submissions?: SubmissionState[];
  /** True while no answer to the cancel was received (it may or may not have reached the service). */
  cancelAnswerLost?: boolean;
}

/** The results part of the outputs: everything that is not an echoed input. */
export const INGESTION_JOB_RESULT_KEYS = [
  "status",
  "jobStatus",
  "jobResult",
  "jobStart",
  "jobEnd",
  "jobErrors",
  "appliedResources",
  "productId",
  "submissions",
  "cancelAnswerLost",
  ...SHARED_RESULT_KEYS,
] as const satisfies readonly (keyof IngestionJobCancellationOutputs)[];

/** Outputs = the checked inputs + results (`../kit/outputs.ts`). */
export const recordIngestionJobOutputs = outputsRecorder<
  IngestionJobCancellationInputs,
  IngestionJobCancellationOutputs
>(INGESTION_JOB_RESULT_KEYS);

/**
 * What an `IngestionJobCancellation` records in state: the checked inputs echoed back, plus what
 * happened to the job. Shared by the resource class (which declares the outputs) and the lifecycle
 * (which fills them); no credential is ever among them but the secret `accessToken` input.
 */
import { recordOutputsWith } from "../kit/outputs";
import type { IngestionInputs } from "./inputs";

/**
 * `canceled`: the job ended `cancelled` because of this cancel. `alreadyCompleted`: it had ended
 * before (see `jobResult`). `pending`: the cancel was sent (or may have been), the wait goes on at
 * the next `up`. `scheduled`: `when: "destroy"`, nothing sent yet.
 */
export type JobCancellationStatus = "canceled" | "alreadyCompleted" | "pending" | "scheduled";

/** One item of the job's `errors[]` (ingestion-api.md §6), sanitized. */
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

export interface IngestionOutputs extends IngestionInputs {
  status: JobCancellationStatus;
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
  /** When the cancel was sent (ISO 8601). */
  requestedAt?: string;
  completedAt?: string;
  /** True while no answer to the cancel was received (it may or may not have reached the service). */
  cancelAnswerLost?: boolean;
  /** One line for humans: what happened, or why the wait goes on. */
  message?: string;
}

export const INGESTION_RESULT_KEYS = [
  "status",
  "jobStatus",
  "jobResult",
  "jobStart",
  "jobEnd",
  "jobErrors",
  "appliedResources",
  "productId",
  "submissions",
  "requestedAt",
  "completedAt",
  "cancelAnswerLost",
  "message",
] as const satisfies readonly (keyof IngestionOutputs)[];

/** Outputs = the checked inputs + results (`../outputs.ts` `recordOutputsWith`). */
export function recordJobOutputs(
  inputs: IngestionInputs,
  results: Partial<IngestionOutputs>,
): IngestionOutputs {
  return recordOutputsWith<IngestionInputs, IngestionOutputs>(INGESTION_RESULT_KEYS, inputs, results);
}

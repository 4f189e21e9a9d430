/**
 * The failures particular to cancelling a configure job, one class per case, with literal names
 * (the pattern of `../core/errors.ts`, whose base class they extend, and of `../cpp/errors.ts`).
 * The texts are composed in `texts.ts`; each says what happened to the job, names the property to
 * change, and the fix.
 */
import { MarketplaceError } from "../core/errors";

/**
 * Base of the three cases below: the job's cancellation did not end as declared. Callers that
 * only care that it did not may branch on this class; the subclasses say why.
 */
export class JobCancellationError extends MarketplaceError {
  override readonly name: string = "JobCancellationError";
  constructor(
    message: string,
    readonly jobId: string,
  ) {
    super(message);
  }
}

/** The job had completed before the cancel, and `ifAlreadyCompleted` is `"fail"`. */
export class JobAlreadyCompletedError extends JobCancellationError {
  override readonly name = "JobAlreadyCompletedError";
  constructor(
    message: string,
    jobId: string,
    readonly jobResult: string,
  ) {
    super(message, jobId);
  }
}

/**
 * The service refused the cancel while the job still runs (docs/ingestion-api.md, "POST
 * `configure/{jobId}/cancel`": a long job "far enough along"): nothing was cancelled and the job
 * carries on.
 */
export class CancelRefusedError extends JobCancellationError {
  override readonly name = "CancelRefusedError";
  constructor(
    message: string,
    jobId: string,
    /** `running/pending`: the job's status and result when the refusal was checked. */
    readonly jobState: string,
  ) {
    super(message, jobId);
  }
}

/** The service knows no job with this id (404), on this endpoint. */
export class JobNotFoundError extends JobCancellationError {
  override readonly name = "JobNotFoundError";
}

/**
 * The failures particular to cancelling a configure job, as typed errors with literal names (in the
 * manner of `../errors.ts`, whose base class and HTTP errors they sit beside). Each message says
 * what happened to the job, names the property to change, and the fix.
 */
import { CppError } from "../core/errors";

/** The job had completed before the cancel, and `ifAlreadyCompleted` is `"fail"`. */
export class JobAlreadyCompletedError extends CppError {
  override readonly name = "JobAlreadyCompletedError";
  constructor(
    message: string,
    readonly jobId: string,
    readonly jobResult: string,
  ) {
    super(message);
  }
}

/**
 * The service refused the cancel while the job still runs (ingestion-api.md §4: a long job "far
 * enough along"): nothing was cancelled and the job carries on.
 */
export class CancelRefusedError extends CppError {
  override readonly name = "CancelRefusedError";
  constructor(
    message: string,
    readonly jobId: string,
    /** `running/pending`: the job's status and result when the refusal was checked. */
    readonly jobState: string,
  ) {
    super(message);
  }
}

/** The service knows no job with this id (404), on this endpoint. */
export class JobNotFoundError extends CppError {
  override readonly name = "JobNotFoundError";
  constructor(
    message: string,
    readonly jobId: string,
  ) {
    super(message);
  }
}

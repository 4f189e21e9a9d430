/**
 * What the user reads when cancelling a configure job does not go as declared: the failure texts
 * of this resource, each saying what happened to the job and what to do next, composed from the
 * shared sentences of `../kit/texts.ts`. Texts only; the decisions are made in `cancellation.ts`.
 */
import type { HTTPError } from "../core/errors";
import { sanitize } from "../core/sanitize";
import { interruptedWait } from "../kit/texts";
import { CancelRefusedError, JobAlreadyCompletedError, JobNotFoundError } from "./errors";
import type { JobError } from "./outputs";
import type { JobSnapshot } from "./status";
import { describeJob } from "./status";

export function jobNotFound(jobId: string, endpoint: string, err: HTTPError): JobNotFoundError {
  return new JobNotFoundError(
    `The Product Ingestion API at ${endpoint} knows no configure job ${jobId} (${err.method} ${err.path} answered 404); nothing was cancelled. ` +
      "Check jobId (the id POST configure returned for the publish) and endpoint (the origin the job was submitted to).",
    jobId,
  );
}

export function alreadyCompleted(jobId: string, snapshot: JobSnapshot): JobAlreadyCompletedError {
  return new JobAlreadyCompletedError(
    `Configure job ${jobId} had already completed (${snapshot.result.raw || "no result"}) before the cancel; nothing was cancelled (ifAlreadyCompleted is "fail").${errorsText(snapshot.errors)} ` +
      'Set ifAlreadyCompleted: "succeed" to accept a job that ended on its own, or remove the resource.',
    jobId,
    snapshot.result.raw,
  );
}

export function cancelRefused(jobId: string, refusal: HTTPError, snapshot: JobSnapshot): CancelRefusedError {
  const said = refusal.serviceMessage ? `: ${refusal.serviceMessage}` : "";
  return new CancelRefusedError(
    `The service refused to cancel configure job ${jobId} (HTTP ${refusal.status}${refusal.code ? ` ${refusal.code}` : ""}${said}); nothing was cancelled. ` +
      `The job is ${describeJob(snapshot)} and carries on: a publish far enough along can no longer be cancelled. ` +
      "Wait for it to complete (then publish again to undo it), or change triggers to try the cancel again.",
    jobId,
    describeJob(snapshot),
  );
}

/**
 * `create`/`update`: the wait failed after a cancel was sent; the state is recorded as pending.
 * Returns the message kept in the outputs and the reason the engine shows.
 */
export function jobWaitInterrupted(
  err: unknown,
  jobId: string,
  answered: boolean,
  confirmWindowMs: number,
): { message: string; reason: string } {
  return interruptedWait(
    err,
    { waitingFor: `configure job ${jobId} to stop`, answered, resentOnlyIf: "the job has not completed" },
    confirmWindowMs,
  );
}

/** ` The job reported: code: message; …` or nothing. */
export function errorsText(errors: readonly JobError[]): string {
  if (!errors.length) return "";
  const items = errors.map(
    (e) => `${e.code}${e.message ? `: ${e.message}` : ""}${e.resourceId ? ` (${e.resourceId})` : ""}`,
  );
  return ` The job reported: ${sanitize(items.join(" | "))}`;
}

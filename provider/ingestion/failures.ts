/**
 * What the user reads when cancelling a configure job does not go as declared: every failure text
 * of the ingestion lifecycle, each saying what happened to the job and what to do next. Texts only;
 * the decisions are made in `cancellation.ts`.
 */
import { HTTPError, OperationTimeoutError } from "../core/errors";
import type { Phase } from "../kit/texts";
import { formatDuration } from "../core/poller";
import { sanitize } from "../core/sanitize";
import { CancelRefusedError, JobAlreadyCompletedError, JobNotFoundError } from "./errors";
import type { JobSnapshot } from "./status";
import { describeJob } from "./status";
import type { JobError } from "./outputs";

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

/** `create`/`update`: the wait failed after a cancel was sent; the state is recorded as pending. */
export function jobWaitInterrupted(
  err: unknown,
  jobId: string,
  answered: boolean,
  confirmWindowMs: number,
): { message: string; reason: string } {
  const timeout = err instanceof OperationTimeoutError;
  const detail = err instanceof Error ? err.message : String(err);
  const message = timeout ? detail : `Waiting for configure job ${jobId} to stop was interrupted: ${detail}`;
  const next = answered
    ? "The cancel was answered by the service and is recorded as pending; run `pulumi up` again to resume waiting (no second cancel is sent)"
    : `The cancel may have reached the service (its answer was lost) and is recorded as pending; run \`pulumi up\` again to resume waiting (the cancel is sent again only if the job has not completed ${formatDuration(confirmWindowMs)} after the first)`;
  return { message, reason: `${message} ${next}${timeout ? ", or raise timeoutSeconds" : ""}.` };
}

/** ` The job reported: code: message; …` or nothing. */
export function errorsText(errors: readonly JobError[]): string {
  if (!errors.length) return "";
  const items = errors.map(
    (e) => `${e.code}${e.message ? `: ${e.message}` : ""}${e.resourceId ? ` (${e.resourceId})` : ""}`,
  );
  return ` The job reported: ${sanitize(items.join(" | "))}`;
}

export type { Phase };

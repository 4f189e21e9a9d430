/**
 * What the user reads when a cancellation does not go as declared: every failure text of the
 * lifecycle, each saying what happened and what to do next. Texts only; the decisions are made
 * in `cancellation.ts`.
 */
import {
  CancellationError,
  HTTPError,
  OperationTimeoutError,
  UnsafeLocationError,
  withAdvice,
} from "../core/errors";
import type { CanceledOperation } from "./outputs";
import { formatDuration } from "../core/poller";
import { isTransientFailure } from "../core/retry";
import { sanitize } from "../core/sanitize";

/** Which lifecycle call is running: decides what a failure message tells the user to do next. */
export type Phase = "create" | "update" | "delete";

interface Target {
  publisherId: string;
  offerId: string;
}

/**
 * A failure before the service accepted any cancel. A transient one (throttling beyond the
 * retries, 5xx, network, garbled answers) gets the advice to run again; other failures (403, 404,
 * credentials) already say what to fix.
 */
export function notSent(err: unknown, phase: Phase): unknown {
  if (!isTransientFailure(err)) return err;
  return withAdvice(
    err as Error,
    `The service did not take the cancel, so nothing was cancelled; run \`pulumi ${phase === "delete" ? "destroy" : "up"}\` again to retry.`,
  );
}

export function guardFailed(
  target: Target & { expectedOperationId: string },
  running: CanceledOperation | undefined,
): CancellationError {
  const seen = running
    ? `the running operation is ${running.id} (${running.submissionType ?? "operation"}${running.slot ? `, slot ${running.slot}` : ""})`
    : "nothing is running";
  return new CancellationError(
    `expectedOperationId guard: ${seen} on ${target.publisherId}/${target.offerId}, not ${target.expectedOperationId}; nothing was cancelled. ` +
      "Update expectedOperationId to the operation you mean to stop, or remove it to cancel whatever runs.",
  );
}

export function nothingToCancel(target: Target): CancellationError {
  return new CancellationError(
    `Nothing is running on offer ${target.publisherId}/${target.offerId}, so there is nothing to cancel (ifNothingToCancel is "fail"). ` +
      'Set ifNothingToCancel: "succeed" to accept this.',
  );
}

const NEXT_STEP_AFTER_FAILURE: Record<Phase, string> = {
  create: "run `pulumi up` to try again (a new cancel is sent).",
  // The resource is recorded as pending: another `up` would only read the same failure again.
  update: "change `triggers` to send a new cancel (a replacement), or remove the resource from the program.",
  delete: "run `pulumi destroy` again to send a new cancel.",
};

/** The service says the cancellation itself failed. */
export function cancellationFailed(
  target: Target,
  outcome: { rawStatus: string; errors: string[]; elapsedMs: number },
  phase: Phase,
): CancellationError {
  // Each message was sanitized when parsed; the joined list is capped once more, as a whole.
  const why = outcome.errors.length ? ` The service said: ${sanitize(outcome.errors.join(" | "))}` : "";
  return new CancellationError(
    `The cancellation of ${target.publisherId}/${target.offerId} failed (${outcome.rawStatus}) after ${formatDuration(outcome.elapsedMs)}.${why} ` +
      `The operation may still be running; check the offer in Partner Center, then ${NEXT_STEP_AFTER_FAILURE[phase]}`,
  );
}

/** `destroy` cannot record a pending state: the error itself says how to resume. */
export function waitFailedOnDelete(err: unknown): unknown {
  if (!(err instanceof OperationTimeoutError)) return err;
  return new OperationTimeoutError(
    `${err.message} Run \`pulumi destroy\` again to resume waiting (no second cancel is sent), or raise timeoutSeconds.`,
    err.lastStatus,
  );
}

/**
 * `create`/`update`: the wait failed after a cancel was sent; the state is recorded as pending.
 * Returns the message kept in the outputs and the reason the engine shows.
 */
export function waitInterrupted(
  err: unknown,
  target: Target & { httpStatus?: number },
  confirmWindowMs: number,
): { message: string; reason: string } {
  const timeout = err instanceof OperationTimeoutError;
  const detail = err instanceof Error ? err.message : String(err);
  const message = timeout
    ? detail
    : `Waiting for the cancellation of ${target.publisherId}/${target.offerId} was interrupted: ${detail}`;
  const next =
    target.httpStatus === undefined
      ? `The cancel may have reached the service (its answer was lost) and is recorded as pending; run \`pulumi up\` again to resume waiting (the cancel is sent again only if the operation is still running ${formatDuration(confirmWindowMs)} after the first)`
      : "The cancel was accepted by the service and is recorded as pending; run `pulumi up` again to resume waiting (no second cancel is sent)";
  return { message, reason: `${message} ${next}${timeout ? ", or raise timeoutSeconds" : ""}.` };
}

/**
 * A 202 whose Location the client refused (another origin, not a URL, a credential in it): one
 * line, saying both that the cancel was accepted and why the list is watched instead.
 */
export function unusableLocationOnAccept(err: UnsafeLocationError): string {
  return `warning: the service answered 202 (the cancel was accepted). ${err.message} Watching the submissions list instead.`;
}

/** The Location of a sent cancel stopped being usable mid-wait: what happened, and what is watched now. */
export function locationAbandoned(location: string, answer: HTTPError, endpoint: string): string {
  const what =
    answer.status === 404
      ? `the operation ${location} no longer exists`
      : `the operation ${location} answered HTTP ${answer.status}, a redirect; redirects are not followed, so the token stays on ${endpoint}`;
  return `warning: ${what}; watching the submissions list instead.`;
}

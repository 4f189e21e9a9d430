/**
 * What the user reads when cancelling what runs on an offer does not go as declared: the failure
 * texts of this resource, each saying what happened to the offer and what to do next, composed
 * from the shared sentences of `../kit/texts.ts`. Texts only; the decisions are made in
 * `cancellation.ts`.
 */
import { HTTPError, UnsafeLocationError } from "../core/errors";
import { formatDuration } from "../core/poller";
import { sanitize } from "../core/sanitize";
import { Phase, interruptedWait, nextStepAfterFailure } from "../kit/texts";
import { CancellationFailedError, GuardMismatchError, NothingToCancelError } from "./errors";
import type { CanceledOperation } from "./outputs";

interface Target {
  publisherId: string;
  offerId: string;
}

export function guardFailed(
  target: Target & { expectedOperationId: string },
  running: CanceledOperation | undefined,
): GuardMismatchError {
  const seen = running
    ? `the running operation is ${running.id} (${running.submissionType ?? "operation"}${running.slot ? `, slot ${running.slot}` : ""})`
    : "nothing is running";
  return new GuardMismatchError(
    `expectedOperationId guard: ${seen} on ${target.publisherId}/${target.offerId}, not ${target.expectedOperationId}; nothing was cancelled. ` +
      "Update expectedOperationId to the operation you mean to stop, or remove it to cancel whatever runs.",
    target,
    target.expectedOperationId,
    running?.id,
  );
}

export function nothingToCancel(target: Target): NothingToCancelError {
  return new NothingToCancelError(
    `Nothing is running on offer ${target.publisherId}/${target.offerId}, so there is nothing to cancel (ifNothingToCancel is "fail"). ` +
      'Set ifNothingToCancel: "succeed" to accept this.',
    target,
  );
}

/** The service says the cancellation itself failed. */
export function cancellationFailed(
  target: Target,
  outcome: { rawStatus: string; errors: string[]; elapsedMs: number },
  phase: Phase,
): CancellationFailedError {
  // Each message was sanitized when parsed; the joined list is capped once more, as a whole.
  const why = outcome.errors.length ? ` The service said: ${sanitize(outcome.errors.join(" | "))}` : "";
  return new CancellationFailedError(
    `The cancellation of ${target.publisherId}/${target.offerId} failed (${outcome.rawStatus}) after ${formatDuration(outcome.elapsedMs)}.${why} ` +
      `The operation may still be running; check the offer in Partner Center, then ${nextStepAfterFailure(phase)}`,
    target,
    outcome,
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
  return interruptedWait(
    err,
    {
      waitingFor: `the cancellation of ${target.publisherId}/${target.offerId}`,
      answered: target.httpStatus !== undefined,
      resentOnlyIf: "the operation is still running",
    },
    confirmWindowMs,
  );
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

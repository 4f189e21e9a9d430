/**
 * The sentences both resources print, each written once: what a failure means for the
 * cancellation and what to do next. Each API composes them with its own nouns ("the cancellation
 * of publisher/offer", "configure job <id>") in its `texts.ts`; the decisions are made in its
 * `cancellation.ts`.
 */
import { AbortError, OperationTimeoutError, withAdvice } from "../core/errors";
import { formatDuration } from "../core/poller";
import { isTransientFailure } from "../core/retry";

/** Which lifecycle call is running: decides what a failure message tells the user to do next. */
export type Phase = "create" | "update" | "delete";

/** `delete` of a `when: "apply"` resource: what the user is told, and why nothing is sent. */
export const REMOVED_FROM_STATE_ONLY =
  "removed from state only; a cancellation cannot be undone, so nothing is sent to the service.";

/** `delete` of a `when: "destroy"` resource: the cancel is sent now. */
export const CANCELLING_AT_DELETE = 'when is "destroy": cancelling now.';

/** A wait that can be resumed: the next run picks it up where it stopped. */
const RESUME_WAITING = "to resume waiting (no second cancel is sent)";

/** Added to the advice after a wait that timed out. */
const OR_RAISE_TIMEOUT = ", or raise timeoutSeconds";

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

const NEXT_STEP_AFTER_FAILURE: Record<Phase, string> = {
  create: "run `pulumi up` to try again (a new cancel is sent).",
  // The resource is recorded as pending: another `up` would only read the same failure again.
  update: "change `triggers` to send a new cancel (a replacement), or remove the resource from the program.",
  delete: "run `pulumi destroy` again to send a new cancel.",
};

/** After the service said a cancellation failed: how to send a new one from this phase. */
export function nextStepAfterFailure(phase: Phase): string {
  return NEXT_STEP_AFTER_FAILURE[phase];
}

/** `destroy` cannot record a pending state: the error itself says how to resume. */
export function waitFailedOnDelete(err: unknown): unknown {
  if (!(err instanceof OperationTimeoutError)) return err;
  return new OperationTimeoutError(
    `${err.message} Run \`pulumi destroy\` again ${RESUME_WAITING}${OR_RAISE_TIMEOUT}.`,
    err.lastStatus,
  );
}

/** What one API says about a wait that stopped after its cancel was sent. */
export interface InterruptedWait {
  /** What was awaited: "the cancellation of p/o", "configure job <id> to stop". */
  waitingFor: string;
  /** The service answered the cancel; false when the answer was lost (it may have acted). */
  answered: boolean;
  /** When a cancel whose answer was lost is sent again: "the operation is still running". */
  resentOnlyIf: string;
}

/**
 * `create`/`update`: the wait failed after a cancel was sent; the state is recorded as pending.
 * Returns the message kept in the outputs and the reason the engine shows.
 */
export function interruptedWait(
  err: unknown,
  wait: InterruptedWait,
  confirmWindowMs: number,
): { message: string; reason: string } {
  const timeout = err instanceof OperationTimeoutError;
  const detail = err instanceof Error ? err.message : String(err);
  // A wait is aborted only by the engine's Cancel (core/shutdown.ts): a Ctrl-C, not a failure.
  const message = timeout
    ? detail
    : err instanceof AbortError
      ? `Waiting for ${wait.waitingFor} was cancelled (Ctrl-C or SIGTERM to the engine).`
      : `Waiting for ${wait.waitingFor} was interrupted: ${detail}`;
  const next = wait.answered
    ? `The cancel was accepted by the service and is recorded as pending; run \`pulumi up\` again ${RESUME_WAITING}`
    : `The cancel may have reached the service (its answer was lost) and is recorded as pending; run \`pulumi up\` again to resume waiting (the cancel is sent again only if ${wait.resentOnlyIf} ${formatDuration(confirmWindowMs)} after the first)`;
  return { message, reason: `${message} ${next}${timeout ? OR_RAISE_TIMEOUT : ""}.` };
}

/** A cancel the journal holds but the state never got: its wait resumes, nothing is sent. */
export function resumingUnrecordedCancel(requestedAt: string): string {
  return `a cancel sent at ${requestedAt} was interrupted before it was recorded; resuming its wait (no new cancel is sent).`;
}

/**
 * No usable answer to the cancel (timeout, cut connection, garbled body): it may have reached the
 * service, so it is not sent again at once; `followUp` says what each resource does instead.
 */
export function cancelAnswerLost(err: unknown, followUp: string): string {
  const detail = err instanceof Error ? err.message : String(err);
  return `no usable answer to the cancel (${detail}) It may have reached the service, so ${followUp}`;
}

/** The confirm window after a lost answer has passed with `target` still going: the cancel again. */
export function resendingAfterLostAnswer(stillGoing: string, confirmWindowMs: number): string {
  return `${stillGoing} ${formatDuration(confirmWindowMs)} after the cancel whose answer was lost, so that cancel did not take effect; sending it again.`;
}

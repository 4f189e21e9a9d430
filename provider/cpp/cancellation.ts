/**
 * The cancellation itself, as one sequence: look at what runs, apply the guard, send the cancel
 * once, wait, finish. The lifecycle handlers (`lifecycle.ts`) only choose where to enter it:
 * `create` (and `delete` for `when: "destroy"`) from the start, `update` to resume a recorded
 * wait, `read` to look again. A cancel the service may have taken is never forgotten: the journal
 * holds it until the engine has the state, and a wait that fails leaves the state `pending`.
 */
import { OperationTimeoutError, ResourceInitFailedError, UnsafeLocationError } from "../core/errors";
import * as texts from "../kit/texts";
import {
  cancellationFailed,
  guardFailed,
  locationAbandoned,
  nothingToCancel,
  unusableLocationOnAccept,
  waitInterrupted,
} from "./texts";
import type { OfferOperationCancellationInputs as CancellationInputs } from "./inputs";
import { JournalEntry, journalEntry } from "../core/journal";
import { CancellationState, sentCancellationOperation } from "./operation";
import { endOutputs, refreshedOutputs } from "./outcome";
import {
  CanceledOperation,
  OfferOperationCancellationOutputs as CancellationOutputs,
  recordOfferOperationOutputs as recordOutputs,
} from "./outputs";
import { PollableOperation, formatDuration, pollUntilDone } from "../core/poller";
import { progressLine } from "../kit/progress";
import { mayHaveReachedService } from "../core/retry";
import {
  InflightCancellation,
  SentCancellation,
  fromOutputs,
  journalKey,
  operationIdOf,
  pendingOutputs,
  restoreSent,
} from "./sentCancellation";
import { firstRunning } from "./status";
import type { Context } from "./context";

/** The operation running on the offer now (the newest), if any. */
export async function newestRunning(
  ctx: Context,
  target: { publisherId: string; offerId: string },
): Promise<CanceledOperation | undefined> {
  const list = await ctx.client.listSubmissions(target.publisherId, target.offerId, {
    status: "running",
    signal: ctx.signal,
  });
  const running = firstRunning(list);
  return running
    ? { id: running.id, submissionType: running.submissionType, slot: running.slot, state: running.state }
    : undefined;
}

/**
 * Cancels whatever runs on the offer and waits for it (create, and delete with `when: "destroy"`).
 * Also resumes a wait found in the journal: an earlier process was killed after the service
 * accepted the cancel, before the engine recorded anything.
 */
export async function cancelNow(
  id: string,
  inputs: CancellationInputs,
  ctx: Context,
  phase: "create" | "delete",
): Promise<CancellationOutputs> {
  const journal = journalOf(inputs, ctx);
  const running = await newestRunning(ctx, inputs).catch((err: unknown) => {
    throw texts.notSent(err, phase);
  });
  const inflight = journal.read();
  const inflightId = inflight?.canceledOperation?.id ?? inflight?.canceledOperationId;
  if (inflight && inflight.endpoint === ctx.endpoint && (!running || running.id === inflightId)) {
    ctx.print(`${ctx.subject}: ${texts.resumingUnrecordedCancel(inflight.requestedAt)}`);
    return waitAndFinish(id, inputs, restoreSent(inflight, running), ctx, { phase, resuming: true, journal });
  }
  if (inflight) journal.clear();

  if (inputs.expectedOperationId && running?.id !== inputs.expectedOperationId) {
    throw guardFailed({ ...inputs, expectedOperationId: inputs.expectedOperationId }, running);
  }
  if (!running) {
    if (inputs.ifNothingToCancel === "fail") throw nothingToCancel(inputs);
    const message = `Nothing was running on ${inputs.publisherId}/${inputs.offerId}; no cancel was sent.`;
    ctx.print(`${ctx.subject}: ${message}`);
    return recordOutputs(inputs, {
      status: "nothingToCancel",
      completedAt: new Date().toISOString(),
      message,
      operationStatus: undefined,
    });
  }

  ctx.print(`${ctx.subject}: cancelling ${running.submissionType ?? "operation"} ${running.id}.`);
  const sent = await sendCancel(ctx, inputs, running, phase, journal);
  return waitAndFinish(id, inputs, sent, ctx, { phase, resuming: false, journal });
}

/** Resumes the wait of a cancellation recorded as pending (update after a timeout or a failed wait). */
export function resumeWait(
  id: string,
  olds: CancellationOutputs,
  news: CancellationInputs,
  ctx: Context,
): Promise<CancellationOutputs> {
  ctx.print(
    `${ctx.subject}: resuming the wait for the cancellation requested at ${olds.requestedAt} (no new cancel is sent).`,
  );
  return waitAndFinish(id, news, fromOutputs(olds), ctx, {
    phase: "update",
    resuming: true,
    journal: journalOf(news, ctx),
    operationStatus: olds.operationStatus,
  });
}

/**
 * Sends the cancel, once, and returns what was sent. The journal entry is written before sending:
 * if the answer is lost (timeout, cut connection, unreadable body, a gateway 5xx), the service may
 * have acted, so no second cancel is sent right away. The state then has no `httpStatus`, and the
 * wait watches the submissions list; only if the operation still runs a confirm window after this
 * cancel is it sent again (see `sentCancellationOperation`).
 */
async function sendCancel(
  ctx: Context,
  inputs: CancellationInputs,
  canceledOperation: CanceledOperation,
  phase: texts.Phase,
  journal: JournalEntry<InflightCancellation>,
): Promise<SentCancellation> {
  const sent: SentCancellation = {
    publisherId: inputs.publisherId,
    offerId: inputs.offerId,
    canceledOperation,
    requestedAt: new Date().toISOString(),
  };
  const entryOf = (s: SentCancellation): InflightCancellation => ({
    ...s,
    endpoint: ctx.endpoint,
    // Read by 0.1.0, should a user go back to it with a wait in flight.
    canceledOperationId: canceledOperation.id,
  });
  journal.write(entryOf(sent));
  try {
    const res = await ctx.client.cancel(inputs.publisherId, inputs.offerId, {
      notificationEmails: inputs.notificationEmails,
      signal: ctx.signal,
    });
    const answered: SentCancellation = {
      ...sent,
      httpStatus: res.httpStatus,
      operationLocation: res.location?.href,
    };
    journal.write(entryOf(answered));
    ctx.print(
      `${ctx.subject}: the service answered ${res.httpStatus}${res.location ? `; watching ${res.location.pathname}` : res.httpStatus === 202 ? " without a location; watching the submissions list" : "; confirming through the submissions list"}.`,
    );
    return answered;
  } catch (err) {
    if (err instanceof UnsafeLocationError && err.acceptedStatus === 202) {
      // Accepted all the same: the token is not sent to that location; watch the list instead.
      const accepted: SentCancellation = { ...sent, httpStatus: 202 };
      journal.write(entryOf(accepted));
      ctx.print(`${ctx.subject}: ${unusableLocationOnAccept(err)}`);
      return accepted;
    }
    if (mayHaveReachedService(err)) {
      ctx.print(
        `${ctx.subject}: ${texts.cancelAnswerLost(err, `it is not sent again unless ${canceledOperation.id} is still running ${formatDuration(ctx.settings.confirmWindowMs)} after it was sent; watching the submissions list.`)}`,
      );
      return sent;
    }
    journal.clear();
    throw texts.notSent(err, phase);
  }
}

/**
 * Polls until the cancellation is final. A timeout or any other failure of the wait turns into
 * {@link ResourceInitFailedError} (create/update) so the engine records the pending state and the
 * next `up` resumes here: a cancel the service accepted is never forgotten.
 */
async function waitAndFinish(
  id: string,
  inputs: CancellationInputs,
  first: SentCancellation,
  ctx: Context,
  opts: {
    phase: texts.Phase;
    resuming: boolean;
    journal: JournalEntry<InflightCancellation>;
    operationStatus?: string;
  },
): Promise<CancellationOutputs> {
  let sent = first;
  let resendRefused: unknown;
  const watch = watchOf(
    ctx,
    () => sent,
    async () => {
      ctx.print(
        `${ctx.subject}: ${texts.resendingAfterLostAnswer(`${sent.canceledOperation?.id} is still running`, ctx.settings.confirmWindowMs)}`,
      );
      try {
        sent = await sendCancel(
          ctx,
          inputs,
          sent.canceledOperation as CanceledOperation,
          opts.phase,
          opts.journal,
        );
      } catch (err) {
        resendRefused = err;
        throw err;
      }
    },
  );

  let outcome;
  try {
    outcome = await pollUntilDone(watch.operation, {
      timeoutMs: inputs.timeoutSeconds * 1000,
      minIntervalMs: inputs.pollIntervalSeconds.min * 1000,
      maxIntervalMs: inputs.pollIntervalSeconds.max * 1000,
      initialDelayMs: sent.httpStatus === 200 || opts.resuming ? 0 : undefined,
      what: `the cancellation of ${inputs.publisherId}/${inputs.offerId}`,
      signal: ctx.signal,
      onProgress: (p) => ctx.print(progressLine(ctx.subject, p), "progress"),
    });
  } catch (err) {
    // A resend the service refused ends the call as the first send would have: nothing to wait on.
    if (err === resendRefused) throw err;
    // State now holds the pending wait (create/update), or the error says how to resume (delete).
    if (opts.phase === "delete") throw texts.waitFailedOnDelete(err);
    opts.journal.clear();
    const { message, reason } = waitInterrupted(err, sent, ctx.settings.confirmWindowMs);
    const seen = watch.vanished() ? "notFound" : opts.operationStatus;
    const lastStatus = err instanceof OperationTimeoutError ? err.lastStatus : seen;
    throw new ResourceInitFailedError(
      id,
      recordOutputs(inputs, { ...pendingOutputs(sent), operationStatus: lastStatus, message }),
      [reason],
      (inputs as CancellationInputs & { __provider?: unknown }).__provider,
    );
  }
  opts.journal.clear();
  const state = outcome.state;
  if (state.status === "failed") {
    throw cancellationFailed(inputs, { ...state, elapsedMs: outcome.elapsedMs }, opts.phase);
  }
  const outs = endOutputs(inputs, sent, state, outcome);
  ctx.print(`${ctx.subject}: ${outs.message}`);
  return outs;
}

/**
 * `refresh`: one look at the sent cancellation, the way the wait looks ({@link watchOf}), so a
 * Location that vanished or redirects falls back to the submissions list here too. Never sends.
 * A cancellation with nothing to watch (nothing was sent, or the list confirmed it) is kept.
 */
export async function lookAgain(props: CancellationOutputs, ctx: Context): Promise<CancellationOutputs> {
  if (!props.operationLocation && props.status !== "pending") return props;
  const watch = watchOf(ctx, () => fromOutputs(props));
  const { state } = await watch.operation.poll(ctx.signal);
  return refreshedOutputs(props, state, watch.vanished());
}

/**
 * How a sent cancellation is watched, by the wait and by refresh alike: its Location while that
 * answers, else the offer's submissions list (`sentCancellationOperation`). A Location that stops
 * being usable is told once; `vanished` says whether its operation is gone (404). Only the wait
 * passes `resend`: a refresh never sends a cancel.
 */
function watchOf(
  ctx: Context,
  current: () => SentCancellation,
  resend?: () => Promise<void>,
): { operation: PollableOperation<CancellationState>; vanished(): boolean } {
  let vanished = false;
  const operation = sentCancellationOperation(ctx.client, {
    current,
    confirmWindowMs: ctx.settings.confirmWindowMs,
    onLocationAbandoned: (location, answer) => {
      ctx.print(`${ctx.subject}: ${locationAbandoned(location, answer, ctx.endpoint)}`);
      vanished = answer.status === 404;
    },
    resend,
  });
  return { operation, vanished: () => vanished };
}

/** The journal entry of this declared cancellation on this origin (`sentCancellation.ts`). */
function journalOf(inputs: CancellationInputs, ctx: Context): JournalEntry<InflightCancellation> {
  return journalEntry(ctx.settings.journalDir, journalKey({ ...inputs, endpoint: ctx.endpoint }));
}

export { ResourceInitFailedError, operationIdOf, recordOutputs };

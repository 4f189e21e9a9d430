/**
 * How to poll the CPP API for the outcome of a cancellation, as {@link PollableOperation}s for
 * `pollUntilDone` (the *operation* of `@azure/core-lro`; the poller decides when). One follows the
 * `Location` the service returned; one, for a 202 without any location (docs/cpp-api.md §1), watches
 * the offer's submissions list until the operation that was running has stopped; and the one a
 * sent cancellation is watched through composes the two with the service's quirks. Every string
 * in a state was sanitized by the client that parsed it (`sanitize.ts`).
 */
import { CppClient } from "./client";
import { HTTPError } from "../core/errors";
import { resolveOperationLocation } from "./location";
import { PollableOperation, PollResult } from "../core/poller";
import type { SentCancellation } from "./sentCancellation";
import { OperationStatus, TERMINAL_STATUSES, normalizeStatus } from "./status";

/** The small typed state of a cancellation while we wait for it. */
export interface CancellationState {
  status: OperationStatus;
  /** Exactly what the service said, for messages and outputs. */
  rawStatus: string;
  knownStatus: boolean;
  step?: string;
  percent?: number;
  /** Error-level step messages (why a cancellation failed). */
  errors: string[];
  /** How the outcome was established, when not by the watched status itself (for the message). */
  note?: string;
}

/** Follows the operation URL from `Location`/`Operation-Location`. */
export function locationOperation(client: CppClient, location: URL): PollableOperation<CancellationState> {
  return {
    async poll(signal): Promise<PollResult<CancellationState>> {
      const { snapshot, retryAfterMs } = await client.getOperation(location, signal);
      const state: CancellationState = {
        status: snapshot.status.status,
        rawStatus: snapshot.status.raw,
        knownStatus: snapshot.status.known,
        step: snapshot.currentStep,
        percent: snapshot.percent,
        errors: snapshot.errors,
      };
      return { state, done: TERMINAL_STATUSES.has(state.status), retryAfterMs };
    },
    describe,
  };
}

/**
 * Watches `GET .../submissions/` until `submissionId` (or, if unknown, every running submission)
 * is no longer running. Maps the submission's final state onto the cancellation: `canceled` means
 * the cancellation succeeded; any other end means it did not take effect.
 */
export function submissionWatchOperation(
  client: CppClient,
  publisherId: string,
  offerId: string,
  submissionId: string | undefined,
): PollableOperation<CancellationState> {
  return {
    async poll(signal): Promise<PollResult<CancellationState>> {
      const all = await client.listSubmissions(publisherId, offerId, { signal });
      const target = submissionId
        ? all.find((s) => s.id === submissionId)
        : all.find((s) => !TERMINAL_STATUSES.has(normalizeStatus(s.state).status));
      if (!target) {
        const state: CancellationState = {
          status: "succeeded",
          rawStatus: "notRunning",
          knownStatus: true,
          errors: [],
        };
        return { state, done: true };
      }
      const s = normalizeStatus(target.state);
      if (!TERMINAL_STATUSES.has(s.status)) {
        return {
          state: {
            status: "running",
            rawStatus: s.raw,
            knownStatus: s.known,
            step: "waiting for the operation to stop",
            errors: [],
          },
          done: false,
        };
      }
      const state: CancellationState =
        s.status === "canceled"
          ? { status: "succeeded", rawStatus: s.raw, knownStatus: true, errors: [] }
          : {
              status: "failed",
              rawStatus: s.raw,
              knownStatus: true,
              errors: [`the operation ended '${s.raw}' instead of being canceled`],
            };
      return { state, done: true };
    },
    describe,
  };
}

function describe(state: CancellationState): string {
  const parts = [
    state.knownStatus
      ? `status '${state.rawStatus}'`
      : `status '${state.rawStatus}' (not a value this provider knows; treated as still running)`,
  ];
  if (state.step) parts.push(`step '${state.step}'`);
  if (state.percent !== undefined) parts.push(`${state.percent}%`);
  return parts.join(", ");
}

export interface SentCancellationWatch {
  /** The sent cancellation being watched; {@link resend} may replace it. */
  current(): SentCancellation;
  /**
   * The Location cannot be used any more: its operation is gone (404), or it answers with a
   * redirect, which is never followed (the token would go where the redirect points). From now on
   * the submissions list is watched.
   */
  onLocationAbandoned(location: string, answer: HTTPError): void;
  /** How long a cancel whose answer was lost gets to take effect (docs/cpp-api.md §1: 1–3 min). */
  confirmWindowMs: number;
  /**
   * Sends the cancel again, because its first answer was lost and the operation still runs past
   * the confirm window; resolves once the new state is current. Absent (refresh, which only
   * looks): never sent again.
   */
  resend?(): Promise<void>;
}

/**
 * Unknown status values in a row before the submissions list is asked whether the cancelled
 * operation still runs, and again after every further run of this many. One unknown answer may be
 * a value the service shows briefly (a new intermediate state, a deploy in progress); three in a
 * row, at the poller's growing intervals, are its steady answer. Asking every third unknown poll
 * costs at most one list request per three polls, and ends a wait that would otherwise run to
 * `timeoutSeconds` after the operation ended. (The poller gives up on garbled bodies after the
 * same three.)
 */
export const UNKNOWN_STATUSES_BEFORE_CROSS_CHECK = 3;

/** A Location answer that means "watch the list instead": the operation is gone, or redirected. */
function abandonsLocation(err: unknown): err is HTTPError {
  return err instanceof HTTPError && (err.status === 404 || (err.status >= 300 && err.status < 400));
}

/**
 * Watches a sent cancellation until it is final, whatever the service did with its answer: the
 * Location when there is one, else the offer's submissions list. The service's quirks are
 * absorbed here, so the poller sees one operation: a Location whose operation vanishes (404) or
 * that answers with a redirect falls back to the list; a status value nobody knows is
 * cross-checked against the list after {@link UNKNOWN_STATUSES_BEFORE_CROSS_CHECK} answers in a
 * row; and a cancel whose answer was lost is sent again once, only if the operation still runs
 * after the confirm window. The Location is resolved against the client's endpoint on every
 * poll: a resume may run with another endpoint than the one the cancel was sent to.
 */
export function sentCancellationOperation(
  client: CppClient,
  watch: SentCancellationWatch,
): PollableOperation<CancellationState> {
  let locationAbandoned = false;
  let unknownInARow = 0;
  const watchList = (sent: SentCancellation, signal?: AbortSignal) =>
    submissionWatchOperation(client, sent.publisherId, sent.offerId, sent.canceledOperation?.id).poll(signal);

  /** After unknown statuses: the list's verdict if the operation no longer runs, else the Location's answer. */
  async function crossChecked(
    sent: SentCancellation,
    watched: PollResult<CancellationState>,
    signal?: AbortSignal,
  ): Promise<PollResult<CancellationState>> {
    const listed = await watchList(sent, signal);
    if (!listed.done) return watched;
    const unknown = watched.state.rawStatus;
    const listedAs =
      listed.state.rawStatus === "notRunning"
        ? "is no longer listed as running"
        : `ended '${listed.state.rawStatus}'`;
    const note = `The operation reported status '${unknown}' (not a value this provider knows) ${unknownInARow} times in a row; the submissions list shows that ${sent.canceledOperation?.id ?? "the operation"} ${listedAs}.`;
    const state: CancellationState = { ...listed.state, rawStatus: unknown, knownStatus: false, note };
    if (state.status === "failed") state.errors = [note, ...state.errors];
    return { ...listed, state };
  }

  return {
    async poll(signal): Promise<PollResult<CancellationState>> {
      const sent = watch.current();
      if (sent.operationLocation && !locationAbandoned) {
        const location = resolveOperationLocation(sent.operationLocation, client.endpoint, client.apiVersion);
        try {
          const watched = await locationOperation(client, location).poll(signal);
          unknownInARow = watched.state.knownStatus ? 0 : unknownInARow + 1;
          if (unknownInARow === 0 || unknownInARow % UNKNOWN_STATUSES_BEFORE_CROSS_CHECK !== 0)
            return watched;
          return await crossChecked(sent, watched, signal);
        } catch (err) {
          if (!abandonsLocation(err)) throw err;
          locationAbandoned = true;
          watch.onLocationAbandoned(sent.operationLocation, err);
        }
      }
      const listed = await watchList(sent, signal);
      const answerLost = sent.httpStatus === undefined;
      const windowPassed = Date.now() >= Date.parse(sent.requestedAt) + watch.confirmWindowMs;
      if (watch.resend && !listed.done && answerLost && windowPassed) {
        await watch.resend();
        locationAbandoned = false;
      }
      return listed;
    },
    describe,
  };
}

/**
 * What the end of a cancellation means, as outputs: the status and message once the wait is over,
 * and what refresh records of a recorded cancellation. Mapping only: the watching happens in
 * `cancellation.ts` (the same way for both), the failure texts are `texts.ts`'s.
 */
import { formatDuration } from "../core/poller";
import type { OfferOperationCancellationInputs } from "./inputs";
import type { CancellationState } from "./operation";
import { OfferOperationCancellationOutputs, recordOfferOperationOutputs } from "./outputs";
import { SentCancellation, pendingOutputs } from "./sentCancellation";

type Outputs = OfferOperationCancellationOutputs;

/** A state the cancellation succeeded in: the watched operation's own word, or the list's. */
function succeeded(state: CancellationState): "succeeded" | "canceled" | undefined {
  return state.status === "succeeded" || state.status === "canceled" ? state.status : undefined;
}

/** The outputs of a cancellation the wait saw succeed (a failed one is an error of the `up`). */
export function endOutputs(
  inputs: OfferOperationCancellationInputs,
  sent: SentCancellation,
  state: CancellationState,
  waited: { elapsedMs: number; pollCount: number },
): Outputs {
  const status = succeeded(state) ?? "succeeded";
  const requests = `${waited.pollCount} status request${waited.pollCount === 1 ? "" : "s"}`;
  const note = state.note ? ` ${state.note}` : "";
  return recordOfferOperationOutputs(inputs, {
    ...pendingOutputs(sent),
    status,
    operationStatus: state.rawStatus,
    completedAt: new Date().toISOString(),
    message: `Cancellation ${status} after ${formatDuration(waited.elapsedMs)} (${requests}).${note}`,
  });
}

/**
 * `refresh`: one look, as the wait looks. A `pending` cancellation that has succeeded is recorded
 * as such; an operation whose Location vanished (404) is reported as `notFound`, not dropped;
 * otherwise the status seen is recorded.
 */
export function refreshedOutputs(props: Outputs, state: CancellationState, vanished: boolean): Outputs {
  const status = succeeded(state);
  if (props.status === "pending" && status) {
    return {
      ...props,
      status,
      operationStatus: state.rawStatus,
      completedAt: new Date().toISOString(),
      message: `The cancellation finished (${state.rawStatus}); seen by refresh.`,
    };
  }
  if (vanished) {
    return {
      ...props,
      operationStatus: "notFound",
      message: "The cancellation operation is no longer listed by the service (it may have been cleaned up).",
    };
  }
  return { ...props, operationStatus: state.rawStatus };
}

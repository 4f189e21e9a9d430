/**
 * What an `OfferOperationCancellation` records in state: the checked inputs echoed back, plus what
 * happened to the offer's operation. Shared by the resource class (which declares the outputs) and
 * the lifecycle (which fills them), and cheap to import from either side.
 */
import { SHARED_RESULT_KEYS, SharedResults, outputsRecorder } from "../kit/outputs";
import type { OfferOperationCancellationInputs } from "./inputs";

/**
 * `succeeded` | `canceled`: the cancel worked. `nothingToCancel`: nothing ran. `pending`: the wait
 * goes on at the next `up`. `scheduled`: `when: "destroy"`, nothing sent yet. (`failed` is in the
 * vocabulary, but a failed cancellation is an error of the `up`, not a recorded status.)
 */
export type OfferOperationCancellationStatus =
  "succeeded" | "canceled" | "failed" | "nothingToCancel" | "pending" | "scheduled";

export interface CanceledOperation {
  id: string;
  submissionType?: string;
  slot?: string;
  /** The state listed just before the cancel was sent. */
  state: string;
}

/** Everything recorded in state: the normalized inputs echoed back plus what happened. */
export interface OfferOperationCancellationOutputs extends OfferOperationCancellationInputs, SharedResults {
  status: OfferOperationCancellationStatus;
  httpStatus?: 200 | 202;
  operationLocation?: string;
  cancellationOperationId?: string;
  canceledOperation?: CanceledOperation;
  /** Last status of the watched operation as the service spelled it ("notFound" if it vanished). */
  operationStatus?: string;
}

/** The results part of the outputs: everything that is not an echoed input. */
export const OFFER_OPERATION_RESULT_KEYS = [
  "status",
  "httpStatus",
  "operationLocation",
  "cancellationOperationId",
  "canceledOperation",
  "operationStatus",
  ...SHARED_RESULT_KEYS,
] as const satisfies readonly (keyof OfferOperationCancellationOutputs)[];

/** Outputs = the checked inputs + results (`../kit/outputs.ts`). */
export const recordOfferOperationOutputs = outputsRecorder<
  OfferOperationCancellationInputs,
  OfferOperationCancellationOutputs
>(OFFER_OPERATION_RESULT_KEYS);

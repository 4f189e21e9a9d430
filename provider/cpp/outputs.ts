/**
 * What an `OfferOperationCancellation` records in state: the checked inputs echoed back, plus what
 * happened to the offer's operation. Shared by the resource class (which declares the outputs) and
 * the lifecycle (which fills them), and cheap to import from either side.
 */
import { SHARED_RESULTS, SharedResults, resultsOf } from "../kit/outputs";
import { INTEGER, STRING, objectType, type PropertiesOf } from "../kit/schemaType";
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

/** What is recorded besides the echoed inputs. */
type OfferOperationResults = Omit<OfferOperationCancellationOutputs, keyof OfferOperationCancellationInputs>;

/**
 * The results in the plugin's schema (`plugin/schema.ts`): each one's type and description,
 * checked at compile time against {@link OfferOperationCancellationOutputs}.
 */
export const OFFER_OPERATION_RESULTS = {
  status: {
    type: STRING,
    required: true,
    description:
      "`succeeded` or `canceled`: the cancel worked; `nothingToCancel`: nothing ran; `pending`: the wait goes on at the next `up`; `scheduled`: `when` is `destroy`, nothing sent yet.",
  },
  httpStatus: { type: INTEGER, description: "200 (cancelled at once) or 202 (accepted, then watched)." },
  operationLocation: {
    type: STRING,
    description: "The operation URL the service returned, resolved against the endpoint.",
  },
  cancellationOperationId: {
    type: STRING,
    description: "The id of the cancellation's own operation (a GUID, or `publisher$offer$version$slot`).",
  },
  canceledOperation: {
    type: objectType<CanceledOperation>(
      "CanceledOperation",
      "The operation that ran when the cancel was sent.",
      {
        id: { type: STRING, required: true, description: "The operation's id." },
        submissionType: {
          type: STRING,
          description: "What the operation was doing, as the service spells it.",
        },
        slot: { type: STRING, description: "The slot it ran in, as the service spells it." },
        state: {
          type: STRING,
          required: true,
          description: "The state listed just before the cancel was sent.",
        },
      },
    ),
    description: "The operation that ran when the cancel was sent.",
  },
  operationStatus: {
    type: STRING,
    description:
      "The latest status of the watched operation as the service spells it (`notFound` once it vanished).",
  },
  ...SHARED_RESULTS,
} as const satisfies PropertiesOf<OfferOperationResults>;

/** The result keys (all but the echoed inputs), and outputs = the checked inputs + results. */
export const { keys: OFFER_OPERATION_RESULT_KEYS, record: recordOfferOperationOutputs } = resultsOf<
  OfferOperationCancellationInputs,
  OfferOperationCancellationOutputs,
  typeof OFFER_OPERATION_RESULTS
>(OFFER_OPERATION_RESULTS);

/**
 * The shape of what a cancellation records in state. Shared by the resource class (which declares
 * the outputs) and the lifecycle (which fills them), and cheap to import from either side.
 */
import type { CancellationInputs } from "./checks";

/** Normalized outcome vocabulary of the `status` output. */
export type CancellationStatus =
  "succeeded" | "canceled" | "failed" | "nothingToCancel" | "pending" | "scheduled";

export interface CanceledOperation {
  id: string;
  submissionType?: string;
  slot?: string;
  /** The state listed just before the cancel was sent. */
  state: string;
}

/** Everything recorded in state: the normalized inputs echoed back plus what happened. */
export interface CancellationOutputs extends CancellationInputs {
  status: CancellationStatus;
  httpStatus?: 200 | 202;
  operationLocation?: string;
  cancellationOperationId?: string;
  canceledOperation?: CanceledOperation;
  requestedAt?: string;
  completedAt?: string;
  /** Last status of the watched operation as the service spelled it ("notFound" if it vanished). */
  operationStatus?: string;
  /** One line for humans: what happened, or why we are still waiting. */
  message?: string;
}

/** The results part of the outputs: everything that is not an echoed input. */
export const RESULT_KEYS = [
  "status",
  "httpStatus",
  "operationLocation",
  "cancellationOperationId",
  "canceledOperation",
  "requestedAt",
  "completedAt",
  "operationStatus",
  "message",
] as const;

/**
 * Inputs never echoed: the provider code, and what a preview adds or the resource passes for
 * `check` only (previewLookup.ts `FACTS_KEY` and `PREVIEW_FLAG`; literals here, so this module
 * stays free of imports).
 */
const NOT_ECHOED: ReadonlySet<string> = new Set(["__provider", "runningNow", "__preview"]);

/**
 * Outputs = the normalized inputs + results. The access token is echoed only so `refresh` and
 * `destroy` can use it when nothing else is configured; the resource marks it secret.
 */
export function recordOutputs(
  inputs: CancellationInputs,
  results: Partial<CancellationOutputs>,
): CancellationOutputs {
  return recordOutputsWith(RESULT_KEYS, inputs, results);
}

/** {@link recordOutputs} for any resource: its result keys, its checked inputs, what happened. */
export function recordOutputsWith<I extends object, O extends I>(
  resultKeys: readonly string[],
  inputs: I,
  results: Partial<O>,
): O {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) if (!NOT_ECHOED.has(k) && !resultKeys.includes(k)) out[k] = v;
  // Nested undefineds too (e.g. a slot the service did not list): the runtime's protobuf Struct
  // rejects them ("Unexpected struct type") and the engine would record nothing.
  for (const [k, v] of Object.entries(results))
    out[k] = v && typeof v === "object" ? JSON.parse(JSON.stringify(v)) : v;
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out as unknown as O;
}

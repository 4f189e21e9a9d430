/**
 * A cancel that was sent, as one small serializable state, in the manner of `@azure/core-lro`'s
 * `serialize`/`restoreFrom`: the journal stores it (`journal.ts`), the pending outputs carry it,
 * and a resume restores it from either. It says where to look and what was seen; it never holds
 * a credential.
 */
import type { CanceledOperation, CancellationOutputs } from "../kit/outputs";

export interface SentCancellation {
  publisherId: string;
  offerId: string;
  /** The operation that was running when the cancel was sent. */
  canceledOperation?: CanceledOperation;
  /** When the cancel was sent (ISO 8601). */
  requestedAt: string;
  /** 200 or 202; absent while the answer is unknown (sent, but the answer was lost). */
  httpStatus?: 200 | 202;
  /** Where the service said the cancellation can be watched (a 202 with a location). */
  operationLocation?: string;
}

/** The outputs fields that hold a sent cancellation while the wait goes on. */
export function pendingOutputs(sent: SentCancellation): Partial<CancellationOutputs> {
  return {
    status: "pending",
    httpStatus: sent.httpStatus,
    operationLocation: sent.operationLocation,
    cancellationOperationId: sent.operationLocation
      ? operationIdOf(new URL(sent.operationLocation))
      : undefined,
    canceledOperation: sent.canceledOperation,
    requestedAt: sent.requestedAt,
  };
}

/** Restores the state from recorded outputs (a pending resource the engine hands to `update`). */
export function fromOutputs(outs: CancellationOutputs): SentCancellation {
  return {
    publisherId: outs.publisherId,
    offerId: outs.offerId,
    canceledOperation: outs.canceledOperation,
    requestedAt: outs.requestedAt ?? new Date(0).toISOString(),
    httpStatus: outs.httpStatus,
    operationLocation: outs.operationLocation,
  };
}

/** The last path segment of an operation URL: a GUID, or `publisher$offer$version$slot` for non-migrated offers. */
export function operationIdOf(location: URL): string {
  const last = location.pathname.split("/").filter(Boolean).pop() ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

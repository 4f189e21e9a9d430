/**
 * A cancel that was sent, as one small serializable state, in the manner of `@azure/core-lro`'s
 * `serialize`/`restoreFrom`: the journal stores it (`../core/journal.ts`), the pending outputs
 * carry it, and a resume restores it from either. It says where to look and what was seen; it
 * never holds a credential.
 */
import { hashKey } from "../core/journal";
import type { CanceledOperation, OfferOperationCancellationOutputs as CancellationOutputs } from "./outputs";

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

/**
 * One journal entry: the sent cancellation and the origin it was sent to. Entries written by
 * 0.1.0 name the canceled operation by `canceledOperationId` only; {@link restoreSent} reads both.
 */
export interface InflightCancellation extends SentCancellation {
  endpoint: string;
  /** 0.1.0's spelling of `canceledOperation.id`. */
  canceledOperationId?: string;
}

/**
 * One journal key per declared cancellation: where, what, and the user's "cancel again"
 * triggers. The parts and their order are those of 0.1.0, whose entries a resume still finds.
 */
export function journalKey(parts: {
  endpoint: string;
  publisherId: string;
  offerId: string;
  when: string;
  triggers?: unknown;
}): string {
  return hashKey([parts.endpoint, parts.publisherId, parts.offerId, parts.when, parts.triggers ?? null]);
}

/**
 * The sent cancellation an entry describes. What the journal does not know about the canceled
 * operation (an entry of 0.1.0 keeps only its id) is taken from the submissions list, where it
 * may still be running.
 */
export function restoreSent(
  entry: InflightCancellation,
  running: (Omit<CanceledOperation, "id"> & { id: string }) | undefined,
): SentCancellation {
  const id = entry.canceledOperation?.id ?? entry.canceledOperationId;
  const listed = running && running.id === id ? running : undefined;
  return {
    publisherId: entry.publisherId,
    offerId: entry.offerId,
    canceledOperation:
      entry.canceledOperation ??
      (id
        ? {
            id,
            submissionType: listed?.submissionType,
            slot: listed?.slot,
            state: listed?.state ?? "running",
          }
        : undefined),
    requestedAt: entry.requestedAt,
    httpStatus: entry.httpStatus,
    operationLocation: entry.operationLocation,
  };
}

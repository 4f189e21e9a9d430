/**
 * A cancel of a configure job that was sent, as one small serializable state (what
 * `../cpp/sentCancellation.ts` is for an offer): the journal stores it (`../core/journal.ts`), the
 * pending outputs carry it, and a resume restores it from either. It never holds a credential.
 */
import { hashKey } from "../core/journal";
import type { IngestionJobCancellationInputs } from "./inputs";
import { snapshotOutputs } from "./outcome";
import { IngestionJobCancellationOutputs, recordIngestionJobOutputs } from "./outputs";
import type { JobSnapshot } from "./status";

/** A cancel that was sent (or was about to be): where, when, and whether an answer came back. */
export interface SentJobCancel {
  jobId: string;
  /** The origin it was sent to: a resume on another origin does not trust it. */
  endpoint: string;
  /** ISO 8601. */
  requestedAt: string;
  /** False while no answer was received: the cancel may or may not have reached the service. */
  answered: boolean;
}

/** The pending outputs that carry a sent cancel to the next `up` ({@link fromOutputs} restores it). */
export function pendingOutputs(
  inputs: IngestionJobCancellationInputs,
  sent: SentJobCancel,
  last: JobSnapshot | undefined,
): IngestionJobCancellationOutputs {
  return recordIngestionJobOutputs(inputs, {
    ...(last ? snapshotOutputs(last) : {}),
    status: "pending",
    requestedAt: sent.requestedAt,
    cancelAnswerLost: sent.answered ? undefined : true,
  });
}

/** Restores the state from recorded outputs, for a resume against `endpoint` (today's). */
export function fromOutputs(outs: IngestionJobCancellationOutputs, endpoint: string): SentJobCancel {
  return {
    jobId: outs.jobId,
    endpoint,
    requestedAt: outs.requestedAt ?? new Date(0).toISOString(),
    answered: outs.cancelAnswerLost !== true,
  };
}

/**
 * One journal key per declared cancellation: where, which job, and the user's "cancel again"
 * triggers. The parts and their order never change: a resume finds an earlier version's entries.
 */
export function journalKey(parts: {
  endpoint: string;
  jobId: string;
  when: string;
  triggers?: unknown;
}): string {
  return hashKey(["ingestion", parts.endpoint, parts.jobId, parts.when, parts.triggers ?? null]);
}

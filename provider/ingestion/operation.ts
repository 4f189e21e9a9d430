/**
 * How to poll the Product Ingestion API for the end of a cancelled configure job, as a
 * {@link PollableOperation} for `pollUntilDone` (the *operation* of `@azure/core-lro`; the poller
 * decides when). The sent cancel it watches is `sentCancellation.ts`'s {@link SentJobCancel}.
 */
import { PollableOperation, PollResult } from "../core/poller";
import type { IngestionClient } from "./client";
import type { SentJobCancel } from "./sentCancellation";
import { JobSnapshot, describeJob, isCompleted } from "./status";

/** What one poll saw. `status`/`rawStatus` are what a progress line shows (`../kit/progress.ts`). */
export interface JobState {
  status: string;
  /** `running/pending`. */
  rawStatus: string;
  snapshot: JobSnapshot;
}

export function jobState(snapshot: JobSnapshot): JobState {
  return { status: snapshot.status.raw, rawStatus: describeJob(snapshot), snapshot };
}

function describe(state: JobState): string {
  const s = state.snapshot;
  const unknown =
    s.status.value === undefined ? " (not a value this provider knows; treated as not completed)" : "";
  return `job status '${s.status.raw}'${unknown}, result '${s.result.raw}'`;
}

/** Reads `configure/{jobId}/status` until `jobStatus` is `completed`. */
export function jobStatusOperation(client: IngestionClient, jobId: string): PollableOperation<JobState> {
  return {
    async poll(signal): Promise<PollResult<JobState>> {
      const { snapshot, retryAfterMs } = await client.getStatus(jobId, signal);
      return { state: jobState(snapshot), done: isCompleted(snapshot), retryAfterMs };
    },
    describe,
  };
}

export interface SentJobCancelWatch {
  current(): SentJobCancel;
  /** How long a cancel whose answer was lost gets to show its effect before it is sent again. */
  confirmWindowMs: number;
  /**
   * Sends the cancel again; resolves with what the answer said of the job (undefined when that
   * answer was lost too). Called at most once per lost answer, and only for a job not completed.
   */
  resend(): Promise<JobSnapshot | undefined>;
}

/**
 * The job's status, with the rule for a cancel whose answer was lost: the status is read first; a
 * completed job ends the wait whatever its result (no second cancel); a job still not completed
 * `confirmWindowMs` after the lost send gets the cancel once more. Before the window the lost
 * cancel may still be taking effect (a cancel that answers `running` first: docs/ingestion-api.md,
 * "Open questions"), and a second POST would only be answered by the first one's outcome.
 */
export function sentJobCancelOperation(
  client: IngestionClient,
  watch: SentJobCancelWatch,
): PollableOperation<JobState> {
  const status = (jobId: string) => jobStatusOperation(client, jobId);
  return {
    async poll(signal): Promise<PollResult<JobState>> {
      const sent = watch.current();
      const polled = await status(sent.jobId).poll(signal);
      if (polled.done || sent.answered) return polled;
      if (Date.now() < Date.parse(sent.requestedAt) + watch.confirmWindowMs) return polled;
      const answer = await watch.resend();
      if (answer && isCompleted(answer)) return { state: jobState(answer), done: true };
      return polled;
    },
    describe,
  };
}

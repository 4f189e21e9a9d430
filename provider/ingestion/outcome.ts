/**
 * What the end of a cancelled configure job means, as outputs: the status (one rule, for the
 * wait's end and for refresh alike), the message, and the job fields of one snapshot. Mapping
 * only: the reads happen in `cancellation.ts`, the failure texts are `texts.ts`'s.
 */
import { formatDuration } from "../core/poller";
import type { AppliedResource, IngestionJobCancellationOutputs, SubmissionState } from "./outputs";
import { JobSnapshot, isActiveSubmission, isCompleted } from "./status";
import { errorsText } from "./texts";

type Outputs = IngestionJobCancellationOutputs;

/**
 * What the service said to the cancel, as far as it is known: `refused` because the job had
 * completed (400); `accepted` (2xx while the job had not completed); `unconfirmed` (the answer was
 * lost, so the cancel may or may not have been taken).
 */
export type CancelAnswer = "refused" | "accepted" | "unconfirmed";

/** The status of a completed job's cancellation. */
export type EndStatus = Extract<Outputs["status"], "canceled" | "failedAfterCancel" | "alreadyCompleted">;

/**
 * `cancelled` is this cancel's work, unless the service refused it. A job that ends `failed`
 * after the service accepted the cancel did not complete before it, and whether the cancel made
 * it fail is not known: `failedAfterCancel` says just that. Anything else ended on its own.
 */
export function endStatus(snapshot: JobSnapshot, answer: CancelAnswer): EndStatus {
  if (answer === "refused") return "alreadyCompleted";
  if (snapshot.result.value === "cancelled") return "canceled";
  if (snapshot.result.value === "failed" && answer === "accepted") return "failedAfterCancel";
  return "alreadyCompleted";
}

/** What the wait established besides the job's end, for {@link endMessage}. */
export interface EndFacts {
  elapsedMs: number;
  polls: number;
  /** What the job applied (GET configure/{jobId}); undefined when that could not be read. */
  applied?: AppliedResource[];
  productId?: string;
  submissions?: SubmissionState[];
  /** Reads that failed, and the like: one sentence each. */
  notes: string[];
}

/** The one line that says how the cancellation ended: what happened, what stays, what the job said. */
export function endMessage(jobId: string, status: EndStatus, snapshot: JobSnapshot, facts: EndFacts): string {
  const stopped = status !== "alreadyCompleted";
  const notes = [...facts.notes];
  const applied = facts.applied;
  if (applied?.length) {
    const ids = applied.map((r) => r.id ?? r.type).join(", ");
    const count = `${applied.length} resource${applied.length === 1 ? "" : "s"}`;
    notes.unshift(
      stopped
        ? `It had applied ${count} before it stopped, which keep their new configuration: ${ids}.`
        : `It applied ${count}: ${ids}.`,
    );
  } else if (applied && stopped) notes.unshift("Nothing had been applied before it stopped.");
  if (facts.submissions && facts.productId) notes.push(submissionsNote(facts.productId, facts.submissions));
  return `${headline(jobId, status, snapshot, facts)} ${notes.join(" ")}${errorsText(snapshot.errors)}`.trim();
}

function headline(jobId: string, status: EndStatus, snapshot: JobSnapshot, facts: EndFacts): string {
  const waited = facts.polls
    ? ` after ${formatDuration(facts.elapsedMs)} (${facts.polls} status request${facts.polls === 1 ? "" : "s"})`
    : "";
  switch (status) {
    case "canceled":
      return `Configure job ${jobId} was cancelled${waited}.`;
    case "failedAfterCancel":
      return `The service accepted the cancel of configure job ${jobId}, ${thenEnded(snapshot)}${waited && `,${waited}`}.`;
    case "alreadyCompleted":
      return `Configure job ${jobId} had already completed (${snapshot.result.raw || "no result"}) before the cancel took effect; nothing was cancelled.`;
  }
}

/** `and the job then ended failed, not cancelled`: the order of what is known, and no more. */
function thenEnded(snapshot: JobSnapshot): string {
  return `and the job then ended ${snapshot.result.raw}, not cancelled`;
}

function submissionsNote(productId: string, submissions: SubmissionState[]): string {
  const active = submissions.filter(isActiveSubmission);
  if (!active.length) return `${productId}: no submission is running.`;
  const listed = active.map((s) => `${s.id} (${s.status})`).join(", ");
  return `${productId}: submission${active.length === 1 ? "" : "s"} ${listed} still active.`;
}

/**
 * `refresh` of a recorded cancellation: the job fields as the service shows them now, and, for a
 * `pending` one whose job completed meanwhile, its end (by {@link endStatus}, as the wait would).
 */
export function refreshedOutputs(props: Outputs, snapshot: JobSnapshot): Outputs {
  const next: Outputs = { ...props, ...snapshotOutputs(snapshot) };
  if (props.status === "pending" && isCompleted(snapshot)) {
    next.status = endStatus(snapshot, props.cancelAnswerLost ? "unconfirmed" : "accepted");
    next.completedAt = new Date().toISOString();
    next.message =
      next.status === "failedAfterCancel"
        ? `The service accepted the cancel, ${thenEnded(snapshot)}; seen by refresh.${errorsText(snapshot.errors)}`
        : `The job completed (${snapshot.result.raw}); seen by refresh.`;
  }
  return dropUndefined(next);
}

/** The job fields of the outputs, from one snapshot. */
export function snapshotOutputs(s: JobSnapshot): Partial<Outputs> {
  return {
    jobStatus: s.status.raw,
    jobResult: s.result.raw || undefined,
    jobStart: s.jobStart,
    jobEnd: s.jobEnd,
    jobErrors: s.errors.length ? s.errors : undefined,
  };
}

function dropUndefined<T extends object>(o: T): T {
  for (const [k, v] of Object.entries(o)) if (v === undefined) delete (o as Record<string, unknown>)[k];
  return o;
}

/**
 * The "too late" rule: what a refused cancel means. The service refuses a cancel both for a job
 * that has completed and for a publish too far along to stop (docs/ingestion-api.md, "POST configure/{jobId}/cancel");
 * only the job's status, read right after the refusal, tells which. A completed job is no
 * failure (the cancel came too late, the status then says how it ended); a job still running
 * goes on, and that is {@link CancelRefusedError}.
 */
import { HTTPError } from "../core/errors";
import type { IngestionClient } from "./client";
import { isCompleted, JobSnapshot, sameCode } from "./status";
import { cancelRefused } from "./texts";

/**
 * The service said no to the cancel itself: 400 `badRequest` as documented, or, since the answer
 * to a cancel "too far along" is undocumented (docs/ingestion-api.md, "Open questions"), a 409
 * `conflict` or 423 `locked`, by status or by code (codes compared case-insensitively).
 */
export function isRefusal(err: unknown): err is HTTPError {
  if (!(err instanceof HTTPError)) return false;
  if (err.status === 400 || err.status === 409 || err.status === 423) return true;
  return err.status >= 400 && err.status < 500 && REFUSAL_CODES.some((code) => sameCode(err.code, code));
}

const REFUSAL_CODES = ["badRequest", "conflict", "locked"];

/**
 * Reads the job's status after a refusal: resolves with it when the job has completed, else
 * rejects with the {@link CancelRefusedError} that says the job carries on.
 */
export async function completedDespiteRefusal(
  client: IngestionClient,
  jobId: string,
  refusal: HTTPError,
): Promise<JobSnapshot> {
  const { snapshot } = await client.getStatus(jobId);
  if (isCompleted(snapshot)) return snapshot;
  throw cancelRefused(jobId, refusal, snapshot);
}

/**
 * What `pulumi preview --diff` shows for an `IngestionJobCancellation` that `up` would create or
 * replace with `when: "apply"` (the mechanism and its rules are `../kit/preview.ts`'s): the job's
 * state now, under the same `runningNow` key as the CPP resource. One read-only request:
 * `GET configure/{jobId}/status`.
 */
import { LookupRequest, PreviewFactsAdder, previewFactsAdder } from "../kit/preview";
import { safeSnippet } from "../core/printable";
import type { ProviderSettings } from "../core/settings";
import type { IngestionJobCancellationInputs } from "./inputs";
import { INGESTION_JOB_SPEC } from "./inputSpec";
import type { JobSnapshot } from "./status";

/** What the diff block shows: the job's state, or one line (done already, could not look). */
export type IngestionJobFacts = JobFacts | string;

export interface JobFacts {
  jobId: string;
  jobStatus: string;
  jobResult?: string;
  /** When the job started. */
  since?: string;
}

/** Reads the job's status (one GET). */
export type StatusReader = LookupRequest<IngestionJobCancellationInputs, JobSnapshot>;

export const addIngestionJobPreviewFacts: PreviewFactsAdder<IngestionJobCancellationInputs, JobSnapshot> =
  previewFactsAdder(
    {
      apiName: INGESTION_JOB_SPEC.api.audience.name,
      needs: ["jobId", "endpoint", "apiVersion", "accessToken"],
      judge: ingestionJobFacts,
    },
    readStatus,
  );

/** What the reviewer reads: the job's state, or one line when `up` will cancel nothing. */
export function ingestionJobFacts(inputs: IngestionJobCancellationInputs, s: JobSnapshot): IngestionJobFacts {
  if (s.status.value === "completed") {
    const result = safeSnippet(s.result.raw || "no result");
    return inputs.ifAlreadyCompleted === "fail"
      ? `job completed (${result}): up will fail (ifAlreadyCompleted is "fail")`
      : `job completed (${result}): up will cancel nothing`;
  }
  const facts: JobFacts = { jobId: inputs.jobId, jobStatus: safeSnippet(s.status.raw) };
  if (s.result.raw) facts.jobResult = safeSnippet(s.result.raw);
  if (s.jobStart) facts.since = safeSnippet(s.jobStart);
  return facts;
}

/** The one request, with the quick settings. */
async function readStatus(
  inputs: IngestionJobCancellationInputs,
  settings: ProviderSettings,
  signal: AbortSignal,
): Promise<JobSnapshot> {
  const { jobContextFor } = require("./context") as typeof import("./context");
  const ctx = jobContextFor(inputs, settings, () => undefined);
  return (await ctx.client.getStatus(inputs.jobId, signal)).snapshot;
}

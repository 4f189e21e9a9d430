/**
 * What `pulumi preview --diff` shows for an `IngestionJobCancellation` that `up` would create or
 * replace with `when: "apply"`: the job's state now, under the same `runningNow` key and by the
 * same rules as the CPP resource (`../previewLookup.ts`): one read-only request
 * (`GET configure/{jobId}/status`, no retries, 15 s), only in a preview, only when
 * `marketplace:previewLookup` is on; a failed lookup is one line and never fails the preview.
 */
import { UNKNOWN } from "../kit/checks";
import type { CheckOutcome } from "../kit/checks";
import { LOOKUP_TIMEOUT_MS, addPreviewFactsBy, withinLookupDeadline } from "../kit/preview";
import { safeSnippet } from "../core/printable";
import type { ProviderSettings } from "../core/settings";
import type { IngestionInputs } from "./inputs";
import type { JobSnapshot } from "./status";

const API_NAME = "Microsoft Graph (the Product Ingestion API)";

export interface JobFacts {
  jobId: string;
  jobStatus: string;
  jobResult?: string;
  /** When the job started. */
  since?: string;
}

/** Reads the job's status (one GET); injectable for tests. */
export type StatusReader = (
  inputs: IngestionInputs,
  settings: ProviderSettings,
  signal: AbortSignal,
) => Promise<JobSnapshot>;

export async function addJobPreviewFacts(
  olds: Record<string, unknown>,
  outcome: CheckOutcome,
  settings: () => ProviderSettings,
  read: StatusReader = readStatus,
): Promise<void> {
  await addPreviewFactsBy<IngestionInputs>(olds, outcome, settings, (inputs, resolved) =>
    jobFacts(inputs, resolved, read),
  );
}

export async function jobFacts(
  inputs: IngestionInputs,
  settings: ProviderSettings,
  read: StatusReader = readStatus,
): Promise<JobFacts | string> {
  const unknown = (["jobId", "endpoint", "apiVersion", "accessToken"] as const).find(
    (k) => typeof inputs[k] === "string" && (inputs[k] as string).includes(UNKNOWN),
  );
  if (unknown) return `not looked up: ${unknown} is not known before apply`;
  return withinLookupDeadline(
    async (signal) => describeForReview(inputs, await read(inputs, settings, signal)),
    API_NAME,
  );
}

/** What the reviewer reads: the job's state, or one line when `up` will cancel nothing. */
export function describeForReview(inputs: IngestionInputs, s: JobSnapshot): JobFacts | string {
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

/** The one request, without retries and with a short timeout. */
async function readStatus(
  inputs: IngestionInputs,
  settings: ProviderSettings,
  signal: AbortSignal,
): Promise<JobSnapshot> {
  const { jobContextFor } = require("./context") as typeof import("./context");
  const quick: ProviderSettings = {
    ...settings,
    retry: { ...settings.retry, retries: 0 },
    requestTimeoutMs: Math.min(settings.requestTimeoutMs ?? LOOKUP_TIMEOUT_MS, LOOKUP_TIMEOUT_MS),
  };
  const ctx = jobContextFor(inputs, quick, () => undefined);
  return (await ctx.client.getStatus(inputs.jobId, signal)).snapshot;
}

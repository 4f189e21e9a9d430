// The wire shapes of the Product Ingestion API (docs/ingestion-api.md §2–§5): configure-status,
// configure-detail, product and submission objects, with the switches that change their spelling.
// One place for each fact of the shape; the routes and the views both render through here.

import { evaluateJob, type IngestionState, type Job, type Product, type Submission } from "./state";
import { SCHEMA_HOSTS, type IngestionSettings } from "./settings";

/** Resource versions the emulator knows; a `$version` is answered with the newest one <= it. */
export const KNOWN_VERSIONS = [
  "2022-03-01-preview2",
  "2022-03-01-preview3",
  "2022-03-01-preview5",
  "2022-07-01",
  "2023-07-15",
] as const;

/** `$version` when a request carries none (and versionRequired is off). */
export const DEFAULT_VERSION = "2022-03-01-preview2";

export function schemaUrl(settings: IngestionSettings, type: string, version: string): string {
  return `${SCHEMA_HOSTS[settings.schemaHost]}/schema/${type}/${version}`;
}

/** ISO-8601 with 7 fractional digits and `Z`, as the service writes times. */
export function ticks(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

export function configureStatus(state: IngestionState, job: Job, version: string): Record<string, unknown> {
  const s = state.settings;
  const e = evaluateJob(job, state.now());
  return {
    $schema: schemaUrl(s, "configure-status", version),
    [s.jobIdField]: job.id,
    jobStatus: e.status,
    jobResult: e.result,
    jobStart: ticks(job.createdAt),
    jobEnd: e.endedAt === undefined ? s.jobEndSentinel : ticks(e.endedAt),
    errors: e.errors,
  };
}

/** GET configure/{id} of a completed job: only the resources it applied. */
export function configureDetail(state: IngestionState, job: Job, version: string): Record<string, unknown> {
  const e = evaluateJob(job, state.now());
  return {
    $schema: schemaUrl(state.settings, "configure-detail", version),
    resources: e.applied.map((r) => r.body),
    ...(e.errors.length > 0 ? { errors: e.errors } : {}),
  };
}

export function renderProduct(state: IngestionState, p: Product, version: string): Record<string, unknown> {
  return {
    $schema: schemaUrl(state.settings, "product", version),
    id: `product/${p.guid}`,
    identity: { externalId: p.externalId },
    type: p.type,
    alias: p.alias,
  };
}

export const submissionId = (p: Product, s: Submission | "draft"): string =>
  `submission/${p.guid}/${s === "draft" ? "0" : s.number}`;

/**
 * The submissions GET submission/{guid} lists, the draft first: per target type the newest
 * succeeded one and everything newer (a publish under way, one that failed or was cancelled).
 * Removed ones (cancelledSubmission "removed") never show.
 */
export function listedSubmissions(
  state: IngestionState,
  p: Product,
): { submission: Submission | "draft"; status?: string; result?: string }[] {
  const out: { submission: Submission | "draft"; status?: string; result?: string }[] = [
    { submission: "draft" },
  ];
  for (const target of ["preview", "live"] as const) {
    const mine = p.submissions
      .filter((s) => s.targetType === target)
      .map((s) => ({ s, st: state.submissionState(s) }))
      .filter((x) => x.st !== "removed");
    let from = 0;
    mine.forEach((x, i) => {
      if (x.st !== "removed" && x.st.status === "completed" && x.st.result === "succeeded") from = i;
    });
    for (const x of mine.slice(from)) {
      if (x.st === "removed") continue;
      out.push({ submission: x.s, status: x.st.status, result: x.st.result });
    }
  }
  return out;
}

export function renderSubmission(
  state: IngestionState,
  p: Product,
  entry: { submission: Submission | "draft"; status?: string; result?: string },
  version: string,
): Record<string, unknown> {
  const s = entry.submission;
  return {
    $schema: schemaUrl(state.settings, "submission", version),
    id: submissionId(p, s),
    product: `product/${p.guid}`,
    target: { targetType: s === "draft" ? "draft" : s.targetType },
    ...(entry.status === undefined ? {} : { status: entry.status, result: entry.result }),
    lifecycleState: "generallyAvailable",
    created: ticks(s === "draft" ? p.createdAt : s.createdAt),
  };
}

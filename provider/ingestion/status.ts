/**
 * The Product Ingestion API's vocabulary (docs/ingestion-api.md §2–§6), parsed into small typed values.
 * The quirks are absorbed here, once: `jobId`/`jobID`, the `0001-01-01…` sentinel of an unended
 * `jobEnd`, either schema host (never checked), error items with or without `details`, and codes
 * and status values compared case-insensitively. Every string leaving a parse has passed through
 * the caller's sanitizer (the client's, which knows every token it sent).
 */
import { NAME_LENGTH, Sanitizer, sanitize } from "../core/sanitize";
import type { AppliedResource, JobError, SubmissionState } from "./outputs";

const stripOnly: Sanitizer = (text, options) => sanitize(text, [], options);
const name = (clean: Sanitizer, text: unknown) => clean(text, { maxLength: NAME_LENGTH });

export type JobStatus = "notStarted" | "running" | "completed";
export type JobResult = "pending" | "succeeded" | "failed" | "cancelled";

const STATUSES: Record<string, JobStatus> = {
  notstarted: "notStarted",
  running: "running",
  completed: "completed",
};
const RESULTS: Record<string, JobResult> = {
  pending: "pending",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  // The US spelling: the docs use the British one, a client may meet either.
  canceled: "cancelled",
};

/** A value as the service sent it, and what it means (undefined: not a value we know). */
export interface Vocabulary<T> {
  raw: string;
  value?: T;
}

function lookup<T>(table: Record<string, T>, raw: string): Vocabulary<T> {
  return { raw, value: table[raw.toLowerCase().replace(/[\s_-]+/g, "")] };
}

/** Codes are compared case-insensitively: the service writes `badRequest`, the docs also `Conflict`. */
export function sameCode(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** One configure-status object (the reply of configure, status and cancel). */
export interface JobSnapshot {
  jobId?: string;
  status: Vocabulary<JobStatus>;
  result: Vocabulary<JobResult>;
  jobStart?: string;
  /** Absent while the job runs: the service's `0001-01-01T00:00:00` / `0001-01-01` sentinel. */
  jobEnd?: string;
  errors: JobError[];
}

/** Done means `jobStatus` is `completed` (§3); nothing else, `jobEnd` included, is trusted for it. */
export function isCompleted(s: JobSnapshot): boolean {
  return s.status.value === "completed";
}

/** `running/pending`: how a progress line and a message show a job's state. */
export function describeJob(s: JobSnapshot): string {
  return `${s.status.raw || "?"}/${s.result.raw || "?"}`;
}

export function parseJobStatus(body: unknown, clean: Sanitizer = stripOnly): JobSnapshot {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new TypeError("expected a configure-status object");
  }
  const o = body as Record<string, unknown>;
  if (typeof o.jobStatus !== "string") throw new TypeError("the configure-status has no `jobStatus` string");
  const id = o.jobId ?? o.jobID;
  return {
    jobId: typeof id === "string" ? name(clean, id) : undefined,
    status: lookup(STATUSES, name(clean, o.jobStatus)),
    result: lookup(RESULTS, typeof o.jobResult === "string" ? name(clean, o.jobResult) : ""),
    jobStart: timeOf(o.jobStart, clean),
    jobEnd: timeOf(o.jobEnd, clean),
    errors: parseErrorItems(o.errors, clean),
  };
}

/** A time, or undefined for none and for the year-1 sentinel of "not ended" (with or without a time). */
function timeOf(v: unknown, clean: Sanitizer): string | undefined {
  if (typeof v !== "string" || v.trim() === "") return undefined;
  if (/^0001-01-01/.test(v.trim())) return undefined;
  return name(clean, v.trim());
}

/**
 * `errors[]` of a job, or `details[]` of an error envelope: `{code, message?, resourceId?, details?}`.
 * Nested details are folded into the message (`…; invalidResource: …`), so one line says it all.
 */
export function parseErrorItems(raw: unknown, clean: Sanitizer = stripOnly): JobError[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((x): x is Record<string, unknown> => !!x && typeof x === "object")
    .map((x) => {
      const nested = parseErrorItems(x.details, clean).map((d) =>
        d.message ? `${d.code}: ${d.message}` : d.code,
      );
      const own = typeof x.message === "string" ? x.message : undefined;
      const text = [own, ...nested].filter((t): t is string => !!t).join("; ");
      const item: JobError = { code: name(clean, typeof x.code === "string" ? x.code : "unknown") };
      if (text) item.message = clean(text);
      if (typeof x.resourceId === "string") item.resourceId = name(clean, x.resourceId);
      return item;
    });
}

/**
 * GET configure/{jobId} (configure-detail): the resources the job applied, each with its durable
 * id. The usual shape wraps them in `resources`; for private-offer jobs the service answers with
 * the one resource itself (§3), read as a list of one.
 */
export function parseConfigureDetail(body: unknown, clean: Sanitizer = stripOnly): AppliedResource[] {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new TypeError("expected a configure-detail object");
  }
  const o = body as Record<string, unknown>;
  const list = Array.isArray(o.resources) ? o.resources : [o];
  return list
    .filter((x): x is Record<string, unknown> => !!x && typeof x === "object")
    .map((r) => {
      const out: AppliedResource = {};
      if (typeof r.id === "string") out.id = name(clean, r.id);
      const type = typeof r.$schema === "string" ? schemaType(r.$schema) : undefined;
      if (type) out.type = name(clean, type);
      return out;
    })
    .filter((r) => r.id !== undefined || r.type !== undefined);
}

/** `…/schema/<type>/<version>` (either host, even with a stray leading space) → `<type>`. */
export function schemaType(schema: string): string | undefined {
  const m = /\/schema\/([^/\s]+)\/[^/\s]+\/?$/.exec(schema.trim());
  return m ? m[1] : undefined;
}

/** GET submission/{productGuid}: `{"value": [submission, …]}`. */
export function parseSubmissions(body: unknown, clean: Sanitizer = stripOnly): SubmissionState[] {
  const list =
    body && typeof body === "object" && Array.isArray((body as { value?: unknown }).value)
      ? ((body as { value: unknown[] }).value as unknown[])
      : undefined;
  if (!list) throw new TypeError("expected `value`: a list of submissions");
  return list
    .filter((x): x is Record<string, unknown> => !!x && typeof x === "object")
    .map((x) => {
      const target = x.target && typeof x.target === "object" ? (x.target as Record<string, unknown>) : {};
      const out: SubmissionState = { id: name(clean, x.id ?? "") };
      if (typeof target.targetType === "string") out.targetType = name(clean, target.targetType);
      if (typeof x.status === "string") out.status = name(clean, x.status);
      if (typeof x.result === "string") out.result = name(clean, x.result);
      return out;
    });
}

/** A submission still active: `status` set and not `completed` (cloudpub `ensure_can_publish`). */
export function isActiveSubmission(s: SubmissionState): boolean {
  return s.status !== undefined && s.status.toLowerCase() !== "completed";
}

/** GET product?externalId=…: the durable id `product/<guid>` of the first match, if any. */
export function parseProductLookup(body: unknown, clean: Sanitizer = stripOnly): string | undefined {
  const list =
    body && typeof body === "object" && Array.isArray((body as { value?: unknown }).value)
      ? ((body as { value: unknown[] }).value as unknown[])
      : undefined;
  if (!list) throw new TypeError("expected `value`: a list of products");
  const first = list.find((x): x is Record<string, unknown> => !!x && typeof x === "object");
  return first && typeof first.id === "string" ? name(clean, first.id) : undefined;
}

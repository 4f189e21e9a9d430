/**
 * The CPP status vocabulary is inconsistent between Microsoft's pages and the live service
 * (docs/cpp-api.md §2). This module turns whatever the service says into one small typed snapshot.
 * Every string in a snapshot has passed through the sanitizer the caller gives (the client's,
 * which knows the tokens sent): nothing raw from the service leaves a parse.
 */
import { NAME_LENGTH, Sanitizer, sanitize } from "../core/sanitize";

/** Without the client's sanitizer (tests, tools): still stripped and capped, only no token known. */
const stripOnly: Sanitizer = (text, options) => sanitize(text, [], options);
const name = (clean: Sanitizer, text: unknown) => clean(text, { maxLength: NAME_LENGTH });

export type OperationStatus = "notStarted" | "running" | "succeeded" | "canceled" | "failed";

export const TERMINAL_STATUSES: ReadonlySet<OperationStatus> = new Set(["succeeded", "canceled", "failed"]);

export interface NormalizedStatus {
  status: OperationStatus;
  /** The value as the service sent it, for messages. */
  raw: string;
  /** False when the value is not in any vocabulary we know; it is then treated as running. */
  known: boolean;
}

const VOCABULARY: Record<string, OperationStatus> = {
  notstarted: "notStarted",
  queued: "notStarted",
  pending: "notStarted",
  running: "running",
  inprogress: "running",
  complete: "succeeded",
  completed: "succeeded",
  succeeded: "succeeded",
  success: "succeeded",
  canceled: "canceled",
  cancelled: "canceled",
  failed: "failed",
  failure: "failed",
};

/** Case-insensitive, ignoring spaces, hyphens and underscores: "not started" = "notStarted" = "NOT_STARTED". */
export function normalizeStatus(raw: unknown): NormalizedStatus {
  const text = typeof raw === "string" ? raw : raw === undefined || raw === null ? "" : String(raw);
  const key = text.toLowerCase().replace(/[\s_-]+/g, "");
  const status = VOCABULARY[key];
  return status ? { status, raw: text, known: true } : { status: "running", raw: text, known: false };
}

export interface StepMessage {
  level: string;
  text: string;
  timestamp?: string;
}

export interface OperationStep {
  name: string;
  status: string;
  percent?: number;
  estimatedTimeFrame?: string;
  messages: StepMessage[];
}

/** What one GET of an operation tells us, already normalized. */
export interface OperationSnapshot {
  id?: string;
  status: NormalizedStatus;
  /** The step in progress (or the last one, once the operation ended). */
  currentStep?: string;
  /** 0–100: the current step's progress, else the mean of all steps. */
  percent?: number;
  steps: OperationStep[];
  /** Error-level messages from the operation and its steps, oldest first. */
  errors: string[];
  cancellationRequestState?: string;
}

const DONE_STEP = /^(complete|completed|succeeded|canceled|cancelled|skipped)$/i;

/** Parses a GET operation body: an object or, as in Microsoft's reference sample, a one-element array. */
export function parseOperation(body: unknown, clean: Sanitizer = stripOnly): OperationSnapshot {
  const obj = Array.isArray(body) ? body[0] : body;
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
    throw new TypeError("expected an operation object (or a one-element array holding one)");
  }
  const o = obj as Record<string, unknown>;
  if (!("status" in o)) throw new TypeError("the operation has no `status` field");
  const steps = Array.isArray(o.steps) ? o.steps.map((step) => parseStep(step, clean)) : [];
  const current = steps.find((s) => !DONE_STEP.test(s.status.replace(/\s+/g, ""))) ?? steps[steps.length - 1];
  const known = steps.map((s) => s.percent).filter((p): p is number => p !== undefined);
  const percent =
    current?.percent ??
    (known.length ? Math.round(known.reduce((a, b) => a + b, 0) / known.length) : undefined);
  const errors = [...messagesOf(o.messages, clean), ...steps.flatMap((s) => s.messages)]
    .filter((m) => /error|critical|fatal/i.test(m.level))
    .map((m) => m.text);
  return {
    id: typeof o.id === "string" ? name(clean, o.id) : undefined,
    status: normalizeStatus(name(clean, o.status)),
    currentStep: current?.name,
    percent,
    steps,
    errors,
    cancellationRequestState:
      typeof o.cancellationRequestState === "string" ? name(clean, o.cancellationRequestState) : undefined,
  };
}

function parseStep(raw: unknown, clean: Sanitizer): OperationStep {
  const s = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const pct = typeof s.progressPercentage === "number" ? s.progressPercentage : Number(s.progressPercentage);
  return {
    name: name(clean, s.stepName ?? s.name ?? s.id ?? "step"),
    status: name(clean, s.status ?? ""),
    percent: Number.isFinite(pct) ? Math.max(0, Math.min(100, pct)) : undefined,
    estimatedTimeFrame:
      typeof s.estimatedTimeFrame === "string" ? name(clean, s.estimatedTimeFrame) : undefined,
    messages: messagesOf(s.messages, clean),
  };
}

function messagesOf(raw: unknown, clean: Sanitizer): StepMessage[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((m) => {
    // After the HTML is gone: an entity could otherwise spell out an escape sequence.
    if (typeof m === "string") return { level: "information", text: clean(stripHtml(m)) };
    const r = (m && typeof m === "object" ? m : {}) as Record<string, unknown>;
    return {
      level: name(clean, r.level ?? "information"),
      text: clean(stripHtml(String(r.messageHtml ?? r.message ?? r.text ?? ""))),
      timestamp: typeof r.timestamp === "string" ? name(clean, r.timestamp) : undefined,
    };
  });
}

/** Step messages arrive as HTML fragments; users read them in a terminal. */
function stripHtml(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

/** One running submission as listed by `GET .../submissions/?status=running` (docs/cpp-api.md §3). */
export interface Submission {
  id: string;
  submissionType?: string;
  slot?: string;
  state: string;
  /** When the submission started (`createdDateTime`, the reference's spelling; absent in older answers). */
  createdTime?: string;
  changedTime?: string;
}

/** Accepts both spellings the service and its reference use (`submissionState`/`status`, ...). */
export function parseSubmissions(body: unknown, clean: Sanitizer = stripOnly): Submission[] {
  const list = Array.isArray(body)
    ? body
    : body && typeof body === "object" && Array.isArray((body as { value?: unknown }).value)
      ? ((body as { value: unknown[] }).value as unknown[])
      : undefined;
  if (!list) throw new TypeError("expected an array of submissions");
  return list
    .filter((x): x is Record<string, unknown> => !!x && typeof x === "object")
    .map((x) => ({
      id: name(clean, x.id ?? ""),
      submissionType: typeof x.submissionType === "string" ? name(clean, x.submissionType) : undefined,
      slot: typeof x.slot === "string" ? name(clean, x.slot) : undefined,
      state: name(clean, x.submissionState ?? x.status ?? ""),
      createdTime: typeof x.createdDateTime === "string" ? name(clean, x.createdDateTime) : undefined,
      changedTime:
        typeof x.changedTime === "string"
          ? name(clean, x.changedTime)
          : typeof x.lastActionDateTime === "string"
            ? name(clean, x.lastActionDateTime)
            : undefined,
    }));
}

/**
 * The operation a cancel would stop: the first (newest) submission still running or not started.
 * The list is asked for running ones, but older service revisions ignored the filter, so it is
 * applied again here. `up` and the preview pick the same way.
 */
export function firstRunning<S extends Submission>(list: readonly S[]): S | undefined {
  return list.find((s) => {
    const n = normalizeStatus(s.state).status;
    return n === "running" || n === "notStarted";
  });
}

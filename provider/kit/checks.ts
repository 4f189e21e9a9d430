/**
 * Validation and normalization of the resource's inputs, for the provider's `check`. Runs at
 * `pulumi preview`, makes no network call, and names the property and the fix in every failure,
 * so bad input never turns into a half-done `pulumi up`.
 */
import { DEFAULTS, DEFAULT_POLL_INTERVAL, INPUT, INPUT_NAMES, defaultOf } from "./inputSpec";
import { checkEndpoint } from "./endpoint";
import { isLoopback } from "../core/loopback";
import { hasControl, hasControlOrSpace, safeSnippet, snippetOf } from "../core/printable";

// Re-exported: callers (bench, credentials) import them from here.
export { checkEndpoint, isLoopback };
export { DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT_SECONDS } from "./inputSpec";

/**
 * The inputs as stored after `check`: defaults applied, shapes normalized. Its keys are the
 * spec's (inputSpec.ts); tests/unit/inputSpec.test.ts checks that at compile time.
 */
export interface CancellationInputs {
  publisherId: string;
  offerId: string;
  notificationEmails: string[];
  expectedOperationId?: string;
  ifNothingToCancel: "succeed" | "fail";
  when: "apply" | "destroy";
  triggers?: unknown;
  timeoutSeconds: number;
  pollIntervalSeconds: { min: number; max: number };
  /** Absent: the `marketplace:endpoint` setting, else https://cloudpartner.azure.com. */
  endpoint?: string;
  apiVersion: string;
  accessToken?: string;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/** The value the engine sends for inputs not known until apply (outputs of other resources). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_ID_LENGTH = 100;
// Deliberately simple: one @, no spaces or separators, a dot in the domain. The service does the rest.
const EMAIL_PATTERN = /^[^\s@,;<>"'()[\]\\]+@[^\s@,;<>"'()[\]\\]+\.[^\s@,;<>"'()[\]\\.]{2,}$/;
const API_VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

export interface CheckOutcome {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

/**
 * Validates `news` and returns normalized inputs. Unknown values (preview before dependencies
 * exist) pass through untouched and are checked when they become known.
 */
export function checkInputs(news: Record<string, unknown>): CheckOutcome {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const out: Record<string, unknown> = {};

  out.publisherId = checkId(news.publisherId, "publisherId", fail);
  out.offerId = checkId(news.offerId, "offerId", fail);
  out.notificationEmails = checkEmails(news.notificationEmails, fail);

  const guard = news.expectedOperationId;
  if (guard !== undefined && guard !== null && guard !== "") {
    if (guard === UNKNOWN) out.expectedOperationId = guard;
    else if (typeof guard !== "string" || guard.length > 200 || hasControlOrSpace(guard)) {
      fail(
        "expectedOperationId",
        "expectedOperationId must be an operation id (as listed by the submissions API): a string without spaces, at most 200 characters.",
      );
    } else out.expectedOperationId = guard;
  }

  out.ifNothingToCancel = checkEnum(news.ifNothingToCancel, INPUT.ifNothingToCancel, fail);
  checkSharedInputs(news, CPP_SHARED_RULES, out, fail);

  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return { inputs: out, failures };
}

/** What `check` accepts (besides the engine's `__provider`): exactly the spec's inputs. */
const KNOWN_KEYS: ReadonlySet<string> = new Set(INPUT_NAMES);

export type Fail = (property: string, reason: string) => void;

/** Ids go into URL paths: allow only characters that cannot change the path's meaning. */
export function checkId(value: unknown, property: string, fail: Fail): string | undefined {
  if (value === UNKNOWN) return value;
  if (value === undefined || value === null || value === "") {
    fail(
      property,
      `${property} is required: the ${property === "offerId" ? "offer" : "publisher"} id as shown in the Cloud Partner Portal (e.g. "contoso").`,
    );
    return undefined;
  }
  if (typeof value !== "string") {
    fail(property, `${property} must be a string, got ${typeof value}.`);
    return undefined;
  }
  const problems: string[] = [];
  if (value.length > MAX_ID_LENGTH)
    problems.push(`is ${value.length} characters long (at most ${MAX_ID_LENGTH})`);
  if (hasControl(value)) problems.push("contains control characters");
  if (/\s/.test(value)) problems.push("contains whitespace");
  const path = [...new Set(value.match(/[/\\?#%$&+:;=@]/g) ?? [])];
  if (path.length)
    problems.push(`contains ${path.map((c) => `'${c}'`).join(", ")}, which would change the request URL`);
  if (value.includes("..")) problems.push("contains '..'");
  if (!problems.length && !ID_PATTERN.test(value))
    problems.push("must start with a letter or digit and use only letters, digits, '.', '-' and '_'");
  if (problems.length) {
    fail(
      property,
      `${property} ${JSON.stringify(safeSnippet(value))} ${problems.join("; ")}. Use the id exactly as the Cloud Partner Portal shows it (letters, digits, '.', '-', '_').`,
    );
    return undefined;
  }
  return value;
}

function checkEmails(value: unknown, fail: Fail): unknown {
  if (value === undefined || value === null || value === "") return defaultOf("notificationEmails");
  if (value === UNKNOWN) return value;
  let list: unknown[];
  if (typeof value === "string") list = value.split(/[,;]/);
  else if (Array.isArray(value)) list = value.flatMap((v) => (typeof v === "string" ? v.split(/[,;]/) : [v]));
  else {
    fail(
      "notificationEmails",
      "notificationEmails must be a list of email addresses (or one comma-separated string).",
    );
    return undefined;
  }
  const out: string[] = [];
  const bad: string[] = [];
  for (const item of list) {
    if (item === UNKNOWN) {
      out.push(item);
      continue;
    }
    const s = typeof item === "string" ? item.trim() : "";
    if (typeof item === "string" && s === "") continue;
    // Control characters would reach terminals and PR comments through the preview diff.
    if (!EMAIL_PATTERN.test(s) || s.length > 254 || hasControl(s))
      bad.push(typeof item === "string" ? JSON.stringify(safeSnippet(s)) : String(typeof item));
    else if (!out.some((e) => e.toLowerCase() === s.toLowerCase())) out.push(s);
  }
  if (bad.length) {
    fail(
      "notificationEmails",
      `notificationEmails has invalid address${bad.length > 1 ? "es" : ""} ${bad.join(", ")}: give addresses like "ops@contoso.com".`,
    );
    return undefined;
  }
  return out;
}

export function checkEnum<T extends string>(
  value: unknown,
  spec: { readonly name: string; readonly values: readonly T[]; readonly default: T },
  fail: Fail,
): T | string | undefined {
  const { name: property, values: allowed, default: dflt } = spec;
  if (value === undefined || value === null || value === "") return dflt;
  if (value === UNKNOWN) return value;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value;
  fail(
    property,
    `${property} must be one of ${allowed.map((a) => `"${a}"`).join(" or ")} (default "${dflt}"), got ${snippetOf(value)}.`,
  );
  return undefined;
}

export function checkNumber(
  value: unknown,
  property: string,
  dflt: number,
  min: number,
  max: number,
  fail: Fail,
): unknown {
  if (value === undefined || value === null || value === "") return dflt;
  if (value === UNKNOWN) return value;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max) {
    fail(
      property,
      `${property} must be a number of seconds between ${min} and ${max} (default ${dflt}), got ${snippetOf(value)}.`,
    );
    return undefined;
  }
  return n;
}

/** The polling bounds of one resource: its default, and the largest `max` it accepts. */
export interface PollIntervalRule {
  readonly default: Readonly<{ min: number; max: number }>;
  readonly ceiling: number;
}

/** What the inputs both resources have are checked against: each resource brings its own. */
export interface SharedInputRules {
  /** Every input the resource has, for the unknown-property check. */
  readonly known: ReadonlySet<string>;
  readonly when: { readonly name: string; readonly values: readonly string[]; readonly default: string };
  readonly timeoutSeconds: number;
  readonly poll: PollIntervalRule;
  readonly apiVersion: { readonly default: string; readonly pattern: RegExp; readonly advice: string };
  /** The audience a token input must be for, named in its failure. */
  readonly tokenAudience: string;
}

/**
 * The inputs both resources share, checked alike: unknown properties, `when`, `triggers`,
 * `timeoutSeconds`, `pollIntervalSeconds`, `endpoint`, `apiVersion`, `accessToken`.
 */
export function checkSharedInputs(
  news: Record<string, unknown>,
  rules: SharedInputRules,
  out: Record<string, unknown>,
  fail: Fail,
): void {
  for (const key of Object.keys(news)) {
    if (!rules.known.has(key) && key !== "__provider") {
      fail(key, `Unknown property '${key}'. Known properties: ${[...rules.known].join(", ")}.`);
    }
  }
  out.when = checkEnum(news.when, rules.when, fail);
  if (news.triggers !== undefined && news.triggers !== null) out.triggers = news.triggers;
  out.timeoutSeconds = checkNumber(
    news.timeoutSeconds,
    "timeoutSeconds",
    rules.timeoutSeconds,
    1,
    MAX_TIMEOUT_SECONDS,
    fail,
  );
  out.pollIntervalSeconds = checkPollIntervalBy(rules.poll, news.pollIntervalSeconds, fail);
  if (news.endpoint !== undefined && news.endpoint !== null && news.endpoint !== "") {
    out.endpoint = news.endpoint === UNKNOWN ? UNKNOWN : checkEndpoint(news.endpoint, "endpoint", fail);
  }

  const apiVersion = news.apiVersion ?? rules.apiVersion.default;
  if (apiVersion === UNKNOWN) out.apiVersion = apiVersion;
  else if (typeof apiVersion !== "string" || !rules.apiVersion.pattern.test(apiVersion)) {
    fail("apiVersion", rules.apiVersion.advice);
  } else out.apiVersion = apiVersion;

  const token = news.accessToken;
  if (token !== undefined && token !== null && token !== "") {
    // Never echo the value: it is a credential.
    if (
      token !== UNKNOWN &&
      (typeof token !== "string" || /\s/.test(token.trim()) || token.trim().length < 8)
    ) {
      fail(
        "accessToken",
        `accessToken must be a bearer token string${rules.tokenAudience} (without the 'Bearer ' prefix); omit it to use configured credentials.`,
      );
    } else out.accessToken = typeof token === "string" ? token.trim() : token;
  }
}

const CPP_SHARED_RULES: SharedInputRules = {
  known: KNOWN_KEYS,
  when: INPUT.when,
  timeoutSeconds: DEFAULTS.timeoutSeconds as number,
  poll: { default: DEFAULT_POLL_INTERVAL, ceiling: 300 },
  apiVersion: {
    default: DEFAULTS.apiVersion as string,
    pattern: API_VERSION_PATTERN,
    advice: `apiVersion must look like ${DEFAULTS.apiVersion} (YYYY-MM-DD); remove it to use ${DEFAULTS.apiVersion}.`,
  },
  tokenAudience: "",
};

/** `pollIntervalSeconds` for any resource: a number (the ceiling) or `{ min, max }`, within its rule. */
export function checkPollIntervalBy(rule: PollIntervalRule, value: unknown, fail: Fail): unknown {
  const DEFAULT_POLL_INTERVAL = rule.default;
  if (value === undefined || value === null || value === "") return { ...DEFAULT_POLL_INTERVAL };
  if (value === UNKNOWN) return value;
  const bad = () =>
    fail(
      "pollIntervalSeconds",
      `pollIntervalSeconds must be a number (the longest wait between polls) or { min, max } in seconds with 0.1 <= min <= max <= ${rule.ceiling} (default { min: ${DEFAULT_POLL_INTERVAL.min}, max: ${DEFAULT_POLL_INTERVAL.max} }).`,
    );
  let min: unknown;
  let max: unknown;
  if (typeof value === "number") {
    max = value;
    min = Math.min(DEFAULT_POLL_INTERVAL.min, value);
  } else if (typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    min = v.min ?? Math.min(DEFAULT_POLL_INTERVAL.min, Number(v.max ?? DEFAULT_POLL_INTERVAL.max));
    max = v.max ?? Math.max(DEFAULT_POLL_INTERVAL.max, Number(min));
  } else {
    bad();
    return undefined;
  }
  if (min === UNKNOWN || max === UNKNOWN) return value;
  const lo = Number(min);
  const hi = Number(max);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo < 0.1 || hi > rule.ceiling || lo > hi) {
    bad();
    return undefined;
  }
  return { min: lo, max: hi };
}

/** True when any value in the (possibly nested) structure is still unknown. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

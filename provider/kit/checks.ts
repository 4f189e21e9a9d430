/**
 * The provider's `check`, for any resource's spec (inputSpec.ts): validation and normalization of
 * the inputs both resources share, and the frame each resource's own checks run in. Runs at
 * `pulumi preview`, makes no network call, and names the property and the fix in every failure,
 * so bad input never turns into a half-done `pulumi up`.
 */
import type { PollBounds, SpecFacts } from "./inputSpec";
import { checkEndpoint } from "./endpoint";
import { snippetOf } from "../core/printable";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckOutcome {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

export type Fail = (property: string, reason: string) => void;

/** The shared inputs as stored after `check`: defaults applied, shapes normalized. */
export interface SharedInputs {
  when: "apply" | "destroy";
  triggers?: unknown;
  timeoutSeconds: number;
  pollIntervalSeconds: { min: number; max: number };
  /** Absent: the API's origin setting, else the service's origin. */
  endpoint?: string;
  apiVersion: string;
  accessToken?: string;
}

/** The value the engine sends for inputs not known until apply (outputs of other resources). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

/**
 * Validates `news` against `spec` and returns normalized inputs: the resource's own inputs by
 * `checkOwn` (which stores them in `out`), then the shared ones. Unknown values (preview before
 * dependencies exist) pass through untouched and are checked when they become known.
 */
export function checkInputs(
  spec: SpecFacts,
  news: Record<string, unknown>,
  checkOwn: (news: Record<string, unknown>, out: Record<string, unknown>, fail: Fail) => void,
): CheckOutcome {
  const failures: CheckFailure[] = [];
  const fail: Fail = (property, reason) => failures.push({ property, reason });
  const out: Record<string, unknown> = {};
  checkOwn(news, out, fail);
  checkSharedInputs(spec, news, out, fail);
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return { inputs: out, failures };
}

/**
 * The inputs both resources share, checked alike: unknown properties (exactly the spec's names
 * are accepted, besides the engine's `__provider`), `when`, `triggers`, `timeoutSeconds`,
 * `pollIntervalSeconds`, `endpoint`, `apiVersion`, `accessToken`.
 */
function checkSharedInputs(
  spec: SpecFacts,
  news: Record<string, unknown>,
  out: Record<string, unknown>,
  fail: Fail,
): void {
  for (const key of Object.keys(news)) {
    if (!spec.names.includes(key) && key !== "__provider") {
      fail(key, `Unknown property '${key}'. Known properties: ${spec.names.join(", ")}.`);
    }
  }
  const when = spec.inputs.find((i) => i.name === "when") as EnumSpec<string>;
  out.when = checkEnum(news.when, when, fail);
  if (news.triggers !== undefined && news.triggers !== null) out.triggers = news.triggers;
  out.timeoutSeconds = checkNumber(
    news.timeoutSeconds,
    "timeoutSeconds",
    spec.defaults.timeoutSeconds as number,
    1,
    MAX_TIMEOUT_SECONDS,
    fail,
  );
  out.pollIntervalSeconds = checkPollInterval(
    news.pollIntervalSeconds,
    spec.defaults.pollIntervalSeconds as PollBounds,
    spec.pollCeilingSeconds,
    fail,
  );
  if (news.endpoint !== undefined && news.endpoint !== null && news.endpoint !== "") {
    out.endpoint =
      news.endpoint === UNKNOWN
        ? UNKNOWN
        : checkEndpoint(news.endpoint, "endpoint", spec.api.defaultEndpoint, fail);
  }

  const version = spec.api.apiVersion;
  const apiVersion = news.apiVersion ?? version.default;
  if (apiVersion === UNKNOWN) out.apiVersion = apiVersion;
  else if (typeof apiVersion !== "string" || !version.pattern.test(apiVersion)) {
    fail(
      "apiVersion",
      `apiVersion is the ${version.parameter} of ${spec.api.audience.name} and must look like ${[version.default, ...version.examples].join(" or ")}; remove it to use ${version.default}.`,
    );
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
        `accessToken must be a bearer token string for ${spec.api.audience.resource} (without the 'Bearer ' prefix); omit it to use configured credentials.`,
      );
    } else out.accessToken = typeof token === "string" ? token.trim() : token;
  }
}

/** An enumeration input of a spec: its name, values and default. */
export interface EnumSpec<T extends string> {
  readonly name: string;
  readonly values: readonly T[];
  readonly default: T;
}

export function checkEnum<T extends string>(
  value: unknown,
  spec: EnumSpec<T>,
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

function checkNumber(
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

/** `pollIntervalSeconds`: a number (the ceiling) or `{ min, max }`, within the resource's bounds. */
function checkPollInterval(value: unknown, dflt: PollBounds, ceiling: number, fail: Fail): unknown {
  if (value === undefined || value === null || value === "") return { ...dflt };
  if (value === UNKNOWN) return value;
  const bad = () =>
    fail(
      "pollIntervalSeconds",
      `pollIntervalSeconds must be a number (the longest wait between polls) or { min, max } in seconds with 0.1 <= min <= max <= ${ceiling} (default { min: ${dflt.min}, max: ${dflt.max} }).`,
    );
  let min: unknown;
  let max: unknown;
  if (typeof value === "number") {
    max = value;
    min = Math.min(dflt.min, value);
  } else if (typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    min = v.min ?? Math.min(dflt.min, Number(v.max ?? dflt.max));
    max = v.max ?? Math.max(dflt.max, Number(min));
  } else {
    bad();
    return undefined;
  }
  if (min === UNKNOWN || max === UNKNOWN) return value;
  const lo = Number(min);
  const hi = Number(max);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo < 0.1 || hi > ceiling || lo > hi) {
    bad();
    return undefined;
  }
  return { min: lo, max: hi };
}

// Injected faults: throttling, server errors, latency, dropped and hung connections, garbage and
// huge bodies, and a cancel whose Location points at another origin — everything a client of the
// live service has to survive, on demand and deterministically.
//
// Rules are checked in insertion order and the first applicable one with uses left applies. All
// types but foreignLocation apply before authentication and routing, i.e. with no side effect on
// the emulated state; foreignLocation rewrites the answer of a cancel that otherwise succeeded.

import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

import { defaultErrorCode, injectedError } from "./errors";
import { send, sendError, sendJson } from "./http";

export type Fault =
  | { type: "latency"; ms: number }
  | {
      type: "status";
      status: number;
      retryAfter?: string;
      retryAfterMs?: number;
      body?: string;
      headers?: Record<string, string>;
    }
  | { type: "drop" }
  | { type: "hang" }
  | { type: "malformedJson" }
  | { type: "oversized"; bytes: number; status?: number }
  | { type: "foreignLocation"; origin: string };

export interface FaultMatch {
  method?: string;
  pathIncludes?: string;
  /** A regular expression source, tested against the path and query as received. */
  pathPattern?: string;
}

export interface FaultRule {
  /** Default: every non-admin request. */
  match?: FaultMatch;
  /** How many matching requests the rule applies to (default 1). */
  times?: number;
  /** Apply to every matching request, forever (until clearFaults). */
  always?: boolean;
  fault: Fault;
}

export interface FaultInfo {
  id: string;
  rule: FaultRule;
  /** Uses left; null when unlimited (JSON has no Infinity). */
  remaining: number | null;
}

export class FaultRuleError extends Error {}

interface ActiveRule {
  id: string;
  rule: FaultRule;
  remaining: number;
  pattern?: RegExp;
}

const MAX_OVERSIZED_BYTES = 256 * 1024 * 1024;
const MAX_LATENCY_MS = 10 * 60 * 1000;

export class FaultStore {
  private rules: ActiveRule[] = [];

  add(input: FaultRule): string {
    const rule = parseFaultRule(input);
    const id = randomUUID();
    const remaining = rule.always ? Number.POSITIVE_INFINITY : (rule.times ?? 1);
    const pattern = rule.match?.pathPattern !== undefined ? new RegExp(rule.match.pathPattern) : undefined;
    this.rules.push({ id, rule, remaining, pattern });
    return id;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultInfo[] {
    return this.rules.map((r) => ({
      id: r.id,
      rule: r.rule,
      remaining: Number.isFinite(r.remaining) ? r.remaining : null,
    }));
  }

  /** The fault to apply to a request before routing, if any; consumes one use. */
  takeForRequest(method: string, rawPath: string): Fault | undefined {
    return this.take(method, rawPath, (f) => f.type !== "foreignLocation");
  }

  /** A foreignLocation rule for a cancel about to answer 202, if any; consumes one use. */
  takeForeignLocation(method: string, rawPath: string): string | undefined {
    const fault = this.take(method, rawPath, (f) => f.type === "foreignLocation");
    return fault?.type === "foreignLocation" ? fault.origin : undefined;
  }

  private take(method: string, rawPath: string, kind: (f: Fault) => boolean): Fault | undefined {
    for (const r of this.rules) {
      if (r.remaining <= 0 || !kind(r.rule.fault) || !matches(r, method, rawPath)) continue;
      r.remaining -= 1;
      if (r.remaining <= 0) this.rules = this.rules.filter((x) => x !== r);
      return r.rule.fault;
    }
    return undefined;
  }
}

function matches(r: ActiveRule, method: string, rawPath: string): boolean {
  const m = r.rule.match;
  if (m === undefined) return true;
  if (m.method !== undefined && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.pathIncludes !== undefined && !rawPath.includes(m.pathIncludes)) return false;
  if (r.pattern !== undefined && !r.pattern.test(rawPath)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Validation (rules arrive as JSON over the admin API, or from TypeScript callers at run time).

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function bad(message: string): never {
  throw new FaultRuleError(message);
}

function optString(o: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") bad(`${path}.${key} must be a string`);
  return v;
}

function intIn(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    bad(`${path} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function parseFault(v: unknown): Fault {
  if (!isObj(v)) bad("fault must be an object with a type");
  switch (v.type) {
    case "latency":
      return { type: "latency", ms: intIn(v.ms, "fault.ms", 0, MAX_LATENCY_MS) };
    case "status": {
      const fault: Fault = { type: "status", status: intIn(v.status, "fault.status", 200, 599) };
      const retryAfter = optString(v, "retryAfter", "fault");
      if (retryAfter !== undefined) fault.retryAfter = retryAfter;
      if (v.retryAfterMs !== undefined && v.retryAfterMs !== null) {
        fault.retryAfterMs = intIn(v.retryAfterMs, "fault.retryAfterMs", 0, MAX_LATENCY_MS);
      }
      const body = optString(v, "body", "fault");
      if (body !== undefined) fault.body = body;
      if (v.headers !== undefined && v.headers !== null) {
        if (!isObj(v.headers) || Object.values(v.headers).some((h) => typeof h !== "string")) {
          bad("fault.headers must be an object of string values");
        }
        fault.headers = v.headers as Record<string, string>;
      }
      return fault;
    }
    case "drop":
    case "hang":
    case "malformedJson":
      return { type: v.type };
    case "oversized": {
      const fault: Fault = {
        type: "oversized",
        bytes: intIn(v.bytes, "fault.bytes", 1, MAX_OVERSIZED_BYTES),
      };
      if (v.status !== undefined && v.status !== null)
        fault.status = intIn(v.status, "fault.status", 200, 599);
      return fault;
    }
    case "foreignLocation": {
      const origin = optString(v, "origin", "fault");
      let parsed: URL | undefined;
      try {
        parsed = origin !== undefined ? new URL(origin) : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined || !/^https?:$/.test(parsed.protocol)) {
        bad("fault.origin must be an absolute http(s) origin such as http://evil.example:9");
      }
      return { type: "foreignLocation", origin: parsed.origin };
    }
    default:
      return bad(
        `fault.type must be one of latency, status, drop, hang, malformedJson, oversized, foreignLocation; got ${JSON.stringify(v.type)}`,
      );
  }
}

export function parseFaultRule(v: unknown): FaultRule {
  if (!isObj(v)) bad("a fault rule must be an object with a fault");
  const rule: FaultRule = { fault: parseFault(v.fault) };
  if (v.match !== undefined && v.match !== null) {
    if (!isObj(v.match)) bad("match must be an object");
    const match: FaultMatch = {};
    const method = optString(v.match, "method", "match");
    const pathIncludes = optString(v.match, "pathIncludes", "match");
    const pathPattern = optString(v.match, "pathPattern", "match");
    if (method !== undefined) match.method = method;
    if (pathIncludes !== undefined) match.pathIncludes = pathIncludes;
    if (pathPattern !== undefined) {
      try {
        new RegExp(pathPattern);
      } catch (e) {
        bad(`match.pathPattern is not a valid regular expression: ${(e as Error).message}`);
      }
      match.pathPattern = pathPattern;
    }
    rule.match = match;
  }
  if (v.always !== undefined && v.always !== null) {
    if (typeof v.always !== "boolean") bad("always must be true or false");
    rule.always = v.always;
  }
  if (v.times !== undefined && v.times !== null) {
    if (v.times !== Number.POSITIVE_INFINITY) intIn(v.times, "times", 1, Number.MAX_SAFE_INTEGER);
    rule.times = v.times as number;
  }
  return rule;
}

// ---------------------------------------------------------------------------------------------
// Application.

export type FaultOutcome = "continue" | "handled";

export interface FaultEnv {
  /** Waits on a timer that close() cancels; resolves false when the emulator is closing. */
  sleep(ms: number): Promise<boolean>;
}

/** A JSON body of exactly `bytes` bytes (when that is large enough to hold the wrapper). */
function oversizedBody(bytes: number, status: number): Buffer {
  const prefix =
    status >= 400 ? `{"error":{"code":"${defaultErrorCode(status)}","message":"` : `{"padding":"`;
  const suffix = status >= 400 ? `"}}` : `"}`;
  const buf = Buffer.alloc(bytes, "x");
  if (bytes >= prefix.length + suffix.length) {
    buf.write(prefix, 0, "utf8");
    buf.write(suffix, bytes - suffix.length, "utf8");
  }
  return buf;
}

export async function applyFault(
  fault: Exclude<Fault, { type: "foreignLocation" }>,
  res: ServerResponse,
  env: FaultEnv,
): Promise<FaultOutcome> {
  switch (fault.type) {
    case "latency":
      return (await env.sleep(fault.ms)) ? "continue" : "handled";
    case "status": {
      const headers: Record<string, string> = { ...(fault.headers ?? {}) };
      if (fault.retryAfter !== undefined) headers["Retry-After"] = fault.retryAfter;
      if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
      if (fault.body !== undefined) {
        send(res, fault.status, fault.body, "application/json; charset=utf-8", headers);
      } else if (fault.status >= 400) {
        sendError(res, injectedError(fault.status, headers));
      } else {
        sendJson(res, fault.status, {}, headers);
      }
      return "handled";
    }
    case "drop":
      res.socket?.destroy();
      return "handled";
    case "hang":
      // Never answer; close() destroys the socket.
      return "handled";
    case "malformedJson":
      send(
        res,
        200,
        '{"status":"running","steps":[{"id":"validate","stepName":"Valid',
        "application/json; charset=utf-8",
      );
      return "handled";
    case "oversized": {
      const status = fault.status ?? 200;
      send(res, status, oversizedBody(fault.bytes, status), "application/json; charset=utf-8");
      return "handled";
    }
  }
}

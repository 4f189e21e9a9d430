/**
 * The retry policy, in one place: when to retry an HTTP request and how long to wait first (the
 * HTTP client asks), and what a failure that outlasted the retries means (the cancellation asks):
 * may a cancel POST that failed have been acted on anyway, and is the failure worth another
 * `pulumi up`? Pure functions, so the policy can be read and tested on its own.
 */
import { AbortError, HTTPError, NetworkError, ResponseError, TimeoutError } from "./errors";

export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  retries: number;
  /** First backoff delay; doubles on each retry. Default 1000 ms. */
  baseDelayMs: number;
  /** Upper bound of one backoff delay. Default 30 000 ms. */
  maxDelayMs: number;
  /** Upper bound of a server-requested delay (`Retry-After`); longer requests fail fast. Default 120 000 ms. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Statuses that mean "not now": the server did not process the request and says when to come back. */
const THROTTLED = new Set([429, 503]);
/** Server errors that are worth another try for idempotent requests. 501 and 505 never get better. */
const TRANSIENT = new Set([408, 500, 502, 504, 507, 508, 509, 520, 521, 522, 523, 524]);
/** 5xx answers that prove the server did not act: throttled (503), or it cannot (501, 505). */
const REFUSED_5XX = new Set([501, 503, 505]);

export type AttemptOutcome =
  | { kind: "response"; status: number; headers: HeaderLookup }
  | { kind: "network"; requestNotSent: boolean }
  | { kind: "timeout" }
  | { kind: "unusableBody" };

export interface HeaderLookup {
  get(name: string): string | null;
}

/**
 * Decides whether attempt number `attempt` (0-based) is retried and after how many ms.
 *
 * `idempotent` is false for the cancel POST: it is retried only when the server provably did not
 * act on it (429/503, or the connection never carried the request). A timeout or a dropped
 * connection after sending might have cancelled already; the caller confirms through the
 * operation list instead of sending a second cancel.
 */
export function retryDelay(
  attempt: number,
  outcome: AttemptOutcome,
  idempotent: boolean,
  options: RetryOptions,
  now: number = Date.now(),
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= options.retries) return undefined;
  switch (outcome.kind) {
    case "response": {
      if (THROTTLED.has(outcome.status)) {
        const asked = parseRetryAfter(outcome.headers, now);
        if (asked === undefined) return backoff(attempt, options, random);
        return asked <= options.maxRetryAfterMs ? asked : undefined;
      }
      if (idempotent && TRANSIENT.has(outcome.status)) return backoff(attempt, options, random);
      return undefined;
    }
    case "network":
      return idempotent || outcome.requestNotSent ? backoff(attempt, options, random) : undefined;
    case "timeout":
    case "unusableBody":
      return idempotent ? backoff(attempt, options, random) : undefined;
  }
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of
 * many resources in one `pulumi up` spread out instead of arriving together.
 */
export function backoff(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Reads a server-requested delay in ms from `retry-after-ms`, `x-ms-retry-after-ms` or
 * `Retry-After` (delta-seconds or an HTTP date). Returns undefined when absent or unparsable;
 * a date in the past means "now" (0).
 */
export function parseRetryAfter(headers: HeaderLookup, now: number = Date.now()): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = headers.get(name)?.trim();
    if (value && /^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value));
  }
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * True when a failed request that is not idempotent (the cancel POST) may still have been acted
 * on: it was sent and no answer proves it was refused. 429, 503, 4xx and "never sent" are proof;
 * a lost, cut or unreadable answer is not, and neither is a 5xx from a gateway or a server that
 * failed half-way. Nor is an abort (the engine asked the provider to stop, `shutdown.ts`): we
 * stopped listening, the request may already have left.
 */
export function mayHaveReachedService(err: unknown): boolean {
  if (err instanceof AbortError) return true;
  if (err instanceof TimeoutError || err instanceof ResponseError) return true;
  if (err instanceof NetworkError) return !err.requestNotSent;
  if (err instanceof HTTPError) return err.status >= 500 && !REFUSED_5XX.has(err.status);
  return false;
}

/**
 * True for failures that may pass by themselves (throttling beyond the retries, 408, 5xx, network
 * failures, garbled answers), for which "run it again" is the advice. Other failures (401/403/404,
 * credentials, guards) say what to fix instead.
 */
export function isTransientFailure(err: unknown): boolean {
  return (
    err instanceof NetworkError ||
    err instanceof TimeoutError ||
    err instanceof ResponseError ||
    (err instanceof HTTPError && (err.status === 408 || THROTTLED.has(err.status) || err.status >= 500))
  );
}

/**
 * When to poll and when to stop, for any long-running operation. How to poll one particular API
 * is the job of an {@link PollableOperation} (see `operation.ts`); this split follows
 * `@azure/core-lro`, so the schedule can be tested without HTTP and the API without clocks.
 */
import { AbortError, OperationTimeoutError, ResponseError } from "./errors";
import { sleep } from "./http";
import { DEFAULT_RETRY } from "./retry";

export interface PollResult<S> {
  state: S;
  done: boolean;
  /** The service asked us to wait this long before the next poll. */
  retryAfterMs?: number;
}

export interface PollableOperation<S> {
  poll(signal?: AbortSignal): Promise<PollResult<S>>;
  /** One line about a state, used in timeout messages ("status 'Queued' (not a known value)"). */
  describe(state: S): string;
}

export interface PollProgress<S> {
  elapsedMs: number;
  pollCount: number;
  state: S;
  /** When the next poll happens; undefined after the final poll. */
  nextDelayMs?: number;
}

export interface PollerOptions<S> {
  /** Overall budget for this wait. */
  timeoutMs: number;
  /** First delay, and the floor of every delay (also of Retry-After). Default 1000 ms. */
  minIntervalMs?: number;
  /** The delay grows towards this ceiling while the operation keeps running. Default 5000 ms. */
  maxIntervalMs?: number;
  /** Growth factor per poll. Default 1.5. */
  growth?: number;
  /** Delay before the first poll. Default `minIntervalMs`; 0 when resuming a wait. */
  initialDelayMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: PollProgress<S>) => void;
  /**
   * Longest service-requested wait honoured between two polls. A `Retry-After: 3600` would
   * otherwise sleep through the whole `timeoutSeconds`. Default: the retry policy's cap on a
   * server-requested delay.
   */
  maxRetryAfterMs?: number;
  /** Polls that may fail in a row with an unusable body before we give up. Default 3. */
  maxConsecutiveBadBodies?: number;
  /** Text for the timeout error: what was being waited for. */
  what?: string;
}

export interface PollOutcome<S> {
  state: S;
  pollCount: number;
  elapsedMs: number;
}

/**
 * Polls until `done`, the deadline, or the abort signal. The schedule honours a service-provided
 * `Retry-After` first; otherwise it starts at the floor and grows by `growth` up to the ceiling,
 * so a 5-second cancellation is noticed within about a second and a 15-minute one costs a few
 * hundred requests, not a thousand. The final sleep is cut to the deadline so a timeout is
 * reported on time, after one last poll.
 */
export async function pollUntilDone<S>(
  op: PollableOperation<S>,
  options: PollerOptions<S>,
): Promise<PollOutcome<S>> {
  const min = Math.max(0, options.minIntervalMs ?? 1000);
  const max = Math.max(min, options.maxIntervalMs ?? 5000);
  const growth = Math.max(1, options.growth ?? 1.5);
  const maxBad = options.maxConsecutiveBadBodies ?? 3;
  const maxRetryAfter = Math.max(min, options.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs);
  const what = options.what ?? "the operation";
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let interval = min;
  let delay = Math.min(options.initialDelayMs ?? min, Math.max(0, options.timeoutMs));
  let pollCount = 0;
  let badBodies = 0;
  let last: S | undefined;

  for (;;) {
    if (delay > 0) await sleep(delay, options.signal, `Waiting for ${what}`);
    if (options.signal?.aborted) throw new AbortError(`Waiting for ${what}`);
    let result: PollResult<S>;
    try {
      pollCount++;
      result = await op.poll(options.signal);
      badBodies = 0;
    } catch (err) {
      // A garbled body is usually one bad response from a proxy or a deploy in progress.
      if (!(err instanceof ResponseError) || ++badBodies >= maxBad) throw err;
      if (Date.now() >= deadline) throw err;
      delay = Math.min(interval, deadline - Date.now());
      continue;
    }
    last = result.state;
    const elapsedMs = Date.now() - started;
    if (result.done) {
      options.onProgress?.({ elapsedMs, pollCount, state: result.state });
      return { state: result.state, pollCount, elapsedMs };
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      options.onProgress?.({ elapsedMs, pollCount, state: result.state });
      throw new OperationTimeoutError(
        `Gave up waiting for ${what} after ${formatDuration(elapsedMs)} (timeoutSeconds); last seen: ${op.describe(last)}.`,
        op.describe(last),
      );
    }
    const wanted =
      result.retryAfterMs !== undefined
        ? Math.min(maxRetryAfter, Math.max(min, result.retryAfterMs))
        : interval;
    delay = Math.min(wanted, remaining);
    interval = Math.min(max, interval * growth);
    options.onProgress?.({ elapsedMs, pollCount, state: result.state, nextDelayMs: delay });
  }
}

/** "4.2s", "3m05s": short enough for a progress line. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  const rest = Math.floor(s % 60);
  return `${m}m${String(rest).padStart(2, "0")}s`;
}

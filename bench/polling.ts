/**
 * Section 1 — polling efficiency. For cancellations that take D seconds on the service, with and
 * without a `Retry-After` on the operation status answers, how many status requests does each
 * strategy send, and how long after the service finished does it notice?
 *
 * Every poll is a real `CppClient.getOperation` over real HTTP (loopback) to the emulator, through
 * a small proxy (`proxy.ts`) that adds `Retry-After` when asked to. The emulator clock runs k
 * times faster than real time (`startEmulator({ timeScale: k })`) and every strategy's intervals
 * are divided by the same k, so the schedule in service time is exactly the real one; latencies
 * are reported in service (emulated) seconds.
 *
 * Phase: a fixed-interval loop that starts with the cancel would see a duration that is a
 * multiple of its interval finish exactly on a poll. Real durations are not aligned, so run i's
 * service duration is D + u_i with u_i stratified-uniform in ±W/2, W = min(D, max(10 s, the
 * Retry-After)): one full period of the slowest schedule. All strategies of run i see the same
 * u_i: the comparison is paired.
 */
import { Emulator, startEmulator } from "../emulator";
import { AccessTokenSource, CppClient } from "../provider/cpp/client";
import { OFFER_OPERATION_POLL_INTERVAL as DEFAULT_POLL_INTERVAL } from "../provider/cpp/inputSpec";
import { CancellationState, locationOperation } from "../provider/cpp/operation";
import { PollableOperation, pollUntilDone } from "../provider/core/poller";
import { TERMINAL_STATUSES } from "../provider/cpp/status";
import { RetryAfterProxy, startRetryAfterProxy } from "./proxy";
import { max, median, min, nowMs, sleep } from "./stats";

export type StrategyId = "ours" | "fixed1" | "fixed10" | "azapi";

export interface StrategyDef {
  id: StrategyId;
  label: string;
  /** Honours a service Retry-After. */
  honoursRetryAfter: boolean;
}

export const STRATEGIES: Record<StrategyId, StrategyDef> = {
  ours: {
    id: "ours",
    label: `ours (pollUntilDone ${DEFAULT_POLL_INTERVAL.min}→${DEFAULT_POLL_INTERVAL.max} s, ×1.5)`,
    honoursRetryAfter: true,
  },
  fixed1: { id: "fixed1", label: "fixed 1 s (curl loop)", honoursRetryAfter: false },
  fixed10: { id: "fixed10", label: "fixed 10 s (azapi interval)", honoursRetryAfter: false },
  azapi: { id: "azapi", label: "azapi/azcore (10 s, Retry-After wins)", honoursRetryAfter: true },
};

export interface PollingConfig {
  durations: number[];
  runs: number;
  /** Service-side Retry-After values (seconds) to test besides "none". */
  retryAfter: number[];
  /** Emulator time scale for a duration. */
  scaleFor(durationS: number): number;
}

export interface PollRun {
  durationS: number;
  /** The run's actual service duration (D + phase offset). */
  serviceS: number;
  retryAfterS?: number;
  strategy: StrategyId;
  run: number;
  /** Status GETs of the cancellation operation seen by the emulator. */
  requests: number;
  /** Service finish → the client parsed the first terminal answer, in service seconds. */
  latencyS: number;
  /** Real round-trip times of the status GETs, ms. */
  rttMs: number[];
  outcome?: string;
}

export interface PollCell {
  durationS: number;
  retryAfterS?: number;
  strategy: StrategyId;
  timeScale: number;
  runs: number;
  /** True when this cell reuses the no-Retry-After runs (the strategy ignores the header). */
  reused: boolean;
  requests: { median: number; min: number; max: number };
  latencyS: { median: number; min: number; max: number };
}

export interface PollingResult {
  cells: PollCell[];
  runs: PollRun[];
  timeScales: Record<number, number>;
  /** Median real RTT of a status GET (ms) and what it is in service seconds, per duration. */
  rtt: Record<number, { realMs: number; serviceS: number }>;
  wallS: number;
}

const PUBLISHER = "bench";
const STATIC_TOKEN = "bench-static-token";

const staticToken: AccessTokenSource = { getToken: async () => STATIC_TOKEN };

/** Runs the whole polling section; `log` gets one line per duration. */
export async function runPolling(config: PollingConfig, log: (line: string) => void): Promise<PollingResult> {
  const started = nowMs();
  const runs: PollRun[] = [];
  const timeScales: Record<number, number> = {};
  const rtt: PollingResult["rtt"] = {};
  for (const durationS of config.durations) {
    const k = config.scaleFor(durationS);
    timeScales[durationS] = k;
    const t0 = nowMs();
    const cellRuns = await runDuration(durationS, k, config);
    runs.push(...cellRuns);
    const rttMs = median(cellRuns.flatMap((r) => r.rttMs));
    rtt[durationS] = { realMs: rttMs, serviceS: (rttMs * k) / 1000 };
    log(
      `polling: D=${durationS}s at timeScale ${k}: ${cellRuns.length} waits in ${((nowMs() - t0) / 1000).toFixed(1)} s real ` +
        `(median status RTT ${rttMs.toFixed(2)} ms real = ${((rttMs * k) / 1000).toFixed(3)} s service)`,
    );
  }
  return {
    cells: summarize(runs, config, timeScales),
    runs,
    timeScales,
    rtt,
    wallS: (nowMs() - started) / 1000,
  };
}

async function runDuration(durationS: number, k: number, config: PollingConfig): Promise<PollRun[]> {
  const emu = await startEmulator({
    timeScale: k,
    seed: {
      staticTokens: { [STATIC_TOKEN]: { publishers: ["*"] } },
      publishers: { [PUBLISHER]: { offers: {} } },
    },
  });
  const proxies = new Map<number | undefined, RetryAfterProxy>();
  try {
    proxies.set(undefined, await startRetryAfterProxy({ upstream: emu.url, timeScale: k }));
    for (const r of config.retryAfter) {
      proxies.set(r, await startRetryAfterProxy({ upstream: emu.url, timeScale: k, retryAfterSeconds: r }));
    }
    // Warm up each proxy path (connections, JIT) so the first cancels are not slower than the rest.
    for (const proxy of proxies.values()) await warmUp(emu, proxy.url);
    const tasks: Promise<() => PollRun>[] = [];
    for (let run = 0; run < config.runs; run++) {
      // Stratified: run i's offset lies in the i-th slice of the window, at a random point shared
      // by every variant of run i.
      const slice = (run + Math.random()) / config.runs - 0.5;
      const variants: (number | undefined)[] = [undefined, ...config.retryAfter];
      for (const retryAfterS of variants) {
        const serviceS = durationS + slice * phaseWindow(durationS, retryAfterS);
        const strategies: StrategyId[] =
          retryAfterS === undefined ? ["ours", "fixed1", "fixed10"] : ["ours", "azapi"];
        for (const strategy of strategies) {
          const proxy = proxies.get(retryAfterS)!;
          // One cancel at a time: a hundred concurrent first requests take up to half a second
          // (many service seconds at k > 1) to answer, which would shift each loop's poll grid by
          // a different amount and undo the stratified phases. The waits then run concurrently.
          const { waiting } = await startWait(emu, proxy.url, {
            durationS,
            serviceS,
            retryAfterS,
            strategy,
            run,
            k,
          });
          tasks.push(waiting);
        }
      }
    }
    const finished = await Promise.all(tasks);
    return finished.map((result) => result());
  } finally {
    for (const p of proxies.values()) await p.close();
    await closeQuietly(emu);
  }
}

/**
 * Width of the phase window: one full period of the slowest schedule in play (10 s, or the
 * Retry-After when longer), but never more than D itself.
 */
export function phaseWindow(durationS: number, retryAfterS?: number): number {
  return Math.min(durationS, Math.max(10, retryAfterS ?? 0));
}

interface WaitSpec {
  durationS: number;
  serviceS: number;
  retryAfterS?: number;
  strategy: StrategyId;
  run: number;
  k: number;
}

async function warmUp(emu: Emulator, endpoint: string): Promise<void> {
  emu.configureOffer(PUBLISHER, "warm-up", {});
  const client = new CppClient({ endpoint, credential: staticToken, timeoutMs: 30_000 });
  for (let i = 0; i < 20; i++) await client.listSubmissions(PUBLISHER, "warm-up");
}

/**
 * Sends the cancel and resolves once it is answered, with `waiting`: the rest of the wait, which
 * resolves with a function that reads the results once the whole cell is done.
 */
async function startWait(
  emu: Emulator,
  endpoint: string,
  spec: WaitSpec,
): Promise<{ waiting: Promise<() => PollRun> }> {
  const offerId = `d${spec.durationS}-ra${spec.retryAfterS ?? "none"}-${spec.strategy}-${spec.run}`;
  // The publish must outlive the cancellation, or the cancellation has nothing left to cancel.
  emu.configureOffer(PUBLISHER, offerId, {
    cancelSeconds: spec.serviceS,
    operationSeconds: spec.serviceS * 10 + 3600,
  });
  emu.startOperation(PUBLISHER, offerId, "publish", spec.serviceS * 10 + 3600);
  const client = new CppClient({ endpoint, credential: staticToken, timeoutMs: 30_000 });

  const res = await client.cancel(PUBLISHER, offerId);
  if (res.httpStatus !== 202 || !res.location) throw new Error(`${offerId}: expected 202 with a Location`);
  return { waiting: waitFor(emu, client, res.location, offerId, spec) };
}

async function waitFor(
  emu: Emulator,
  client: CppClient,
  location: URL,
  offerId: string,
  spec: WaitSpec,
): Promise<() => PollRun> {
  const operationId = location.pathname.split("/").pop()!;
  const rttMs: number[] = [];
  let detectedAt = Number.NaN;
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t = nowMs();
    const out = await fn();
    rttMs.push(nowMs() - t);
    return out;
  };
  const scale = (seconds: number) => (seconds * 1000) / spec.k;
  const timeoutMs = scale(spec.serviceS * 3 + 600);

  if (spec.strategy === "ours") {
    const inner = locationOperation(client, location);
    const op: PollableOperation<CancellationState> = {
      describe: inner.describe,
      poll: async (signal) => {
        const r = await timed(() => inner.poll(signal));
        // Date.now(): the clock the emulator stamps its log with (see serviceTimeOf below).
        if (r.done && Number.isNaN(detectedAt)) detectedAt = Date.now();
        return r;
      },
    };
    await pollUntilDone(op, {
      timeoutMs,
      minIntervalMs: scale(DEFAULT_POLL_INTERVAL.min),
      maxIntervalMs: scale(DEFAULT_POLL_INTERVAL.max),
      what: offerId,
    });
  } else {
    // A fixed loop: poll at once, then every T (as `until curl …; do sleep T; done` and azcore's
    // PollUntilDone do); azapi's azcore poller lets a Retry-After replace T.
    const intervalMs = scale(spec.strategy === "fixed1" ? 1 : 10);
    const honours = STRATEGIES[spec.strategy].honoursRetryAfter;
    const deadline = nowMs() + timeoutMs;
    for (;;) {
      const poll = await timed(() => client.getOperation(location));
      if (TERMINAL_STATUSES.has(poll.snapshot.status.status)) {
        detectedAt = Date.now();
        break;
      }
      if (nowMs() > deadline) throw new Error(`${offerId}: still running at the deadline`);
      await sleep(honours && poll.retryAfterMs !== undefined ? poll.retryAfterMs : intervalMs);
    }
  }

  // Everything below reads the emulator's log, which grows to tens of thousands of records: it
  // runs only after every wait of the cell has finished, so it cannot delay anyone's detection.
  return () => {
    const requests = emu.countRequests({ method: "GET", pathIncludes: operationId });
    const view = emu.getOperation(operationId);
    if (!view?.endedAt) throw new Error(`${offerId}: the emulator has no end time for ${operationId}`);
    // The emulator records each request's arrival on both clocks at the same instant; the cancel
    // POST's pair maps real time onto service time for this wait (the clock is linear).
    const post = emu.requests.find(
      (r) => r.method === "POST" && r.path.includes(`/offers/${offerId}/cancel`),
    );
    if (!post) throw new Error(`${offerId}: the cancel POST is not in the emulator's request log`);
    const serviceTimeOf = (realMs: number) =>
      Date.parse(post.emulatedAt) + (realMs - Date.parse(post.at)) * spec.k;
    return {
      durationS: spec.durationS,
      serviceS: spec.serviceS,
      retryAfterS: spec.retryAfterS,
      strategy: spec.strategy,
      run: spec.run,
      requests,
      latencyS: (serviceTimeOf(detectedAt) - Date.parse(view.endedAt)) / 1000,
      rttMs,
      outcome: view.outcome,
    };
  };
}

function summarize(runs: PollRun[], config: PollingConfig, timeScales: Record<number, number>): PollCell[] {
  const cells: PollCell[] = [];
  const spread = (xs: number[]) => ({ median: median(xs), min: min(xs), max: max(xs) });
  for (const durationS of config.durations) {
    for (const retryAfterS of [undefined, ...config.retryAfter]) {
      const ids: StrategyId[] =
        retryAfterS === undefined ? ["ours", "fixed1", "fixed10"] : ["ours", "fixed1", "fixed10", "azapi"];
      for (const strategy of ids) {
        const reused = retryAfterS !== undefined && !STRATEGIES[strategy].honoursRetryAfter;
        const source = reused ? undefined : retryAfterS;
        const mine = runs.filter(
          (r) => r.durationS === durationS && r.strategy === strategy && r.retryAfterS === source,
        );
        cells.push({
          durationS,
          retryAfterS,
          strategy,
          timeScale: timeScales[durationS],
          runs: mine.length,
          reused,
          requests: spread(mine.map((r) => r.requests)),
          latencyS: spread(mine.map((r) => r.latencyS)),
        });
      }
    }
  }
  return cells;
}

/** The emulator's close() waits for keep-alive sockets in some revisions: never let it hang the bench. */
export async function closeQuietly(emu: Emulator): Promise<void> {
  await Promise.race([emu.close(), sleep(3000)]);
}

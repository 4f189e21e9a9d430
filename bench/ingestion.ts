/**
 * Section "ingestion" — the wait of `IngestionJobCancellation`. For a configure job whose cancel
 * takes D seconds to take effect on the service (the emulator's async cancel mode: the cancel
 * answers `running/pending`, the job turns `completed/cancelled` D seconds later), how many
 * `GET configure/{jobId}/status` requests does the resource's wait send, and how long after the
 * job completed does it notice — against a fixed one-minute loop (the "at most one status request
 * per minute" the service documents, as `until curl …; do sleep 60; done` would poll).
 *
 * "ours" is the resource's real wait: `sentJobCancelOperation` (provider/ingestion/operation.ts)
 * driven by the shared `pollUntilDone` with the resource's default bounds (60 → 120 s, ×1.5),
 * every poll a real `IngestionClient.getStatus` over HTTP to the emulator on loopback. The
 * emulator clock runs k times faster than real time and every interval is divided by k, so the
 * schedule in service time is the real one. Requests and detection are read from the emulator's
 * request log (arrival on the emulated clock), the same way for both strategies: detection is the
 * first status request that arrived after the job's end.
 *
 * Phase: run i's D is D + u_i, u_i stratified-uniform in ±W/2 with W = min(D, 60 s) (one period
 * of the fixed loop); both strategies of run i see the same u_i.
 */
import { Emulator, startEmulator } from "../emulator";
import type { AccessTokenSource } from "../provider/cpp/client";
import { IngestionClient } from "../provider/ingestion/client";
import { INGESTION_JOB_POLL_INTERVAL as DEFAULT_JOB_POLL_INTERVAL } from "../provider/ingestion/inputSpec";
import { jobStatusOperation, sentJobCancelOperation } from "../provider/ingestion/operation";
import type { SentJobCancel } from "../provider/ingestion/sentCancellation";
import { isCompleted } from "../provider/ingestion/status";
import { pollUntilDone } from "../provider/core/poller";
import { closeQuietly } from "./polling";
import { max, median, min, nowMs, sleep } from "./stats";

export type IngestionStrategy = "ours" | "fixed60";

export const INGESTION_STRATEGIES: Record<IngestionStrategy, string> = {
  ours: `ours (IngestionJobCancellation: ${DEFAULT_JOB_POLL_INTERVAL.min}→${DEFAULT_JOB_POLL_INTERVAL.max} s, ×1.5)`,
  fixed60: "fixed 60 s loop (one status request a minute)",
};

export interface IngestionBenchConfig {
  durations: number[];
  runs: number;
  timeScale: number;
}

export interface IngestionRun {
  durationS: number;
  serviceS: number;
  strategy: IngestionStrategy;
  run: number;
  /** Status GETs of the job seen by the emulator. */
  requests: number;
  /** Job end → arrival of the first status request after it, in service seconds. */
  latencyS: number;
}

export interface IngestionCell {
  durationS: number;
  strategy: IngestionStrategy;
  runs: number;
  requests: { median: number; min: number; max: number };
  latencyS: { median: number; min: number; max: number };
}

export interface IngestionResult {
  cells: IngestionCell[];
  runs: IngestionRun[];
  timeScale: number;
  wallS: number;
}

const STATIC_TOKEN = "bench-ingestion-token";
const staticToken: AccessTokenSource = { getToken: async () => STATIC_TOKEN };
const FIXED_INTERVAL_S = 60;

export async function runIngestion(
  config: IngestionBenchConfig,
  log: (line: string) => void,
): Promise<IngestionResult> {
  const started = nowMs();
  const runs: IngestionRun[] = [];
  for (const durationS of config.durations) {
    const t0 = nowMs();
    const cell = await runDuration(durationS, config);
    runs.push(...cell);
    log(
      `ingestion: D=${durationS}s at timeScale ${config.timeScale}: ${cell.length} waits in ${((nowMs() - t0) / 1000).toFixed(1)} s real`,
    );
  }
  return {
    cells: summarize(runs, config),
    runs,
    timeScale: config.timeScale,
    wallS: (nowMs() - started) / 1000,
  };
}

async function runDuration(durationS: number, config: IngestionBenchConfig): Promise<IngestionRun[]> {
  const k = config.timeScale;
  const emu = await startEmulator({
    timeScale: k,
    seed: { staticTokens: { [STATIC_TOKEN]: { publishers: ["*"] } }, publishers: { bench: { offers: {} } } },
  });
  try {
    emu.ingestion.setSettings({ cancelMode: "async" });
    const client = new IngestionClient({ endpoint: emu.url, credential: staticToken, timeoutMs: 30_000 });
    // Warm up the connection and the JIT so the first waits are not slower than the rest.
    const warm = startJob(emu, "warm-up");
    for (let i = 0; i < 20; i++) await client.getStatus(warm);

    const waits: Promise<() => IngestionRun>[] = [];
    const window = Math.min(durationS, FIXED_INTERVAL_S);
    for (let run = 0; run < config.runs; run++) {
      const serviceS = durationS + ((run + Math.random()) / config.runs - 0.5) * window;
      for (const strategy of ["ours", "fixed60"] as const) {
        // One cancel at a time (each sets how long its cancel takes), then the waits run concurrently.
        const jobId = startJob(emu, `d${durationS}-${strategy}-${run}`);
        emu.ingestion.setSettings({ asyncCancelSeconds: serviceS });
        const sent: SentJobCancel = {
          jobId,
          endpoint: emu.url,
          requestedAt: new Date().toISOString(),
          answered: false,
        };
        const answer = await client.cancel(jobId);
        if (isCompleted(answer.snapshot))
          throw new Error(`${jobId}: the async cancel answered a completed job`);
        sent.answered = true;
        waits.push(wait(emu, client, sent, { durationS, serviceS, strategy, run, k }));
      }
    }
    const done = await Promise.all(waits);
    return done.map((read) => read());
  } finally {
    await closeQuietly(emu);
  }
}

function startJob(emu: Emulator, name: string): string {
  const product = emu.ingestion.addProduct(`bench-${name}`);
  return emu.ingestion.startPublishJob({
    product: product.id,
    notStartedSeconds: 0,
    runningSeconds: 30 * 24 * 3600,
    pointOfNoReturnSeconds: null,
  }).jobId;
}

async function wait(
  emu: Emulator,
  client: IngestionClient,
  sent: SentJobCancel,
  spec: { durationS: number; serviceS: number; strategy: IngestionStrategy; run: number; k: number },
): Promise<() => IngestionRun> {
  const scale = (seconds: number) => (seconds * 1000) / spec.k;
  const timeoutMs = scale(spec.serviceS * 3 + 1800);
  if (spec.strategy === "ours") {
    const operation = sentJobCancelOperation(client, {
      current: () => sent,
      confirmWindowMs: Number.POSITIVE_INFINITY,
      resend: async () => {
        throw new Error("the bench's cancels are answered: no resend");
      },
    });
    await pollUntilDone(operation, {
      timeoutMs,
      minIntervalMs: scale(DEFAULT_JOB_POLL_INTERVAL.min),
      maxIntervalMs: scale(DEFAULT_JOB_POLL_INTERVAL.max),
      maxRetryAfterMs: scale(DEFAULT_JOB_POLL_INTERVAL.max),
      what: sent.jobId,
    });
  } else {
    // Poll at once, then every 60 s, as a shell loop after the cancel would.
    const op = jobStatusOperation(client, sent.jobId);
    const deadline = nowMs() + timeoutMs;
    for (;;) {
      if ((await op.poll(new AbortController().signal)).done) break;
      if (nowMs() > deadline) throw new Error(`${sent.jobId}: still running at the deadline`);
      await sleep(scale(FIXED_INTERVAL_S));
    }
  }
  // Reads the emulator's log only once every wait of the cell is done (it cannot delay detection).
  return () => {
    const job = emu.ingestion.getJob(sent.jobId);
    if (!job?.endedAt || job.jobResult !== "cancelled")
      throw new Error(`${sent.jobId}: did not end cancelled`);
    const endedAt = Date.parse(job.endedAt);
    const polls = emu.requests.filter(
      (r) => r.method === "GET" && r.path.includes(`/configure/${sent.jobId}/status`),
    );
    const seen = polls.find((r) => Date.parse(r.emulatedAt) >= endedAt);
    if (!seen) throw new Error(`${sent.jobId}: no status request after the job ended`);
    return {
      durationS: spec.durationS,
      serviceS: spec.serviceS,
      strategy: spec.strategy,
      run: spec.run,
      requests: polls.length,
      latencyS: (Date.parse(seen.emulatedAt) - endedAt) / 1000,
    };
  };
}

function summarize(runs: IngestionRun[], config: IngestionBenchConfig): IngestionCell[] {
  const spread = (xs: number[]) => ({ median: median(xs), min: min(xs), max: max(xs) });
  const cells: IngestionCell[] = [];
  for (const durationS of config.durations) {
    for (const strategy of ["ours", "fixed60"] as const) {
      const mine = runs.filter((r) => r.durationS === durationS && r.strategy === strategy);
      cells.push({
        durationS,
        strategy,
        runs: mine.length,
        requests: spread(mine.map((r) => r.requests)),
        latencyS: spread(mine.map((r) => r.latencyS)),
      });
    }
  }
  return cells;
}

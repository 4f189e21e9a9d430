/**
 * Benchmark settings, all from environment variables so `npm run bench` needs no arguments:
 *
 *   BENCH_QUICK=1                 a fast smoke run (about 2 minutes); writes to a temp dir
 *   BENCH_SECTIONS=polling,fleet,preview,startup,ingestion,native   run only some sections (a
 *                                 run of some sections into an existing results.md replaces only
 *                                 those, and says under each that it was measured apart)
 *   BENCH_DURATIONS=5,60,900      polling: service durations, seconds
 *   BENCH_POLL_RUNS=11            polling: runs per cell (each with its own phase offset)
 *   BENCH_RETRY_AFTER=2,10,30     polling: service Retry-After values to test besides none
 *   BENCH_TIME_SCALE=15           polling: emulator speed for every duration (default 1 up to
 *                                 10 s, else 15)
 *   BENCH_FLEET_SIZES=1,10,50,200 fleet: stack sizes
 *   BENCH_FLEET_D=10              fleet: seconds each cancellation takes on the service
 *   BENCH_FLEET_RUNS=3            fleet: runs per size at the engine default (default 3 up to
 *                                 N=10, 1 above)
 *   BENCH_FLEET_COMPARE=1         fleet: also run parallel=N where N > the engine default (0 = off)
 *   BENCH_FLEET_SKIP_CHECKPOINTS=1  fleet: also run the largest N at parallel=N with the engine's
 *                                 PULUMI_SKIP_CHECKPOINTS=true (0 = off)
 *   BENCH_PREVIEW_N=200           preview: resources
 *   BENCH_PREVIEW_RUNS=3          preview: runs per kind
 *   BENCH_STARTUP_RUNS=5          provider process: standalone start-up samples
 *   BENCH_INGESTION_DURATIONS=5,60,900  ingestion: seconds a job's cancel takes on the service
 *   BENCH_INGESTION_RUNS=5        ingestion: runs per duration and strategy
 *   BENCH_INGESTION_TIME_SCALE=30 ingestion: emulator speed (its polls are a minute apart)
 *   BENCH_NATIVE_N=200            native: resources in its preview and fleet (fleet at --parallel N)
 *   BENCH_NATIVE_RUNS=3           native: preview runs per kind
 *   BENCH_NATIVE_FLEET_RUNS=1     native: fleet rounds (up + destroy) per front
 *   BENCH_OUT_DIR=bench           where results.md and the SVGs go
 */
import * as os from "node:os";
import * as path from "node:path";

export type Section = "polling" | "fleet" | "preview" | "startup" | "ingestion" | "native";

export interface BenchConfig {
  quick: boolean;
  sections: Set<Section>;
  durations: number[];
  pollRuns: number;
  retryAfter: number[];
  timeScale?: number;
  fleetSizes: number[];
  fleetD: number;
  fleetRuns?: number;
  fleetCompare: boolean;
  fleetSkipCheckpoints: boolean;
  previewN: number;
  previewRuns: number;
  startupRuns: number;
  ingestionDurations: number[];
  ingestionRuns: number;
  ingestionTimeScale: number;
  nativeN: number;
  nativeRuns: number;
  nativeFleetRuns: number;
  outDir: string;
  /** The BENCH_* variables that were set, for the "reproduce" line. */
  env: Record<string, string>;
}

export const ALL_SECTIONS: Section[] = ["polling", "fleet", "preview", "startup", "ingestion", "native"];

function list(name: string, fallback: number[]): number[] {
  const v = process.env[name];
  if (v === undefined || v.trim() === "") return fallback;
  const out = v.split(",").map((x) => Number(x.trim()));
  if (out.some((x) => !Number.isFinite(x) || x < 0))
    throw new Error(`${name} must be a comma-separated list of numbers, got ${v}`);
  return out;
}

function num(name: string, fallback: number): number;
function num(name: string, fallback: number | undefined): number | undefined;
function num(name: string, fallback: number | undefined): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
}

export function readConfig(repoRoot: string): BenchConfig {
  const quick = process.env.BENCH_QUICK === "1" || process.env.BENCH_QUICK === "true";
  const sectionsEnv = process.env.BENCH_SECTIONS;
  const sections = new Set<Section>(
    sectionsEnv ? (sectionsEnv.split(",").map((s) => s.trim()) as Section[]) : ALL_SECTIONS,
  );
  for (const s of sections)
    if (!ALL_SECTIONS.includes(s)) throw new Error(`BENCH_SECTIONS: unknown section ${s}`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith("BENCH_") && v !== undefined) env[k] = v;
  return {
    quick,
    sections,
    durations: list("BENCH_DURATIONS", quick ? [5, 60] : [5, 60, 900]),
    pollRuns: num("BENCH_POLL_RUNS", quick ? 3 : 11),
    retryAfter: list("BENCH_RETRY_AFTER", quick ? [10] : [2, 10, 30]),
    timeScale: num("BENCH_TIME_SCALE", quick ? 20 : undefined),
    fleetSizes: list("BENCH_FLEET_SIZES", quick ? [1, 10] : [1, 10, 50, 200]),
    fleetD: num("BENCH_FLEET_D", quick ? 3 : 10),
    fleetRuns: num("BENCH_FLEET_RUNS", quick ? 1 : undefined),
    fleetCompare: (process.env.BENCH_FLEET_COMPARE ?? "1") !== "0",
    fleetSkipCheckpoints: (process.env.BENCH_FLEET_SKIP_CHECKPOINTS ?? (quick ? "0" : "1")) !== "0",
    previewN: num("BENCH_PREVIEW_N", quick ? 20 : 200),
    previewRuns: num("BENCH_PREVIEW_RUNS", quick ? 1 : 3),
    startupRuns: num("BENCH_STARTUP_RUNS", quick ? 2 : 5),
    ingestionDurations: list("BENCH_INGESTION_DURATIONS", quick ? [5, 60] : [5, 60, 900]),
    ingestionRuns: num("BENCH_INGESTION_RUNS", quick ? 2 : 5),
    ingestionTimeScale: num("BENCH_INGESTION_TIME_SCALE", 30),
    nativeN: num("BENCH_NATIVE_N", quick ? 20 : 200),
    nativeRuns: num("BENCH_NATIVE_RUNS", quick ? 1 : 3),
    nativeFleetRuns: num("BENCH_NATIVE_FLEET_RUNS", 1),
    outDir: process.env.BENCH_OUT_DIR
      ? path.resolve(process.env.BENCH_OUT_DIR)
      : quick
        ? path.join(os.tmpdir(), "pmc-bench-quick")
        : path.join(repoRoot, "bench"),
    env,
  };
}

/** Emulator speed for one polling duration. */
export function scaleFor(config: BenchConfig, durationS: number): number {
  if (config.timeScale !== undefined) return config.timeScale;
  return durationS <= 10 ? 1 : 15;
}

/** Runs per fleet size at the engine default. */
export function fleetRunsFor(config: BenchConfig, n: number): number {
  if (config.fleetRuns !== undefined) return config.fleetRuns;
  return n <= 10 ? 3 : 1;
}

/**
 * The figures of one `npm run bench` run, as bench/run.ts gathers them and the report modules render
 * them (and as the raw JSON dump holds them).
 */
import { BenchConfig } from "./config";
import type { IngestionResult } from "./ingestion";
import type { NativeResult } from "./native";
import { EngineFacts, FleetRun, StartupFacts, StateFacts } from "./fleet";
import { PreviewSeries } from "./preview";
import { PollingResult } from "./polling";

export interface MachineFacts {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  engineVersion: string;
  engineSource: string;
  pulumiSdk: string;
  loadStart: number[];
  loadEnd?: number[];
  /** git HEAD of the measured code, and uncommitted changes under provider/, emulator/, tools/engine/, bin/. */
  code: string;
}

export interface BenchResults {
  startedAt: string;
  wallS: number;
  command: string;
  machine: MachineFacts;
  config: BenchConfig;
  oneRequestS?: number;
  engine?: EngineFacts;
  polling?: PollingResult;
  ingestion?: IngestionResult;
  fleet: FleetRun[];
  previews: PreviewSeries[];
  state?: StateFacts;
  startup?: StartupFacts;
  native?: NativeResult;
  /** Things that went wrong but did not stop the run. */
  problems: string[];
}

/**
 * The IngestionJobCancellation section of results.md: the text for what bench/ingestion.ts measures.
 */
import { INGESTION_JOB_POLL_INTERVAL as DEFAULT_JOB_POLL_INTERVAL } from "../provider/ingestion/inputSpec";
import type { IngestionResult } from "./ingestion";
import { fmt } from "./stats";

/** The IngestionJobCancellation wait against a fixed one-minute loop (bench/ingestion.ts). */
export function ingestionSection(L: string[], res: IngestionResult): void {
  L.push("## IngestionJobCancellation: waiting for a configure job to stop");
  L.push("");
  L.push(
    "Status requests (`GET configure/{jobId}/status`) sent after one cancel, and detection latency (service seconds from the job " +
      "completing `cancelled` to the first status request after it), for cancels that take D on the service (the emulator's async " +
      `cancel mode), at emulator time scale ${res.timeScale}. Ours is the resource's own wait (its operation and the shared poller, ` +
      `${DEFAULT_JOB_POLL_INTERVAL.min} → ${DEFAULT_JOB_POLL_INTERVAL.max} s ×1.5, over real HTTP); the fixed loop polls at once, then every 60 s (the service documents at most one ` +
      `status request a minute). Medians of ${res.cells[0]?.runs ?? 0} runs per cell, phases stratified over one minute (bench/ingestion.ts); section wall time ${fmt(res.wallS)} s.`,
  );
  L.push("");
  L.push(
    "| cancel takes | ours: requests | ours: latency (s) | fixed 60-s loop: requests | fixed 60-s loop: latency (s) | requests ours ÷ fixed | latency ours ÷ fixed |",
  );
  L.push("|---|---|---|---|---|---|---|");
  const durations = [...new Set(res.cells.map((c) => c.durationS))];
  for (const d of durations) {
    const ours = res.cells.find((c) => c.durationS === d && c.strategy === "ours");
    const fixed = res.cells.find((c) => c.durationS === d && c.strategy === "fixed60");
    if (!ours || !fixed) continue;
    const span = (x: { median: number; min: number; max: number }) =>
      `${fmt(x.median)} (${fmt(x.min)}–${fmt(x.max)})`;
    L.push(
      `| ${d >= 60 && d % 60 === 0 ? `${d / 60} min` : `${d} s`} | ${span(ours.requests)} | ${span(ours.latencyS)} | ${span(fixed.requests)} | ${span(fixed.latencyS)} | ` +
        `${fmt(ours.requests.median / fixed.requests.median)} | ${fmt(ours.latencyS.median / fixed.latencyS.median)} |`,
    );
  }
  L.push("");
}

/**
 * Assembles `results.md`: the header, the machine table, each section in order and the settings of
 * the run. Every figure comes from the run's own numbers. Each section's text lives beside what it
 * measures (bench/<section>Report.ts), so a change to a measurement and to what the report says
 * about it meet in one place; the charts are rendered there too (pollingChart, fleetChart).
 */
import { fleetSection } from "./fleetReport";
import { ingestionSection } from "./ingestionReport";
import { nativeSection } from "./nativeReport";
import { pollingSection } from "./pollingReport";
import { previewSection } from "./previewReport";
import { providerProcessSection } from "./providerProcessReport";
import type { BenchResults } from "./results";
import { stateSection } from "./stateReport";
import { fmt } from "./stats";

export function markdown(r: BenchResults): string {
  const L: string[] = [];
  const c = r.config;
  L.push("# Benchmarks");
  L.push("");
  L.push(
    `Produced by one run of \`npm run bench\` started ${r.startedAt}; the whole run took **${fmt(r.wallS / 60)} min**. ` +
      "Every figure below is a median of several runs (or a ratio of medians) unless a table says otherwise; " +
      "the machine is shared, so read ratios, not absolute milliseconds.",
  );
  L.push("");
  L.push("Reproduce:");
  L.push("");
  L.push("```sh");
  L.push(r.command);
  L.push("```");
  L.push("");
  if (r.problems.length) {
    L.push("**Problems during this run:**");
    L.push("");
    for (const p of r.problems) L.push(`- ${p}`);
    L.push("");
  }
  machine(L, r);
  if (r.polling) pollingSection(L, r, r.polling);
  if (r.ingestion) ingestionSection(L, r.ingestion);
  if (r.fleet.length) fleetSection(L, r);
  if (r.previews.length) previewSection(L, r);
  if (r.state) stateSection(L, r.state);
  if (r.startup || r.fleet.length) providerProcessSection(L, r);
  if (r.native) nativeSection(L, r, r.native);
  L.push("## Settings of this run");
  L.push("");
  L.push("| setting | value |");
  L.push("|---|---|");
  L.push(`| sections | ${[...c.sections].join(", ")} |`);
  L.push(`| polling durations (s) | ${c.durations.join(", ")} |`);
  L.push(`| polling runs per cell | ${c.pollRuns} |`);
  L.push(`| Retry-After values (s) | ${c.retryAfter.join(", ") || "none"} |`);
  L.push(`| fleet sizes | ${c.fleetSizes.join(", ")} |`);
  L.push(`| fleet D (s) | ${c.fleetD} |`);
  L.push(`| preview N / runs | ${c.previewN} / ${c.previewRuns} |`);
  L.push(`| start-up samples | ${c.startupRuns} |`);
  L.push(
    `| ingestion durations (s) / runs / time scale | ${c.ingestionDurations.join(", ")} / ${c.ingestionRuns} / ${c.ingestionTimeScale} |`,
  );
  L.push(
    `| native: N (preview, fleet at \`--parallel N\`) / preview runs / fleet rounds | ${c.nativeN} / ${c.nativeRuns} / ${c.nativeFleetRuns} |`,
  );
  L.push("");
  L.push(
    "Environment variables (all optional): `BENCH_QUICK=1` (smoke run, ~2 min, writes to a temp dir), `BENCH_SECTIONS`, " +
      "`BENCH_DURATIONS`, `BENCH_POLL_RUNS`, `BENCH_RETRY_AFTER`, `BENCH_TIME_SCALE`, `BENCH_FLEET_SIZES`, `BENCH_FLEET_D`, " +
      "`BENCH_FLEET_RUNS`, `BENCH_FLEET_COMPARE=0`, `BENCH_PREVIEW_N`, `BENCH_PREVIEW_RUNS`, `BENCH_STARTUP_RUNS`, " +
      "`BENCH_INGESTION_DURATIONS`, `BENCH_INGESTION_RUNS`, `BENCH_INGESTION_TIME_SCALE`, `BENCH_NATIVE_N`, " +
      "`BENCH_NATIVE_RUNS`, `BENCH_NATIVE_FLEET_RUNS`, `BENCH_OUT_DIR` " +
      "(see `bench/config.ts`).",
  );
  L.push("");
  return L.join("\n");
}

function machine(L: string[], r: BenchResults): void {
  const m = r.machine;
  L.push("## Machine");
  L.push("");
  L.push("| fact | value |");
  L.push("|---|---|");
  L.push(`| code measured (git) | ${m.code} |`);
  L.push(`| nproc | ${m.nproc} |`);
  L.push(`| CPU | ${m.cpuModel} |`);
  L.push(`| memory | ${fmt(m.memoryGiB)} GiB |`);
  L.push(`| OS | ${m.os} |`);
  L.push(`| Node.js | ${m.node} |`);
  L.push(`| Pulumi engine (CLI) | v${m.engineVersion} (${m.engineSource}) |`);
  L.push(`| @pulumi/pulumi (SDK, dynamic-provider host) | ${m.pulumiSdk} |`);
  if (r.engine)
    L.push(
      `| engine \`--parallel\` default | ${r.engine.defaultParallel ?? "?"} (\`pulumi up --help\`: "${r.engine.defaultParallelText}") |`,
    );
  if (r.oneRequestS !== undefined)
    L.push(`| one CPP request over loopback (median of 20) | ${fmt(r.oneRequestS * 1000)} ms |`);
  L.push(
    `| load average at start / end | ${m.loadStart.map((x) => x.toFixed(2)).join(" ")} / ${m.loadEnd?.map((x) => x.toFixed(2)).join(" ") ?? "–"} |`,
  );
  L.push("");
}

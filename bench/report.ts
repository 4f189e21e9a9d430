/**
 * Turns the measurements into `results.md` (tables, "what limits it", how to reproduce) and the
 * SVG charts. Everything written here comes from the run's own numbers.
 */
import { DEFAULT_POLL_INTERVAL } from "../provider/kit/checks";
import { DEFAULT_JOB_POLL_INTERVAL } from "../provider/ingestion/inputSpec";
import { BenchConfig } from "./config";
import type { IngestionResult } from "./ingestion";
import { EngineFacts, FleetRun, StartupFacts, StateFacts } from "./fleet";
import { KIND_LOOKUP, KIND_NO_LOOKUP, PreviewSeries, ratioTo } from "./preview";
import { PollCell, PollingResult, STRATEGIES, StrategyId } from "./polling";
import { bytes, fmt, max, median, min } from "./stats";
import { Chart, Panel, renderChart } from "./svg";

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
  /** git HEAD of the measured code, and uncommitted changes under provider/, emulator/, tools/engine/. */
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
  /** Things that went wrong but did not stop the run. */
  problems: string[];
}

const COLORS: Record<StrategyId, string> = {
  ours: "#1f77b4",
  fixed1: "#ff7f0e",
  fixed10: "#2ca02c",
  azapi: "#9467bd",
};

/** Our poller's schedule with the default bounds: when it polls, and the poll that sees D. */
export function oursSchedule(
  durationS: number,
  minS = DEFAULT_POLL_INTERVAL.min,
  maxS = DEFAULT_POLL_INTERVAL.max,
  growth = 1.5,
): { detectS: number; polls: number; times: number[] } {
  // pollUntilDone: first wait = min; after each poll the wait is the current interval, which then grows.
  const times = [minS];
  let interval = minS;
  while (times[times.length - 1] < durationS) {
    times.push(times[times.length - 1] + interval);
    interval = Math.min(maxS, interval * growth);
  }
  return { detectS: times[times.length - 1], polls: times.length, times };
}

const dur = (s: number) => (s >= 120 && s % 60 === 0 ? `${s / 60} min` : `${s} s`);
const raLabel = (ra?: number) => (ra === undefined ? "no Retry-After" : `Retry-After ${ra} s`);
const spreadS = (m: { median: number; min: number; max: number }) =>
  `${fmt(m.median)} (${fmt(m.min)}–${fmt(m.max)})`;

function cell(cells: PollCell[], d: number, ra: number | undefined, s: StrategyId): PollCell | undefined {
  return cells.find((c) => c.durationS === d && c.retryAfterS === ra && c.strategy === s);
}

export function goalMet(
  cells: PollCell[],
  d: number,
  ra: number | undefined,
): { requests: boolean; latency: boolean } {
  const o = cell(cells, d, ra, "ours");
  const f1 = cell(cells, d, ra, "fixed1");
  const f10 = cell(cells, d, ra, "fixed10");
  return {
    requests: !!o && !!f1 && o.requests.median < f1.requests.median,
    latency: !!o && !!f10 && o.latencyS.median < f10.latencyS.median,
  };
}

export function markdown(r: BenchResults): string {
  const L: string[] = [];
  const c = r.config;
  L.push("# Benchmarks (issue 5)");
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
  if (r.polling) polling(L, r, r.polling);
  if (r.ingestion) ingestionSection(L, r.ingestion);
  if (r.fleet.length) fleet(L, r);
  if (r.previews.length) previews(L, r);
  if (r.state) state(L, r.state);
  if (r.startup || r.fleet.length) provider(L, r);
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
  L.push("");
  L.push(
    "Environment variables (all optional): `BENCH_QUICK=1` (smoke run, ~2 min, writes to a temp dir), `BENCH_SECTIONS`, " +
      "`BENCH_DURATIONS`, `BENCH_POLL_RUNS`, `BENCH_RETRY_AFTER`, `BENCH_TIME_SCALE`, `BENCH_FLEET_SIZES`, `BENCH_FLEET_D`, " +
      "`BENCH_FLEET_RUNS`, `BENCH_FLEET_COMPARE=0`, `BENCH_PREVIEW_N`, `BENCH_PREVIEW_RUNS`, `BENCH_STARTUP_RUNS`, " +
      "`BENCH_INGESTION_DURATIONS`, `BENCH_INGESTION_RUNS`, `BENCH_INGESTION_TIME_SCALE`, `BENCH_OUT_DIR` " +
      "(see `bench/config.ts`).",
  );
  L.push("");
  return L.join("\n");
}

/** The IngestionJobCancellation wait against a fixed one-minute loop (bench/ingestion.ts). */
function ingestionSection(L: string[], res: IngestionResult): void {
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

function polling(L: string[], r: BenchResults, p: PollingResult): void {
  const c = r.config;
  L.push("## 1. Polling efficiency");
  L.push("");
  L.push(
    "A cancellation that takes D seconds on the service; how many status requests does each strategy send, and how long after " +
      "the service finished does it notice (*detection latency*)? Strategies, all using the provider's real `CppClient` over real " +
      "HTTP to the emulator for every poll:",
  );
  L.push("");
  L.push(
    "- **ours** — `pollUntilDone` + `locationOperation` from `provider/`, with the default bounds of `provider/inputs.ts` " +
      `(\`DEFAULT_POLL_INTERVAL\` min ${DEFAULT_POLL_INTERVAL.min} s, max ${DEFAULT_POLL_INTERVAL.max} s; growth 1.5, the poller's default): ` +
      `polls at ${oursSchedule(15)
        .times.map((t) => fmt(t))
        .join(", ")} s after the cancel, then every ${DEFAULT_POLL_INTERVAL.max} s; ` +
      "a `Retry-After` replaces the interval (floored at the minimum).",
  );
  L.push(
    "- **fixed 1 s** — what a `curl` loop in a `command.local.Command` does: poll at once, then every second; ignores `Retry-After`.",
  );
  L.push(
    "- **fixed 10 s** — the interval Azure's Terraform provider `azapi` passes to azcore's `PollUntilDone` " +
      "(`Frequency: 10 * time.Second`); poll at once, then every 10 s, ignoring `Retry-After`.",
  );
  if (c.retryAfter.length) {
    L.push(
      "- **azapi/azcore** (only with `Retry-After`) — what azapi really does: azcore's `PollUntilDone` lets a `Retry-After` " +
        "replace its 10-s frequency. Without the header it is identical to *fixed 10 s*.",
    );
  }
  L.push("");
  const scales = Object.entries(p.timeScales)
    .map(([d, k]) => `${dur(Number(d))} at ×${k}`)
    .join(", ");
  L.push(
    `**Time acceleration.** The emulator clock runs k times faster than real time (\`startEmulator({ timeScale: k })\`): ${scales}. ` +
      "Every strategy's intervals (and the Retry-After) are divided by the same k, so each schedule is the real one in service time. " +
      "**All latencies are in service (emulated) seconds.** Detection time is mapped onto the service clock through the cancel " +
      "POST's arrival, which the emulator logs on both clocks. At k > 1 each request's real round trip is stretched by k " +
      `(${Object.entries(p.rtt)
        .map(([d, x]) => `${dur(Number(d))}: ${fmt(x.realMs)} ms real = ${fmt(x.serviceS)} s service`)
        .join("; ")}), which slightly lengthens every loop's period and every latency alike.`,
  );
  L.push("");
  L.push(
    `**Runs.** ${c.pollRuns} runs per cell. Run i's service duration is D + u_i, u_i stratified-uniform in ±W/2 with W = min(D, max(10 s, Retry-After)) — one full period of the slowest schedule in play — so the ` +
      "finish lands at a random phase of every strategy's cycle (a duration that is an exact multiple of a fixed interval would " +
      "otherwise be detected instantly); all strategies of run i share u_i. All waits of a duration run concurrently against one emulator, but their cancels are sent one at a time (a burst of a hundred first requests takes up to half a second to answer, which at ×15 would shift each loop's poll grid by several service seconds), and the emulator's log is read only after the last wait has ended. Requests = status GETs of the cancellation operation " +
      "as logged by the emulator (the list + cancel POST before the wait are the same for every strategy and not counted). " +
      "Tables show the median and (min–max).",
  );
  L.push("");
  if (c.retryAfter.length) {
    L.push(
      "**Retry-After.** The emulator cannot send `Retry-After` on operation GETs yet, so this section runs a small loopback proxy " +
        "(`bench/proxy.ts`) in front of it that adds the header to every operation GET; at k > 1 it sends Azure's " +
        "`retry-after-ms` scaled by 1/k (the provider's client reads it first, as the Azure SDKs do), at k = 1 a plain " +
        "`Retry-After: R`. Every strategy goes through a proxy (the plain one adds nothing), so the extra hop costs all alike.",
    );
    L.push("");
  }
  L.push("![requests and detection latency per strategy and duration](polling.svg)");
  L.push("");
  for (const ra of [undefined, ...c.retryAfter]) {
    L.push(`### ${ra === undefined ? "Without Retry-After" : `Service sends Retry-After: ${ra} s`}`);
    L.push("");
    const ids: StrategyId[] =
      ra === undefined ? ["ours", "fixed1", "fixed10"] : ["ours", "fixed1", "fixed10", "azapi"];
    L.push(
      `| service time | ${ids.map((s) => `${shortName(s)}: requests | ${shortName(s)}: latency s`).join(" | ")} | requests ours ÷ 1-s | latency ours ÷ 10-s | goal |`,
    );
    L.push(`|---|${ids.map(() => "---:|---:").join("|")}|---:|---:|---|`);
    for (const d of c.durations) {
      const row: string[] = [dur(d)];
      for (const s of ids) {
        const x = cell(p.cells, d, ra, s);
        row.push(x ? `${fmt(x.requests.median)}` : "–", x ? spreadS(x.latencyS) : "–");
      }
      const o = cell(p.cells, d, ra, "ours")!;
      const f1 = cell(p.cells, d, ra, "fixed1")!;
      const f10 = cell(p.cells, d, ra, "fixed10")!;
      const g = goalMet(p.cells, d, ra);
      row.push(
        fmt(o.requests.median / f1.requests.median, 2),
        fmt(o.latencyS.median / f10.latencyS.median, 2),
      );
      row.push(
        g.requests && g.latency
          ? "✓"
          : `✗ (${[!g.requests ? "more requests than 1-s" : "", !g.latency ? "slower than 10-s" : ""].filter(Boolean).join(", ")})`,
      );
      L.push(`| ${row.join(" | ")} |`);
    }
    if (ra !== undefined)
      L.push("", "*fixed 1 s* and *fixed 10 s* ignore the header: their columns repeat the runs without it.");
    L.push("");
  }
  L.push("### What limits it");
  L.push("");
  const lines: string[] = [];
  const noRa = c.durations.map((d) => ({ d, g: goalMet(p.cells, d, undefined) }));
  const allNoRa = noRa.every((x) => x.g.requests && x.g.latency);
  lines.push(
    allNoRa
      ? "Without `Retry-After` ours meets the goal at every duration: fewer requests than the 1-s loop and lower latency than the 10-s loop."
      : `Without \`Retry-After\` the goal is missed at ${noRa
          .filter((x) => !(x.g.requests && x.g.latency))
          .map((x) => dur(x.d))
          .join(", ")}.`,
  );
  lines.push(
    "Our cost is set by the 5-s ceiling: after the 14-s ramp it sends one request per 5 s, so requests ≈ D/5 and the latency is " +
      "about half a 5-s period (≈ 2.5 s) once the ramp is over; the ramp keeps short cancellations' latency near the 1-s loop's. " +
      "The 1-s loop buys ~0.5 s latency with D requests; the 10-s loop saves requests (D/10) but waits ~5 s on average, and for a " +
      "5-s cancellation it always waits until its 10-s poll.",
  );
  L.push(lines.join(" "));
  L.push("");
  const dMax = Math.max(...c.durations);
  const oursPlain = cell(p.cells, dMax, undefined, "ours")!;
  const raLines: string[] = [
    "**With `Retry-After`** ours does what azapi/azcore does: the header replaces the interval (ours floors it at 1 s), so requests " +
      "≈ D/R and, once the header has arrived, the latency is about R/2; a cancellation shorter than R is seen only at the first " +
      "poll after R. Both honour the service, so for R ≥ 10 s neither can beat a 10-s loop that ignores the header — the service, " +
      "not the poller, sets the pace.",
  ];
  for (const ra of c.retryAfter) {
    const fails = c.durations.filter((d) => {
      const g = goalMet(p.cells, d, ra);
      return !(g.requests && g.latency);
    });
    const o = c.durations.map((d) => cell(p.cells, d, ra, "ours")!);
    const az = c.durations.map((d) => cell(p.cells, d, ra, "azapi")!);
    const oMax = cell(p.cells, dMax, ra, "ours")!;
    raLines.push(
      `R = ${ra} s: latency medians ours ${o.map((x) => fmt(x.latencyS.median)).join(" / ")} s vs azapi ${az
        .map((x) => fmt(x.latencyS.median))
        .join(
          " / ",
        )} s (${c.durations.map(dur).join(" / ")}); ${fmt(oMax.requests.median)} requests at ${dur(dMax)} ` +
        `(${fmt(oursPlain.requests.median)} without the header)` +
        (fails.length ? `; goal missed at ${fails.map(dur).join(", ")}.` : "; goal met at every duration."),
    );
  }
  const short = c.retryAfter.filter((ra) => ra < DEFAULT_POLL_INTERVAL.max);
  if (short.length) {
    raLines.push(
      `Note that a \`Retry-After\` shorter than our ${DEFAULT_POLL_INTERVAL.max}-s ceiling makes us poll *more* than our own schedule would.`,
    );
  }
  L.push(raLines.join(" "));
  L.push("");
}

function shortName(s: StrategyId): string {
  return { ours: "ours", fixed1: "1-s loop", fixed10: "10-s loop", azapi: "azapi (RA)" }[s];
}

export function pollingChart(r: BenchResults, p: PollingResult): string {
  const c = r.config;
  const rows: Panel[][] = [];
  for (const ra of [undefined, ...c.retryAfter]) {
    const ids: StrategyId[] =
      ra === undefined ? ["ours", "fixed1", "fixed10"] : ["ours", "fixed1", "fixed10", "azapi"];
    const groups = (metric: "requests" | "latencyS") =>
      c.durations.map((d) => ({
        label: `service ${dur(d)}`,
        bars: ids.map((s) => {
          const x = cell(p.cells, d, ra, s)!;
          const m = x[metric];
          return metric === "latencyS"
            ? { key: s, value: m.median, lo: m.min, hi: m.max }
            : { key: s, value: m.median };
        }),
      }));
    rows.push([
      { title: `Requests (median, log scale) · ${raLabel(ra)}`, groups: groups("requests"), log: true },
      { title: `Latency, service s (median, min–max) · ${raLabel(ra)}`, groups: groups("latencyS") },
    ]);
  }
  const chart: Chart = {
    title: "Polling a cancellation: requests and detection latency per strategy",
    subtitle: `Real CppClient over HTTP to the emulator; ${c.pollRuns} runs per bar; latencies in service seconds (emulator clock ×${[...new Set(Object.values(p.timeScales))].join("/×")}).`,
    series: (["ours", "fixed1", "fixed10", ...(c.retryAfter.length ? ["azapi"] : [])] as StrategyId[]).map(
      (s) => ({
        key: s,
        label: STRATEGIES[s].label,
        color: COLORS[s],
      }),
    ),
    rows,
  };
  return renderChart(chart);
}

interface FleetGroup {
  n: number;
  parallel?: number;
  /** Engine environment of the runs, e.g. "PULUMI_SKIP_CHECKPOINTS=true"; "" for none. */
  env: string;
  runs: FleetRun[];
}

function fleetGroups(runs: FleetRun[]): FleetGroup[] {
  const keys = new Map<string, FleetGroup>();
  for (const f of runs) {
    const env = Object.entries(f.engineEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    const k = `${f.n}/${f.parallel ?? "default"}/${env}`;
    if (!keys.has(k)) keys.set(k, { n: f.n, parallel: f.parallel, env, runs: [] });
    keys.get(k)!.runs.push(f);
  }
  return [...keys.values()].sort(
    (a, b) => a.n - b.n || (a.parallel ?? 0) - (b.parallel ?? 0) || a.env.localeCompare(b.env),
  );
}

const plainRun = (f: FleetRun) => Object.keys(f.engineEnv).length === 0;

function fleet(L: string[], r: BenchResults): void {
  const c = r.config;
  const def = r.engine?.defaultParallel;
  L.push("## 2. Fleet: `pulumi up` of N cancellations in one stack");
  L.push("");
  L.push(
    `The real engine (v${r.machine.engineVersion}) through the Automation API (\`EngineStack\`, inline program, file backend): N ` +
      "`OfferOperationCancellation` resources, one per offer, each offer with a publish running in a fresh emulator (seed with N offers, " +
      "`endpoint` input = emulator URL, credentials from stack config `marketplace:accessToken` = a static token of the seed). " +
      `**Each cancellation takes D = ${c.fleetD} s on the service** (real time, emulator timeScale 1). ` +
      "The Automation API runs `pulumi up --yes --skip-preview`. *CLI wall* is that `pulumi up` process from spawn to exit " +
      "(found by its cwd in /proc); the *Automation API* wall adds the `stack history`/`stack output` calls `stack.up()` makes " +
      `afterwards. Ideal = D + one request = ${fmt(c.fleetD + (r.oneRequestS ?? 0), 4)} s.`,
  );
  L.push("");
  L.push(
    "| N | `--parallel` | runs | CLI wall (s) | ÷ ideal | Automation API wall (s) | requests (per resource) | peak concurrent cancels | per resource: list → done (s) | all creates started within (s) | last request → CLI exit (s) |",
  );
  L.push("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const g of fleetGroups(r.fleet)) {
    const m = (f: (x: FleetRun) => number | undefined) =>
      median(g.runs.map(f).filter((x): x is number => x !== undefined));
    const req = m((x) => x.requests.total);
    const walls = g.runs.map((x) => x.cliWallS);
    const mode = `${g.parallel ?? `default (${def ?? "?"})`}${g.env ? ` + \`${g.env}\`` : ""}`;
    const wall = `${fmt(m((x) => x.cliWallS))}${g.runs.length > 1 ? ` (${fmt(min(walls))}–${fmt(max(walls))})` : ""}`;
    const cells = [
      g.n,
      mode,
      g.runs.length,
      wall,
      `**${fmt(m((x) => x.ratio))}**`,
      fmt(m((x) => x.apiWallS)),
      `${fmt(req)} (${fmt(req / g.n)})`,
      fmt(m((x) => x.peakConcurrent)),
      fmt(m((x) => x.perResourceS)),
      fmt(m((x) => x.postSpreadS)),
      fmt(m((x) => x.tailS)),
    ];
    L.push(`| ${cells.join(" | ")} |`);
  }
  L.push("");
  const tl = r.fleet.find((f) => f.n === Math.min(...r.fleet.map((x) => x.n)) && plainRun(f));
  L.push("### What limits it");
  L.push("");
  const s = oursSchedule(c.fleetD);
  const parts: string[] = [];
  if (def !== undefined) {
    const big = fleetGroups(r.fleet).filter((g) => g.parallel === undefined && !g.env && g.n > def);
    parts.push(
      `**Engine parallelism.** The engine runs at most \`--parallel\` resource operations at once; its default here is ${def} ` +
        "(4 × GOMAXPROCS in `pkg/cmd/pulumi/operations/up.go` of v3.259 and v3.276, i.e. 4 × the CPUs; `PULUMI_PARALLEL` overrides it), and " +
        "the Automation API passes `UpOptions.parallel` as `--parallel`. The emulator's log confirms it: at the default, never more " +
        `than ${fmt(max(r.fleet.filter((f) => f.parallel === undefined).map((f) => f.peakConcurrent)))} cancellations were in flight, ` +
        "so N resources take ⌈N/" +
        def +
        "⌉ rounds of one cancellation each" +
        (big.length
          ? ` (${big
              .map((g) => {
                const rounds = Math.ceil(g.n / def);
                const per = median(g.runs.map((x) => x.perResourceS));
                return `N=${g.n}: ${rounds} rounds × ${fmt(per)} s ≈ ${fmt(rounds * per)} s of ${fmt(median(g.runs.map((x) => x.cliWallS)))} s`;
              })
              .join("; ")})`
          : "") +
        "." +
        parallelEvidence(r.fleet),
    );
  }
  parts.push(
    `**Our poller.** D = ${c.fleetD} s is noticed by the poll at ${fmt(s.detectS)} s after the cancel (${s.polls} polls, at ${s.times.map((t) => fmt(t)).join(", ")} s), ` +
      `so even a perfect engine gives ${fmt(s.detectS / c.fleetD, 3)} × ideal; the per-resource column (first request → terminal poll) shows it.`,
  );
  if (tl) {
    const p = tl.plugin;
    parts.push(
      `**Fixed start-up and tear-down** (N=${tl.n}, run 1, seconds after \`stack.up()\` was called): CLI spawned ${fmt(p.cliStartS ?? NaN)}, ` +
        `plugin wrapper ${fmt(p.wrapperStartS ?? NaN)}, plugin node ${fmt(p.nodeStartS ?? NaN)}, first CPP request ${fmt(p.firstRequestS ?? NaN)}, ` +
        `last request ${fmt(p.lastRequestS ?? NaN)}, CLI exit ${fmt(p.cliExitS ?? NaN)}. So ${fmt((p.firstRequestS ?? NaN) - (p.cliStartS ?? 0))} s pass ` +
        `before the first request whatever N is: ${fmt((p.wrapperStartS ?? NaN) - (p.cliStartS ?? 0))} s of CLI start-up and the inline program ` +
        `registering its resources, then ${fmt((p.firstRequestS ?? NaN) - (p.wrapperStartS ?? NaN))} s for the dynamic-provider host to load ` +
        `\`@pulumi/pulumi\` and gRPC (CPU-bound: ${fmt(p.cpuAtFirstRequestS ?? NaN)} s of CPU by the first request; section 5) and for our ` +
        "module and the first `create` to reach the network. After the last request the CLI is gone within " +
        `${fmt((p.cliExitS ?? NaN) - (p.lastRequestS ?? NaN))} s.`,
    );
  }
  const maxN = Math.max(...r.fleet.map((f) => f.n));
  const para = r.fleet.filter((f) => f.n === maxN && f.parallel === maxN && plainRun(f));
  const skip = r.fleet.filter((f) => f.n === maxN && f.parallel === maxN && !plainRun(f));
  const one = r.fleet.filter((f) => f.n === Math.min(...r.fleet.map((x) => x.n)) && plainRun(f));
  if (para.length) {
    const tail = median(para.map((f) => f.tailS ?? NaN));
    const spread = median(para.map((f) => f.postSpreadS));
    const st = r.state;
    parts.push(
      `**The engine's own bookkeeping at large N.** With \`parallel: ${maxN}\` the engine needs ${fmt(spread)} s just to start all ` +
        `${maxN} creates (first to last cancel POST), and after the last request it still runs ${fmt(tail)} s before the CLI exits. ` +
        "The file backend rewrites the whole checkpoint on every step (when a create starts and when it ends), and the checkpoint " +
        `grows with N (${st ? `${fmt(st.bytesPerResource)} B per resource, ${fmt((100 * st.providerChars * st.providerCopies) / st.bytesPerResource, 2)}% of it the serialized provider` : "see section 4"}), ` +
        "so that work grows with N²." +
        (skip.length ? " " + skipEvidence(skip, para) : ""),
    );
  }
  if (para.length && one.length) {
    parts.push(
      `**Our client** is not the limit: with ${maxN} cancellations at once in one provider process the per-resource time is ` +
        `${fmt(median(para.map((f) => f.perResourceS)))} s against ${fmt(median(one.map((f) => f.perResourceS)))} s for one, ` +
        `and requests per resource stay at ${fmt(median(para.map((f) => f.requests.total / f.n)), 3)} (1 list + 1 cancel + polls). ` +
        "The shared keep-alive agent (32 sockets) is plenty for requests that take milliseconds every few seconds.",
    );
  }
  L.push(parts.join("\n\n"));
  L.push("");
}

function parallelEvidence(runs: FleetRun[]): string {
  const groups = fleetGroups(runs).filter((g) => !g.env);
  const withN = groups.filter((g) => g.parallel !== undefined && g.parallel === g.n);
  const smallest = groups.find((g) => g.parallel === undefined);
  if (!withN.length || !smallest) return "";
  const ratio = (g: FleetGroup) => fmt(median(g.runs.map((x) => x.ratio)));
  return (
    ` With \`parallel: N\` all N cancellations run at once (peak concurrency = N): ÷ ideal ${withN
      .map((g) => `${ratio(g)} at N=${g.n}`)
      .join(
        ", ",
      )}, against ${ratio(smallest)} for N=${smallest.n} — what is left is the poller and fixed costs below, ` +
    "plus the engine's per-resource bookkeeping at the largest N."
  );
}

function skipEvidence(skip: FleetRun[], para: FleetRun[]): string {
  const m = (runs: FleetRun[], f: (x: FleetRun) => number | undefined) =>
    median(runs.map((x) => f(x) ?? NaN));
  const facts =
    `With \`PULUMI_SKIP_CHECKPOINTS=true\` (the engine writes only the final state) the same run starts all creates within ` +
    `${fmt(m(skip, (x) => x.postSpreadS))} s (${fmt(m(para, (x) => x.postSpreadS))} s with checkpoints), exits ` +
    `${fmt(m(skip, (x) => x.tailS))} s after the last request (${fmt(m(para, (x) => x.tailS))} s) and takes ` +
    `${fmt(m(skip, (x) => x.cliWallS))} s instead of ${fmt(m(para, (x) => x.cliWallS))} s`;
  const clear =
    m(skip, (x) => x.tailS) + m(skip, (x) => x.postSpreadS) <
    0.5 * (m(para, (x) => x.tailS) + m(para, (x) => x.postSpreadS));
  return clear
    ? `${facts}: the checkpoint writes are what the engine spends that time on.`
    : `${facts}: no clear difference at this N, so checkpointing is not what limits it here.`;
}

function previews(L: string[], r: BenchResults): void {
  L.push(`## 3. Preview`);
  L.push("");
  L.push(
    "`pulumi preview --diff` through the Automation API, three kinds of N new resources in the same run, their runs " +
      "alternating: cancellations with the preview lookup (`check` makes one read-only request per resource and shows " +
      "`runningNow` in its diff block), the same with `marketplace:previewLookup` = `false` (no request), and no-op dynamic " +
      "resources (`check` echoes; the engine's own floor for N dynamic resources). *Deployed stack*: right after the fleet " +
      "`up` of the same N (`check` + `diff`, nothing changed): no request. The request counts are asserted.",
  );
  L.push("");
  L.push("| stack | N | runs | wall (s), median (min–max) | requests to the service | expected |");
  L.push("|---|---:|---:|---:|---:|---|");
  for (const p of r.previews) {
    const ok = p.requests.every((n) => n === p.expectedRequests);
    L.push(
      `| ${p.kind} | ${p.n} | ${p.wallS.length} | ${fmt(median(p.wallS))} (${fmt(min(p.wallS))}–${fmt(max(p.wallS))}) | ${p.requests.join(", ")} | ${p.expectedRequests} per run ${ok ? "✓ asserted" : "✗ FAILED"} |`,
    );
  }
  L.push("");
  const on = ratioTo(r.previews, KIND_LOOKUP);
  const off = ratioTo(r.previews, KIND_NO_LOOKUP);
  const onOff = ratioTo(r.previews, KIND_LOOKUP, KIND_NO_LOOKUP);
  if (on !== undefined && off !== undefined && onOff !== undefined) {
    L.push(
      `Ratios of median walls: lookup on ÷ no-op floor **${fmt(on)}**, lookup off ÷ floor **${fmt(off)}**, ` +
        `lookup on ÷ off **${fmt(onOff)}** (the lookup's own cost: one request per resource, inside \`check\`).`,
    );
    L.push("");
  }
}

function state(L: string[], s: StateFacts): void {
  L.push("## 4. State");
  L.push("");
  L.push(
    `From \`exportStack()\` of the deployed ${s.n}-resource stack. Bytes per resource = (deployment JSON − the same deployment without our resources) / N.`,
  );
  L.push("");
  L.push("| measure | value |");
  L.push("|---|---|");
  L.push(`| resources | ${s.n} |`);
  L.push(`| exported deployment (JSON) | ${bytes(s.deploymentBytes)} |`);
  L.push(
    `| **bytes per resource** | **${fmt(s.bytesPerResource, 4)} B** (median single resource: ${fmt(s.resourceBytesMedian, 4)} B) |`,
  );
  L.push(`| serialized provider (\`__provider\` string length) | **${s.providerChars} characters** |`);
  L.push(
    `| \`__provider\` copies per resource (inputs + outputs) | ${s.providerCopies} → ${fmt(s.providerChars * s.providerCopies, 4)} characters, ${fmt((100 * s.providerChars * s.providerCopies) / s.bytesPerResource, 2)}% of each resource |`,
  );
  if (s.checkpointFileBytes !== undefined)
    L.push(`| checkpoint file on disk (file backend, plain JSON) | ${bytes(s.checkpointFileBytes)} |`);
  const installedPerResource =
    s.bytesPerResource - s.providerCopies * (s.providerChars - s.installedProviderChars);
  L.push(
    `| serialized provider **as installed** (a \`require\` of the package, measured) | **${s.installedProviderChars} characters** |`,
  );
  L.push(
    `| **bytes per resource as installed** (the above with ${s.providerCopies} × the installed \`__provider\`) | **${fmt(installedPerResource, 4)} B** (${fmt((100 * installedPerResource) / s.bytesPerResource, 2)}% of this checkout's) |`,
  );
  L.push("");
  L.push(
    "This checkout reaches itself through a symlink, so its stacks store the provider's functions by value (the first rows: what 0.1.0 stored everywhere). Installed under node_modules, 0.2.0's provider module is stored as a `require` of the package instead; the last rows measure that text and put it in place of the stored copies.",
  );
  L.push("");
}

function provider(L: string[], r: BenchResults): void {
  L.push("## 5. Provider process");
  L.push("");
  L.push(
    "The engine starts `pulumi-resource-pulumi-nodejs` (a `sh` script from `@pulumi/pulumi`) which runs `node -e` to resolve, then " +
      "`node …/@pulumi/pulumi/cmd/dynamic-provider`. The bench finds both in /proc by their cwd (the stack's own temp project dir, so " +
      "other people's processes never count), reads process start times from `/proc/<pid>/stat`, and samples `/proc/<pid>/status` " +
      "(VmRSS, and VmHWM, the kernel's peak-RSS mark) every 100 ms.",
  );
  L.push("");
  if (r.startup) {
    const st = r.startup;
    L.push("Start-up, standalone (median of " + st.pluginReadyMs.length + "; min–max):");
    L.push("");
    L.push("| step | ms |");
    L.push("|---|---:|");
    L.push(
      `| spawn \`pulumi-resource-pulumi-nodejs\` in a project dir → it prints its gRPC port (ready for the engine) | ${fmt(median(st.pluginReadyMs))} (${fmt(min(st.pluginReadyMs))}–${fmt(max(st.pluginReadyMs))}) |`,
    );
    L.push(
      `| a bare \`node -e\` on this machine, for scale | ${fmt(median(st.nodeBareMs))} (${fmt(min(st.nodeBareMs))}–${fmt(max(st.nodeBareMs))}) |`,
    );
    L.push(
      `| \`require()\` of our provider (\`dist/provider/lifecycle\`, done on the first call) | ${fmt(median(st.lifecycleRequireMs))} (${fmt(min(st.lifecycleRequireMs))}–${fmt(max(st.lifecycleRequireMs))}) |`,
    );
    L.push("");
  }
  if (r.fleet.length) {
    L.push(
      "In the fleet runs (plugin node process start → first request the emulator saw: that span covers loading the host, the engine's " +
        "`configure`/`check` calls, loading our module and the first `create` reaching the network):",
    );
    L.push("");
    L.push(
      "| N | `--parallel` | run | plugin node start → first request (s) | plugin CPU by then (s) | plugin CPU total (s) | peak VmHWM (MiB) | peak sampled VmRSS (MiB) | samples |",
    );
    L.push("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    const maxN = Math.max(...r.fleet.map((f) => f.n));
    for (const f of r.fleet.filter((x) => (x.n === maxN || x.run === 0) && plainRun(x))) {
      const p = f.plugin;
      L.push(
        `| ${f.n} | ${f.parallel ?? "default"} | ${f.run + 1} | ${fmt(p.startToFirstRequestS ?? NaN)} | ${fmt(p.cpuAtFirstRequestS ?? NaN)} | ${fmt(p.cpuTotalS ?? NaN)} | ${f.n === maxN ? "**" : ""}${fmt(p.peakHwmMiB)}${f.n === maxN ? "**" : ""} | ${fmt(p.peakRssMiB)} | ${p.samples} |`,
      );
    }
    L.push("");
    const maxRuns = r.fleet.filter((f) => f.n === maxN && plainRun(f));
    L.push(
      `Peak memory of the provider process during the ${maxN}-resource fleet: **${fmt(max(maxRuns.map((f) => f.plugin.peakHwmMiB)))} MiB** (VmHWM; ` +
        `${maxRuns.map((f) => `${fmt(f.plugin.peakHwmMiB)} MiB at parallel ${f.parallel ?? "default"}`).join(", ")}).`,
    );
    L.push("");
  }
}

export function fleetChart(r: BenchResults): string {
  const groups = fleetGroups(r.fleet).filter((g) => !g.env);
  const sizes = [...new Set(groups.map((g) => g.n))];
  /** One bar per N and parallelism setting: the median of `metric` over that group's runs. */
  const panelOf = (
    title: string,
    metric: (run: (typeof groups)[number]["runs"][number]) => number,
  ): Panel => ({
    title,
    groups: sizes.map((n) => ({
      label: `N = ${n}`,
      bars: groups
        .filter((g) => g.n === n)
        .map((g) => ({
          key: g.parallel === undefined ? "default" : "n",
          value: median(g.runs.map(metric)),
        })),
    })),
  });
  const panel = panelOf(
    `pulumi up wall ÷ ideal (D = ${r.config.fleetD} s + one request), median`,
    (x) => x.ratio,
  );
  const wall = panelOf("pulumi up CLI wall time, s (median)", (x) => x.cliWallS);
  return renderChart({
    title: "Fleet: N cancellations in one pulumi up",
    subtitle: `Engine v${r.machine.engineVersion}, ${r.machine.nproc} CPUs; each cancellation takes ${r.config.fleetD} s on the service.`,
    series: [
      {
        key: "default",
        label: `engine default --parallel (${r.engine?.defaultParallel ?? "?"})`,
        color: "#1f77b4",
      },
      { key: "n", label: "--parallel N", color: "#ff7f0e" },
    ],
    rows: [[panel, wall]],
  });
}

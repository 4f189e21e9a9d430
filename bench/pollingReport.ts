/**
 * Section 1 of results.md, "Polling efficiency", and polling.svg: the text and chart for what
 * bench/polling.ts measures. Also our poller's schedule, which the fleet section quotes too.
 */
import { OFFER_OPERATION_POLL_INTERVAL as DEFAULT_POLL_INTERVAL } from "../provider/cpp/inputSpec";
import { PollCell, PollingResult, STRATEGIES, StrategyId } from "./polling";
import type { BenchResults } from "./results";
import { fmt } from "./stats";
import { Chart, Panel, renderChart } from "./svg";

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

/** Section 1: what bench/polling.ts measured, its tables and what limits it. */
export function pollingSection(L: string[], r: BenchResults, p: PollingResult): void {
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

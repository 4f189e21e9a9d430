/**
 * Section 2 of results.md, "Fleet", and fleet.svg: the text and chart for the `pulumi up` runs
 * bench/fleet.ts measures.
 */
import { FleetRun } from "./fleet";
import { oursSchedule } from "./pollingReport";
import type { BenchResults } from "./results";
import { fmt, max, median, min } from "./stats";
import { Panel, renderChart } from "./svg";

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

/** A run with no extra engine environment (not the PULUMI_SKIP_CHECKPOINTS comparison). */
export const plainRun = (f: FleetRun) => Object.keys(f.engineEnv).length === 0;

/** Section 2: the fleet table bench/fleet.ts measured and what limits it. */
export function fleetSection(L: string[], r: BenchResults): void {
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

/**
 * Section 5 of results.md, "Provider process": the text for what `startupFacts` and the plugin
 * watch of the fleet runs (bench/fleet.ts, bench/procs.ts) measure.
 */
import { plainRun } from "./fleetReport";
import type { BenchResults } from "./results";
import { fmt, max, median, min } from "./stats";

/** Section 5: start-up, CPU and memory of the dynamic-provider host. */
export function providerProcessSection(L: string[], r: BenchResults): void {
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

/**
 * Section 6 of results.md, "Native provider plugin beside the dynamic provider": the text for what bench/native.ts and
 * bench/nativeFleet.ts measure, figures and ratios side by side.
 */
import { NATIVE_KIND, NativeResult } from "./native";
import type { NativeFleetRun } from "./nativeFleet";
import { ratioTo } from "./preview";
import type { BenchResults } from "./results";
import { bytes, fmt, max, median, min } from "./stats";

/** The aims of the section (the bench reports them; it asserts no time). */
const AIM_PREVIEW_RATIO = 1.1;
const AIM_STATE_BYTES = 2048;

const span = (xs: number[]) => `${fmt(median(xs))} (${fmt(min(xs))}–${fmt(max(xs))})`;

export function nativeSection(L: string[], r: BenchResults, nat: NativeResult): void {
  L.push("## 6. Native provider plugin beside the dynamic provider");
  L.push("");
  L.push(
    "The native plugin `marketplace` (`bin/pulumi-resource-marketplace`, a `sh` launcher that `exec`s node on " +
      "`dist/provider/plugin/main.js`) found through the project's `plugins: providers:` block, against the dynamic provider " +
      'of the same lifecycle, in one run. Native resources are declared as `new pulumi.CustomResource("marketplace:index:' +
      'OfferOperationCancellation", …, { version })`, the registration the generated SDK makes. Both fronts get the same ' +
      "stack config (`marketplace:accessToken`, a static token of the emulator's seed; `endpoint` input = the emulator) and " +
      `environment. Section wall time ${fmt(nat.wallS)} s.`,
  );
  L.push("");
  previews(L, nat);
  fleet(L, r, nat);
  state(L, nat);
  processes(L, nat);
}

function previews(L: string[], nat: NativeResult): void {
  if (!nat.previews.length) return;
  const p = nat.previews;
  L.push(`### Preview of ${nat.n} new cancellations`);
  L.push("");
  L.push(
    "`pulumi preview --diff`, six kinds of stack whose runs alternate. The native plugin looks up only when its parent " +
      "process is `pulumi preview` (`provider/plugin/preview.ts`); `marketplace:previewLookup` = `false` turns the lookup off " +
      "for both fronts. Two floors of N no-op resources: dynamic (`check` echoes one input; section 3's floor) and native (a Node " +
      "plugin on `@pulumi/pulumi/provider`, started by a `sh` launcher like ours, given the cancellations' inputs, whose `check` " +
      "returns them with the defaults our `check` adds, so the diff shows the same properties). Request counts are asserted.",
  );
  L.push("");
  L.push(
    "| stack | runs | wall (s), median (min–max) | ÷ dynamic no-op floor | ÷ native no-op floor | requests to the service | expected | `runningNow` shown |",
  );
  L.push("|---|---:|---:|---:|---:|---:|---|---|");
  for (const s of p) {
    const ok = s.requests.every((x) => x === s.expectedRequests);
    L.push(
      `| ${s.kind} | ${s.wallS.length} | ${span(s.wallS)} | ${fmt(ratioTo(p, s.kind, NATIVE_KIND.floorDynamic) ?? NaN)} | ` +
        `${fmt(ratioTo(p, s.kind, NATIVE_KIND.floorNative) ?? NaN)} | ${s.requests.join(", ")} | ${s.expectedRequests} per run ${ok ? "✓ asserted" : "✗ FAILED"} | ` +
        `${s.shown === undefined ? "–" : s.shown ? "yes" : "**no**"} |`,
    );
  }
  L.push("");
  const offD = ratioTo(p, NATIVE_KIND.nativeOff, NATIVE_KIND.floorDynamic);
  const offN = ratioTo(p, NATIVE_KIND.nativeOff, NATIVE_KIND.floorNative);
  const onOff = ratioTo(p, NATIVE_KIND.nativeOn, NATIVE_KIND.nativeOff);
  const vsDyn = ratioTo(p, NATIVE_KIND.nativeOff, NATIVE_KIND.dynamicOff);
  const vsDynOn = ratioTo(p, NATIVE_KIND.nativeOn, NATIVE_KIND.dynamicOn);
  if (offD === undefined || offN === undefined) return;
  const met = (x: number) => (x <= AIM_PREVIEW_RATIO ? "met" : "**not met**");
  L.push(
    `Aim: native with the lookup off within ${AIM_PREVIEW_RATIO}× of the floor — **${fmt(offD)}** × the dynamic no-op floor ` +
      `(${met(offD)}), **${fmt(offN)}** × the native no-op floor (${met(offN)}). Native ÷ dynamic: ${fmt(vsDyn ?? NaN)} with the ` +
      `lookup off, ${fmt(vsDynOn ?? NaN)} with it on; the native lookup's own cost (on ÷ off) ${fmt(onOff ?? NaN)}.`,
  );
  L.push("");
}

function fleet(L: string[], r: BenchResults, nat: NativeResult): void {
  if (!nat.fleets.length) return;
  const ideal = nat.cancelSeconds + (r.oneRequestS ?? 0);
  L.push(`### Fleet of ${nat.n} at \`--parallel ${nat.n}\`: \`up\` then \`destroy\``);
  L.push("");
  L.push(
    `A fresh emulator per round (N offers with a publish running; each cancellation takes D = ${nat.cancelSeconds} s on the ` +
      `service, real time), then \`up --parallel ${nat.n}\`, the state export (below), and \`destroy --parallel ${nat.n}\`. ` +
      `Walls are the CLI processes, spawn → exit (found in /proc by their cwd); ideal = D + one request = ${fmt(ideal, 4)} s.`,
  );
  L.push("");
  L.push(
    "| front | round | `up` CLI wall (s) | ÷ ideal | cancel POSTs | requests (per resource) | per resource: first → last request (s) | all creates started within (s) | last request → CLI exit (s) | `destroy` CLI wall (s) | requests during destroy |",
  );
  L.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const f of nat.fleets) {
    const u = f.up;
    L.push(
      `| ${f.front} | ${f.run + 1} | ${fmt(u.cliWallS)} | **${fmt(u.cliWallS / ideal)}** | ${u.requests.cancels}${u.requests.cancels === f.n ? " ✓" : " ✗"} | ` +
        `${u.requests.total} (${fmt(u.requests.total / f.n, 3)}) | ${fmt(u.perResourceS)} | ${fmt(u.postSpreadS)} | ${fmt(u.tailS ?? NaN)} | ` +
        `${fmt(f.destroy.cliWallS)} | ${f.destroy.requests} |`,
    );
  }
  L.push("");
  const of = (front: string, m: (f: NativeFleetRun) => number) =>
    median(nat.fleets.filter((f) => f.front === front).map(m));
  const upRatio = of("native", (f) => f.up.cliWallS) / of("dynamic", (f) => f.up.cliWallS);
  const destroyRatio = of("native", (f) => f.destroy.cliWallS) / of("dynamic", (f) => f.destroy.cliWallS);
  const spread = [of("native", (f) => f.up.postSpreadS), of("dynamic", (f) => f.up.postSpreadS)];
  L.push(
    `Native ÷ dynamic: \`up\` wall **${fmt(upRatio)}**, \`destroy\` wall **${fmt(destroyRatio)}**; all ${nat.n} creates started ` +
      `within ${fmt(spread[0])} s (native) and ${fmt(spread[1])} s (dynamic). Both send the same requests per resource: one ` +
      "list, one cancel, and the polls of the same schedule, from the same lifecycle code.",
  );
  L.push("");
}

function state(L: string[], nat: NativeResult): void {
  if (!nat.state.length) return;
  L.push("### State");
  L.push("");
  L.push(
    `From \`exportStack()\` after the fleet \`up\` of ${nat.n}: bytes per resource = (deployment JSON − the same without our resources) / N (section 4's measure).`,
  );
  L.push("");
  L.push(
    "| front | bytes per resource | median single resource: all / `inputs` / `outputs` / source positions / the rest | exported deployment |",
  );
  L.push("|---|---:|---:|---:|");
  for (const s of nat.state) {
    const p = s.parts;
    L.push(
      `| ${s.front} | **${fmt(s.bytesPerResource, 4)} B** | ${fmt(s.resourceBytesMedian, 4)} / ${fmt(p.inputs, 4)} / ${fmt(p.outputs, 4)} / ${fmt(p.sourcePositions, 4)} / ${fmt(p.rest, 4)} B | ${bytes(s.deploymentBytes)} |`,
    );
    if (s.installedBytesPerResource !== undefined)
      L.push(
        `| dynamic, as installed (the serialized provider a \`require\` of the package; section 4) | ${fmt(s.installedBytesPerResource, 4)} B | – | – |`,
      );
  }
  L.push("");
  const nat1 = nat.state.find((s) => s.front === "native");
  const dyn = nat.state.find((s) => s.front === "dynamic");
  if (nat1) {
    L.push(
      `Aim: native under ${fmt(AIM_STATE_BYTES / 1024)} KiB per resource — ${fmt(nat1.bytesPerResource, 4)} B, ` +
        `${nat1.bytesPerResource < AIM_STATE_BYTES ? "met" : "**not met**"}` +
        (dyn
          ? `; ${fmt(nat1.bytesPerResource / dyn.bytesPerResource, 2)} × this checkout's dynamic resource` +
            (dyn.installedBytesPerResource !== undefined
              ? ` and ${fmt(nat1.bytesPerResource / dyn.installedBytesPerResource, 2)} × an installed one's`
              : "") +
            ". A native resource stores no serialized provider (`__provider`). Of its bytes, inputs and outputs are the provider's; " +
            "the source positions (the engine records where the program registered it: here paths into this checkout's " +
            "`dist/bench/native.js` and `@pulumi/pulumi`, relative to a temp project dir) and the rest are the engine's and vary with the program"
          : "."),
    );
    L.push("");
  }
}

function processes(L: string[], nat: NativeResult): void {
  if (!nat.startup.length && !nat.fleets.length) return;
  L.push("### Provider process");
  L.push("");
  L.push(
    "Start-up on its own: the plugin executable spawned from a project dir as the engine starts it (an engine address " +
      "argument, a pipe on stdin) until it prints its port, alternating native and dynamic. In the fleet: the plugin's node " +
      "process found in /proc by its cwd (native: `…/dist/provider/plugin/main.js`, whose start time is the launcher's spawn; " +
      "dynamic: `…/cmd/dynamic-provider`), VmHWM (the kernel's peak-RSS mark) and VmRSS sampled every 100 ms.",
  );
  L.push("");
  L.push(
    "| front | spawn → port (ms), median (min–max) | fleet: plugin start → first request (s) | plugin CPU by then (s) | plugin CPU in the `up` (s) | peak VmHWM in the `up` (MiB) | peak VmHWM in the `destroy` (MiB) | plugin processes (`up`, `destroy`) |",
  );
  L.push("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const front of ["native", "dynamic"] as const) {
    const st = nat.startup.find((s) => s.front === front);
    const fl = nat.fleets.filter((f) => f.front === front);
    const m = (g: (f: NativeFleetRun) => number | undefined) => fmt(median(fl.map((f) => g(f) ?? NaN)));
    L.push(
      `| ${front} | ${st ? span(st.readyMs) : "–"} | ${m((f) => f.up.plugin.startToFirstRequestS)} | ${m((f) => f.up.plugin.cpuAtFirstRequestS)} | ` +
        `${m((f) => f.up.plugin.cpuTotalS)} | **${m((f) => f.up.plugin.peakHwmMiB)}** | ${m((f) => f.destroy.pluginPeakHwmMiB)} | ` +
        `${fl.map((f) => `${f.up.plugin.processes}, ${f.destroy.pluginProcesses}`).join("; ") || "–"} |`,
    );
  }
  L.push("");
  const med = (front: string) => median(nat.startup.find((s) => s.front === front)?.readyMs ?? []);
  const hwm = (front: string) =>
    median(nat.fleets.filter((f) => f.front === front).map((f) => f.up.plugin.peakHwmMiB));
  L.push(
    `Native ÷ dynamic: start-up **${fmt(med("native") / med("dynamic"))}**, peak memory during the ${nat.n}-resource \`up\` ` +
      `**${fmt(hwm("native") / hwm("dynamic"))}**.`,
  );
  L.push("");
}

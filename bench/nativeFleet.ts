/**
 * Section 6's fleet round for one front (bench/native.ts): `pulumi up --parallel N` of N
 * cancellations, the state it leaves, then `pulumi destroy --parallel N`, with the provider plugin
 * processes watched through /proc all along (bench/procs.ts) and every request counted by the emulator.
 */
import type { Emulator } from "../emulator";
import type { EngineStack } from "../tools/engine/stack";
import {
  FleetRun,
  PluginTimeline,
  classify,
  peakConcurrency,
  perResource,
  postSpread,
  resourceBytes,
  stateFacts,
  timeline,
} from "./fleet";
import type { Front } from "./native";
import { PluginWatch, watchPlugins } from "./procs";
import { median } from "./stats";

export interface NativeFleetRun {
  front: Front;
  run: number;
  n: number;
  up: {
    /** The `pulumi up` CLI process, spawn → exit. */
    cliWallS: number;
    /** `stack.up()`: the CLI plus the Automation API's follow-up calls. */
    apiWallS: number;
    requests: FleetRun["requests"];
    peakConcurrent: number;
    /** Median first request → last request per offer, seconds. */
    perResourceS: number;
    /** First → last cancel POST. */
    postSpreadS: number;
    /** Last request → the CLI exited. */
    tailS?: number;
    plugin: PluginTimeline;
  };
  destroy: {
    cliWallS: number;
    apiWallS: number;
    /** Requests the service received during the destroy. */
    requests: number;
    pluginPeakHwmMiB: number;
    pluginProcesses: number;
  };
}

export interface NativeState {
  front: Front;
  n: number;
  deploymentBytes: number;
  bytesPerResource: number;
  resourceBytesMedian: number;
  /**
   * Where a resource's bytes go, medians: its `inputs`, its `outputs`, the program's source
   * positions the engine records (`sourcePosition`, `stackTrace`: paths of the program's files), and
   * the rest (URN, type, id, parent, provider reference, timestamps…).
   */
  parts: { inputs: number; outputs: number; sourcePositions: number; rest: number };
  /** Dynamic only: per resource with the serialized provider as an installed package stores it. */
  installedBytesPerResource?: number;
}

const size = (v: unknown) => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));

/** The CLI process of `command` among the watched ones: spawn → exit, seconds. */
function cliWall(watch: PluginWatch, command: string): number | undefined {
  const cli = watch.processes.find((p) => p.role === "cli" && p.command === command);
  return cli?.exitedAtMs !== undefined ? (cli.exitedAtMs - cli.startedAtMs) / 1000 : undefined;
}

/** The state of the deployed stack, sized the same way for both fronts (fleet.ts `resourceBytes`). */
async function stateOf(front: Front, stack: EngineStack): Promise<NativeState> {
  const b = resourceBytes(await stack.exportStack());
  const field = (k: string) => median(b.ours.map((r) => size(r[k])));
  const inputs = field("inputs");
  const outputs = field("outputs");
  const sourcePositions = median(b.ours.map((r) => size(r.sourcePosition) + size(r.stackTrace)));
  const out: NativeState = {
    front,
    n: b.ours.length,
    deploymentBytes: b.deploymentBytes,
    bytesPerResource: b.bytesPerResource,
    resourceBytesMedian: median(b.sizes),
    parts: { inputs, outputs, sourcePositions, rest: median(b.sizes) - inputs - outputs - sourcePositions },
  };
  if (front === "dynamic") {
    const f = await stateFacts(stack);
    out.installedBytesPerResource =
      f.bytesPerResource - f.providerCopies * (f.providerChars - f.installedProviderChars);
  }
  return out;
}

export async function nativeFleetRun(
  front: Front,
  run: number,
  n: number,
  stack: EngineStack,
  emu: Emulator,
): Promise<{ fleet: NativeFleetRun; state: NativeState }> {
  let watch = watchPlugins(stack.workDir);
  // Date.now(): the timeline compares with the emulator's log and /proc start times on that clock.
  let t0 = Date.now();
  try {
    await stack.up({ parallel: n });
    const upApiWallS = (Date.now() - t0) / 1000;
    watch.stop();
    const requests = emu.requests;
    const plugin = timeline(watch, requests, t0);
    const up: NativeFleetRun["up"] = {
      cliWallS: cliWall(watch, "up") ?? upApiWallS,
      apiWallS: upApiWallS,
      requests: classify(requests),
      peakConcurrent: peakConcurrency(requests),
      perResourceS: median(perResource(requests)),
      postSpreadS: postSpread(requests),
      tailS:
        plugin.cliExitS !== undefined && plugin.lastRequestS !== undefined
          ? plugin.cliExitS - plugin.lastRequestS
          : undefined,
      plugin,
    };
    const state = await stateOf(front, stack);

    emu.clearRequests();
    watch = watchPlugins(stack.workDir);
    t0 = Date.now();
    await stack.destroy({ parallel: n });
    const destroyApiWallS = (Date.now() - t0) / 1000;
    watch.stop();
    const destroy: NativeFleetRun["destroy"] = {
      cliWallS: cliWall(watch, "destroy") ?? destroyApiWallS,
      apiWallS: destroyApiWallS,
      requests: classify(emu.requests).total,
      pluginPeakHwmMiB: watch.peakHwmKiB() / 1024,
      pluginProcesses: watch.processes.filter((p) => p.role === "node").length,
    };
    return { fleet: { front, run, n, up, destroy }, state };
  } finally {
    watch.stop();
  }
}

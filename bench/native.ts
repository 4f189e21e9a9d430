/**
 * Section 6 — the native provider plugin `marketplace` (docs/design.md §4 "Two fronts over one
 * lifecycle") beside the dynamic provider and the engine's floor, in one run, through the real
 * engine against the emulator:
 * - `pulumi preview --diff` of N new cancellations: native with the preview lookup and without it,
 *   dynamic with and without, and two floors of N no-op resources (dynamic, and a native plugin
 *   served by `@pulumi/pulumi/provider`); the runs of all kinds alternate, so load falls on all alike;
 * - a fleet of N at `--parallel N`, `up` then `destroy`, native and dynamic alternating;
 * - the state each leaves (bytes per resource, from the exported checkpoint);
 * - the provider process: spawn → port on its own, and start-up and peak RSS inside the fleet.
 *
 * Native resources are declared as `new Registered(<type token>, name, props, { version })`:
 * the registration the generated SDK's class makes, so the bench measures the provider, not an SDK.
 * Both fronts get the same stack config and environment. Nothing here asserts a time.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ConfigValue, PulumiFn } from "@pulumi/pulumi/automation";
import { Emulator, startEmulator } from "../emulator";
import { EngineStack, ProjectPlugins, WITHOUT_MACHINE_CREDENTIALS } from "../tools/engine/stack";
import { PUBLISHER, STATIC_TOKEN, fleetProgram, fleetSeed, offerId } from "./fleet";
import type { FleetOptions } from "./fleet";
import { NativeFleetRun, NativeState, nativeFleetRun } from "./nativeFleet";
import { KIND_NOOP, PreviewSeries, noopProgram } from "./preview";
import { closeQuietly } from "./polling";
import { median, nowMs } from "./stats";

export type Front = "native" | "dynamic";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The directory holding `pulumi-resource-marketplace`, as a project's `plugins: providers:` names it. */
const PLUGIN_DIR = path.join(REPO_ROOT, "bin");
const NATIVE_OFFER_TYPE = "marketplace:index:OfferOperationCancellation";
/** The version the generated SDK asks the engine for: the package's own (docs/design.md §10). */
const PACKAGE_VERSION = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;

export const NATIVE_KIND = {
  nativeOn: "native plugin, lookup on",
  nativeOff: "native plugin, previewLookup=false",
  dynamicOn: "dynamic provider, lookup on",
  dynamicOff: "dynamic provider, previewLookup=false",
  floorDynamic: KIND_NOOP,
  floorNative: "new no-op native resources, same inputs (engine floor for a Node plugin)",
} as const;

export interface NativeStartup {
  front: Front;
  /** Spawn of the plugin executable → it prints its port (ready for the engine), ms. */
  readyMs: number[];
}

export interface NativeResult {
  n: number;
  /** Fleet: seconds each cancellation takes on the service. */
  cancelSeconds: number;
  previews: PreviewSeries[];
  fleets: NativeFleetRun[];
  state: NativeState[];
  startup: NativeStartup[];
  /** Wall time of the whole section, seconds. */
  wallS: number;
}

export interface NativeSettings {
  n: number;
  previewRuns: number;
  fleetRuns: number;
  startupRuns: number;
}

/** A resource of any type token (CustomResource is abstract; the generated classes subclass it alike). */
class Registered extends pulumi.CustomResource {}

/** N native cancellations, one per offer, against `endpoint`. */
function nativeFleetProgram(n: number, endpoint: string): PulumiFn {
  return async () => {
    for (let i = 0; i < n; i++) {
      new Registered(
        NATIVE_OFFER_TYPE,
        `cancel-${i}`,
        { publisherId: PUBLISHER, offerId: offerId(i), endpoint },
        { version: PACKAGE_VERSION },
      );
    }
  };
}

/**
 * The cheapest native plugin there is, written to a temp dir: `@pulumi/pulumi/provider`'s server
 * whose check returns the news with the defaults our check adds (`defaults`, taken from our own
 * lifecycle's check, so the preview displays the same properties) and create returns, started by
 * a `sh` launcher like ours. Its `node_modules` links the checkout's, so it loads the same SDK.
 */
function writeNoopPlugin(dir: string, defaults: Record<string, unknown>): ProjectPlugins {
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(
    path.join(dir, "noop.js"),
    'require("@pulumi/pulumi/provider").main({ version: "0.0.1",' +
      ` async check(_u, _o, news) { return { inputs: Object.assign(${JSON.stringify(defaults)}, news) }; },` +
      ' async create() { return { id: "noop", outs: {} }; } }, process.argv.slice(2));\n',
  );
  const launcher = path.join(dir, "pulumi-resource-benchnoop");
  fs.writeFileSync(launcher, '#!/bin/sh\nexec node "$(dirname "$0")/noop.js" "$@"\n', { mode: 0o755 });
  return { providers: [{ name: "benchnoop", path: dir }] };
}

/** N no-op native resources with the inputs of the cancellations. */
function nativeNoopProgram(n: number, endpoint: string): PulumiFn {
  return async () => {
    for (let i = 0; i < n; i++)
      new Registered("benchnoop:index:Noop", `noop-${i}`, {
        publisherId: PUBLISHER,
        offerId: offerId(i),
        endpoint,
      });
  };
}

/** What our check adds to a cancellation's inputs when the program gives none of the optional ones. */
async function checkDefaults(endpoint: string): Promise<Record<string, unknown>> {
  const { check } = await import("../provider/cpp/lifecycle");
  const news = { publisherId: PUBLISHER, offerId: offerId(0), endpoint };
  const { inputs } = await check({}, news);
  return Object.fromEntries(Object.entries(inputs).filter(([k]) => !(k in news)));
}

/** Creates the stacks of one section and removes them, their journal and the temp plugin at the end. */
class Stacks {
  private readonly made: EngineStack[] = [];
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-bench-native-"));
  constructor(private readonly opts: FleetOptions) {}

  async make(
    name: string,
    program: PulumiFn,
    plugins: ProjectPlugins | undefined,
    config: Record<string, string | ConfigValue> = {},
  ): Promise<EngineStack> {
    const s = await EngineStack.create({
      engine: this.opts.engine,
      program,
      projectName: "pmc-bench",
      stackName: name,
      plugins,
      config: { "marketplace:accessToken": { value: STATIC_TOKEN, secret: true }, ...config },
      envVars: {
        // The same for both fronts: no credential of the machine, a journal of the bench's own,
        // and only the plugin of this checkout.
        ...WITHOUT_MACHINE_CREDENTIALS,
        MARKETPLACE_CANCEL_JOURNAL_DIR: path.join(this.tmp, "journal"),
        PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
      },
    });
    this.made.push(s);
    return s;
  }

  async forget(s: EngineStack): Promise<void> {
    this.made.splice(this.made.indexOf(s), 1);
    await s.cleanup();
  }

  async cleanup(): Promise<void> {
    for (const s of this.made.splice(0)) await s.cleanup();
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

export const PLUGINS: ProjectPlugins = { providers: [{ name: "marketplace", path: PLUGIN_DIR }] };

/** The program of `front` for N cancellations against `endpoint`, and the plugins it needs. */
export function frontProgram(front: Front, n: number, endpoint: string): [PulumiFn, ProjectPlugins?] {
  return front === "native" ? [nativeFleetProgram(n, endpoint), PLUGINS] : [fleetProgram(n, endpoint)];
}

/** The preview comparison: six kinds of N new resources, their runs alternating. */
async function nativePreviews(s: NativeSettings, stacks: Stacks, log: (l: string) => void) {
  const { n } = s;
  const emu = await startEmulator({ seed: fleetSeed(n, 10) });
  try {
    const off = { "marketplace:previewLookup": "false" };
    const noopDir = path.join(stacks.tmp, "noop-plugin");
    fs.mkdirSync(noopDir);
    const kinds = [
      [NATIVE_KIND.nativeOn, await stacks.make("n-on", nativeFleetProgram(n, emu.url), PLUGINS), n],
      [NATIVE_KIND.nativeOff, await stacks.make("n-off", nativeFleetProgram(n, emu.url), PLUGINS, off), 0],
      [NATIVE_KIND.dynamicOn, await stacks.make("d-on", fleetProgram(n, emu.url), undefined), n],
      [NATIVE_KIND.dynamicOff, await stacks.make("d-off", fleetProgram(n, emu.url), undefined, off), 0],
      [NATIVE_KIND.floorDynamic, await stacks.make("noop-d", noopProgram(n), undefined), 0],
      [
        NATIVE_KIND.floorNative,
        await stacks.make(
          "noop-n",
          nativeNoopProgram(n, emu.url),
          writeNoopPlugin(noopDir, await checkDefaults(emu.url)),
        ),
        0,
      ],
    ] as const;
    const out: PreviewSeries[] = kinds.map(([kind, , expected]) => ({
      n,
      kind,
      wallS: [],
      requests: [],
      expectedRequests: expected,
    }));
    for (let run = 0; run < s.previewRuns; run++) {
      for (const [i, [kind, stack]] of kinds.entries()) {
        emu.clearRequests();
        const t0 = nowMs();
        const { output } = await stack.preview();
        out[i].wallS.push((nowMs() - t0) / 1000);
        out[i].requests.push(emu.countRequests());
        if (kind === NATIVE_KIND.nativeOn || kind === NATIVE_KIND.dynamicOn)
          out[i].shown = /runningNow\s*: \{/.test(output);
        log(
          `native section: preview ${kind} run ${run + 1}: ${out[i].wallS[run].toFixed(2)} s, ${out[i].requests[run]} requests`,
        );
      }
    }
    for (const [, stack] of kinds) await stacks.forget(stack);
    return out;
  } finally {
    await closeQuietly(emu);
  }
}

/** One fleet round of `front`: a fresh emulator and stack, `up`, the state, `destroy`. */
async function fleetRound(
  front: Front,
  run: number,
  s: NativeSettings,
  cancelSeconds: number,
  stacks: Stacks,
) {
  const emu: Emulator = await startEmulator({ seed: fleetSeed(s.n, cancelSeconds) });
  try {
    const [program, plugins] = frontProgram(front, s.n, emu.url);
    const stack = await stacks.make(`fleet-${front}-${run}`, program, plugins);
    const result = await nativeFleetRun(front, run, s.n, stack, emu);
    await stacks.forget(stack);
    return result;
  } finally {
    await closeQuietly(emu);
  }
}

/** Spawn → first stdout line (the port), ms; the process group is ended right after. */
function spawnToPort(cmd: string, cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    // A pipe on stdin, as the engine gives: the plugins end at end-of-file on it.
    const child: ChildProcess = spawn(cmd, ["127.0.0.1:1"], { cwd, env, detached: true, stdio: "pipe" });
    let done = false;
    child.stdout!.on("data", () => {
      if (done) return;
      done = true;
      resolve(nowMs() - t0);
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    });
    child.stderr!.resume();
    child.on("error", reject);
    child.on("exit", () => {
      if (!done) reject(new Error(`${cmd} exited before printing its port`));
    });
  });
}

/** Both plugin executables on their own, alternating, each from a project dir as the engine starts them. */
async function startupRuns(s: NativeSettings, opts: FleetOptions, stacks: Stacks): Promise<NativeStartup[]> {
  const dir = path.join(stacks.tmp, "startup");
  fs.mkdirSync(dir);
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const env = {
    ...process.env,
    PATH: [path.join(opts.engine.root, "bin"), path.dirname(process.execPath), process.env.PATH ?? ""].join(
      path.delimiter,
    ),
  };
  const cmds: [Front, string][] = [
    ["native", path.join(PLUGIN_DIR, "pulumi-resource-marketplace")],
    ["dynamic", path.join(opts.engine.root, "bin", "pulumi-resource-pulumi-nodejs")],
  ];
  const out: NativeStartup[] = cmds.map(([front]) => ({ front, readyMs: [] }));
  for (let i = 0; i < s.startupRuns; i++) {
    for (const [k, [, cmd]] of cmds.entries()) out[k].readyMs.push(await spawnToPort(cmd, dir, env));
  }
  return out;
}

/**
 * Runs section 6 part by part; a part that fails is reported through `attempt` and the others still
 * run. The result holds what was measured.
 */
export async function runNative(
  s: NativeSettings,
  opts: FleetOptions,
  attempt: (what: string, fn: () => Promise<void>) => Promise<void>,
): Promise<NativeResult> {
  const t0 = nowMs();
  const log = opts.log;
  const res: NativeResult = {
    n: s.n,
    cancelSeconds: opts.cancelSeconds,
    previews: [],
    fleets: [],
    state: [],
    startup: [],
    wallS: 0,
  };
  const stacks = new Stacks(opts);
  try {
    await attempt("native: preview", async () => {
      res.previews = await nativePreviews(s, stacks, log);
    });
    for (let run = 0; run < s.fleetRuns; run++) {
      for (const front of ["native", "dynamic"] as const) {
        await attempt(`native: fleet ${front} run ${run + 1}`, async () => {
          const { fleet, state } = await fleetRound(front, run, s, opts.cancelSeconds, stacks);
          res.fleets.push(fleet);
          if (run === 0) res.state.push(state);
          log(
            `native section: fleet ${front} N=${s.n} parallel=${s.n}: up ${fleet.up.cliWallS.toFixed(1)} s, ` +
              `destroy ${fleet.destroy.cliWallS.toFixed(1)} s, cancel POSTs ${fleet.up.requests.cancels}, ` +
              `requests ${fleet.up.requests.total}, peak VmHWM ${fleet.up.plugin.peakHwmMiB.toFixed(0)} MiB; ` +
              `state ${state.bytesPerResource.toFixed(0)} B per resource`,
          );
        });
      }
    }
    await attempt("native: provider start-up", async () => {
      res.startup = await startupRuns(s, opts, stacks);
      for (const st of res.startup)
        log(
          `native section: start-up ${st.front}: ${st.readyMs.map((x) => x.toFixed(0)).join(", ")} ms (median ${median(st.readyMs).toFixed(0)})`,
        );
    });
  } finally {
    await stacks.cleanup();
    res.wallS = (nowMs() - t0) / 1000;
  }
  return res;
}

/** What the section found wrong that is not a failed step: requests other than the scenario's. */
export function nativeProblems(r: NativeResult): string[] {
  const out: string[] = [];
  for (const p of r.previews)
    if (p.requests.some((x) => x !== p.expectedRequests))
      out.push(
        `ASSERTION FAILED: native section preview "${p.kind}" sent ${p.requests.join(", ")} requests (expected ${p.expectedRequests} per run).`,
      );
  for (const f of r.fleets)
    if (f.up.requests.cancels !== r.n)
      out.push(
        `ASSERTION FAILED: native section fleet ${f.front} run ${f.run + 1} sent ${f.up.requests.cancels} cancel POSTs (expected ${r.n}).`,
      );
  return out;
}

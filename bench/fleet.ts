/**
 * Sections 2–5 — the real engine. `pulumi up` of N `OfferOperationCancellation`s in one stack
 * (EngineStack, inline program, file backend) against the emulator; `pulumi preview` of 200; the
 * state they leave; and the dynamic-provider plugin process (start-up, peak memory).
 *
 * Every fleet run gets a fresh emulator whose seed holds N offers, each with a publish running,
 * and a fresh stack. The cancellation takes D seconds on the service in real time (timeScale 1):
 * the engine's own overheads are real time, so nothing here is accelerated.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Deployment } from "@pulumi/pulumi/automation";
import { Emulator, RecordedRequest, Seed, startEmulator } from "../emulator";
import { OfferOperationCancellation } from "../provider";
import { EnsuredPulumi } from "../tools/engine/ensurePulumi";
import { EngineStack } from "../tools/engine/stack";
import { closeQuietly } from "./polling";
import { PluginWatch, watchPlugins } from "./procs";
import { median, nowMs } from "./stats";

export const PUBLISHER = "bench";
export const STATIC_TOKEN = "bench-static-token";

export function fleetSeed(n: number, cancelSeconds: number): Seed {
  const offers: NonNullable<NonNullable<Seed["publishers"]>[string]["offers"]> = {};
  for (let i = 0; i < n; i++) {
    offers[offerId(i)] = { cancelSeconds, operationSeconds: 86_400, running: { submissionType: "publish" } };
  }
  return { staticTokens: { [STATIC_TOKEN]: { publishers: ["*"] } }, publishers: { [PUBLISHER]: { offers } } };
}

export const offerId = (i: number) => `offer-${String(i).padStart(3, "0")}`;

/** The inline program: N cancellations, one per offer, against `endpoint`. */
export function fleetProgram(n: number, endpoint: string) {
  return async () => {
    for (let i = 0; i < n; i++) {
      new OfferOperationCancellation(`cancel-${i}`, {
        publisherId: PUBLISHER,
        offerId: offerId(i),
        endpoint,
      });
    }
  };
}

export interface PluginTimeline {
  /** Seconds after the Automation API call started; undefined when not observed. */
  cliStartS?: number;
  cliExitS?: number;
  wrapperStartS?: number;
  nodeStartS?: number;
  nodeExitS?: number;
  firstRequestS?: number;
  lastRequestS?: number;
  /** Plugin node start → first request the emulator saw. */
  startToFirstRequestS?: number;
  processes: number;
  /** CPU seconds the plugin's node process had used when the first request arrived, and in total. */
  cpuAtFirstRequestS?: number;
  cpuTotalS?: number;
  peakHwmMiB: number;
  peakRssMiB: number;
  samples: number;
}

export interface FleetRun {
  n: number;
  /** undefined = the engine default. */
  parallel?: number;
  run: number;
  /** The `pulumi up` CLI process, spawn → exit (what `pulumi up` in a terminal takes). */
  cliWallS: number;
  /** The Automation API's `stack.up()` call: the CLI plus its follow-up `stack history`/`stack output` calls. */
  apiWallS: number;
  /** cliWallS / (D + one request). */
  ratio: number;
  requests: { total: number; cancels: number; lists: number; polls: number; other: number };
  /** Most cancellations in flight at once, from the emulator's log (cancel POST → last status GET). */
  peakConcurrent: number;
  /** Median cancel POST → terminal status GET per resource, seconds. */
  perResourceS: number;
  /** First → last cancel POST: how long the engine took to start every create. */
  postSpreadS: number;
  /** Last request the emulator saw → the CLI exited (checkpoint writes, plugin shutdown, CLI exit). */
  tailS?: number;
  /** Extra engine environment of this run (e.g. PULUMI_SKIP_CHECKPOINTS). */
  engineEnv: Record<string, string>;
  /** The engine's summary of changes (includes the Stack resource itself). */
  changes: Record<string, number>;
  plugin: PluginTimeline;
}

export interface PreviewRuns {
  n: number;
  /** "fresh stack" (check only) or "deployed stack" (check + diff). */
  kind: string;
  wallS: number[];
  requests: number[];
}

export interface StateFacts {
  n: number;
  deploymentBytes: number;
  resourceBytesMedian: number;
  /** (deployment bytes − the same stack's bytes without our resources) / N. */
  bytesPerResource: number;
  /** `__provider` as this checkout stores it: the provider functions by value. */
  providerChars: number;
  /** `__provider` as an installed package stores it: a `require` of the package's module. */
  installedProviderChars: number;
  /** `__provider` copies per resource (inputs + outputs). */
  providerCopies: number;
  checkpointFileBytes?: number;
}

export interface StartupFacts {
  /** Spawn of `pulumi-resource-pulumi-nodejs` → it prints its gRPC port (ready), median ms. */
  pluginReadyMs: number[];
  /** `require()` of dist/provider/lifecycle in a fresh node, ms. */
  lifecycleRequireMs: number[];
  /** A fresh `node -e 0`, ms (for scale). */
  nodeBareMs: number[];
}

export interface EngineFacts {
  defaultParallel?: number;
  defaultParallelText: string;
}

export interface FleetOptions {
  engine: EnsuredPulumi;
  cancelSeconds: number;
  log: (line: string) => void;
}

/** Reads the engine's `--parallel` default from its own help text (it is 4 × GOMAXPROCS in v3.259 and v3.276). */
export async function engineParallelDefault(engine: EnsuredPulumi): Promise<EngineFacts> {
  const text = await new Promise<string>((resolve) => {
    const child = spawn(engine.binary, ["up", "--help"], {
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", () => resolve(out));
    child.on("error", () => resolve(""));
  });
  const line = text.split("\n").find((l) => /--parallel/.test(l)) ?? "";
  const m = /\(default (\d+)\)/.exec(line);
  return {
    defaultParallel: m ? Number(m[1]) : undefined,
    defaultParallelText: line.trim().replace(/\s+/g, " "),
  };
}

/**
 * One `pulumi up` of N cancellations. `keep` leaves the stack and emulator running for the
 * caller (preview, state export) and returns them.
 */
export async function fleetUp(
  n: number,
  parallel: number | undefined,
  run: number,
  opts: FleetOptions,
  keep = false,
  engineEnv: Record<string, string> = {},
): Promise<{ result: FleetRun; stack?: EngineStack; emu?: Emulator }> {
  const emu = await startEmulator({ seed: fleetSeed(n, opts.cancelSeconds) });
  let stack: EngineStack | undefined;
  let watch: PluginWatch | undefined;
  try {
    stack = await EngineStack.create({
      engine: opts.engine,
      program: fleetProgram(n, emu.url),
      projectName: "pmc-bench",
      stackName: `fleet-${n}-${parallel ?? "default"}-${run}`,
      config: { "marketplace:accessToken": { value: STATIC_TOKEN, secret: true } },
      envVars: engineEnv,
    });
    watch = watchPlugins(stack.workDir);
    // Date.now(): the timeline compares with the emulator's log and /proc start times on that clock.
    const t0 = Date.now();
    const up = await stack.up(parallel !== undefined ? { parallel } : {});
    const apiWallS = (Date.now() - t0) / 1000;
    watch.stop();
    const plugin = timeline(watch, emu.requests, t0);
    const cliWallS =
      plugin.cliStartS !== undefined && plugin.cliExitS !== undefined
        ? plugin.cliExitS - plugin.cliStartS
        : apiWallS;
    const result: FleetRun = {
      n,
      parallel,
      run,
      cliWallS,
      apiWallS,
      ratio: cliWallS / (opts.cancelSeconds + (measuredRequestS ?? 0)),
      requests: classify(emu.requests),
      peakConcurrent: peakConcurrency(emu.requests),
      perResourceS: median(perResource(emu.requests)),
      postSpreadS: postSpread(emu.requests),
      tailS:
        plugin.cliExitS !== undefined && plugin.lastRequestS !== undefined
          ? plugin.cliExitS - plugin.lastRequestS
          : undefined,
      engineEnv,
      changes: { ...(up.result.summary.resourceChanges ?? {}) },
      plugin,
    };
    if (keep) return { result, stack, emu };
    return { result };
  } finally {
    watch?.stop();
    if (!keep) {
      await stack?.cleanup();
      await closeQuietly(emu);
    }
  }
}

/** Median time of one request on this machine (set by `measureOneRequest`): the ideal's "+ one request". */
let measuredRequestS: number | undefined;

/** Measures the "one request" part of the ideal: median of 20 GETs of an offer's status. */
export async function measureOneRequest(): Promise<number> {
  const emu = await startEmulator({ seed: fleetSeed(1, 10) });
  try {
    const { CppClient } = await import("../provider/cpp/client");
    const client = new CppClient({ endpoint: emu.url, credential: { getToken: async () => STATIC_TOKEN } });
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t = nowMs();
      await client.listSubmissions(PUBLISHER, offerId(0));
      if (i > 0) times.push((nowMs() - t) / 1000);
    }
    measuredRequestS = median(times);
    return measuredRequestS;
  } finally {
    await closeQuietly(emu);
  }
}

export function classify(requests: RecordedRequest[]): FleetRun["requests"] {
  const out = { total: 0, cancels: 0, lists: 0, polls: 0, other: 0 };
  for (const r of requests) {
    if (r.path.startsWith("/_emulator")) continue;
    out.total++;
    if (r.method === "POST" && /\/cancel(\?|$)/.test(r.path)) out.cancels++;
    else if (r.method === "GET" && /\/submissions\/?(\?|$)/.test(r.path)) out.lists++;
    else if (r.method === "GET" && /\/operations\/[^/?]+(\?|$)/.test(r.path)) out.polls++;
    else out.other++;
  }
  return out;
}

/** Per offer: [first request, last request] in real ms. */
function spans(requests: RecordedRequest[]): Map<string, [number, number]> {
  const byOffer = new Map<string, [number, number]>();
  for (const r of requests) {
    const m = /\/offers\/([^/?]+)\//.exec(r.path);
    if (!m) continue;
    const at = Date.parse(r.at);
    const span = byOffer.get(m[1]);
    if (!span) byOffer.set(m[1], [at, at]);
    else span[1] = Math.max(span[1], at);
  }
  return byOffer;
}

export function perResource(requests: RecordedRequest[]): number[] {
  return [...spans(requests).values()].map(([a, b]) => (b - a) / 1000);
}

export function postSpread(requests: RecordedRequest[]): number {
  const posts = requests
    .filter((r) => r.method === "POST" && /\/cancel(\?|$)/.test(r.path))
    .map((r) => Date.parse(r.at));
  return posts.length ? (Math.max(...posts) - Math.min(...posts)) / 1000 : Number.NaN;
}

export function peakConcurrency(requests: RecordedRequest[]): number {
  const events: [number, number][] = [];
  for (const [a, b] of spans(requests).values()) events.push([a, 1], [b + 0.5, -1]);
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of events) peak = Math.max(peak, (cur += d));
  return peak;
}

export function timeline(watch: PluginWatch, requests: RecordedRequest[], t0: number): PluginTimeline {
  const cpp = requests.filter((r) => r.path.startsWith("/api/"));
  const first = cpp.length ? Date.parse(cpp[0].at) : undefined;
  const last = cpp.length ? Date.parse(cpp[cpp.length - 1].at) : undefined;
  const cli = watch.processes.find((p) => p.role === "cli" && p.command === "up");
  const wrapper = watch.processes.find((p) => p.role === "wrapper");
  const node = watch.processes.find((p) => p.role === "node");
  const rel = (ms?: number) => (ms === undefined ? undefined : (ms - t0) / 1000);
  const nodeSamples = node ? (watch.samples.get(node.pid) ?? []) : [];
  const beforeFirst = nodeSamples.filter((x) => first !== undefined && x.at <= first).pop();
  return {
    cpuAtFirstRequestS: beforeFirst?.cpuS,
    cpuTotalS: nodeSamples.length ? nodeSamples[nodeSamples.length - 1].cpuS : undefined,
    cliStartS: rel(cli?.startedAtMs),
    cliExitS: rel(cli?.exitedAtMs),
    wrapperStartS: rel(wrapper?.startedAtMs),
    nodeStartS: rel(node?.startedAtMs),
    nodeExitS: rel(node?.exitedAtMs),
    firstRequestS: rel(first),
    lastRequestS: rel(last),
    startToFirstRequestS: node && first !== undefined ? (first - node.startedAtMs) / 1000 : undefined,
    processes: watch.processes.filter((p) => p.role === "node").length,
    peakHwmMiB: watch.peakHwmKiB() / 1024,
    peakRssMiB: watch.peakRssKiB() / 1024,
    samples: [...watch.samples.values()].reduce((a, s) => a + s.length, 0),
  };
}

/** `pulumi preview` `runs` times; the emulator must see no request at all. */
export async function previews(
  stack: EngineStack,
  emu: Emulator,
  n: number,
  kind: string,
  runs: number,
): Promise<PreviewRuns> {
  const out: PreviewRuns = { n, kind, wallS: [], requests: [] };
  for (let i = 0; i < runs; i++) {
    emu.clearRequests();
    const t0 = nowMs();
    await stack.preview();
    out.wallS.push((nowMs() - t0) / 1000);
    out.requests.push(emu.countRequests());
  }
  return out;
}

/** A fresh stack of N cancellations that is only ever previewed (the engine calls `check`). */
export async function previewFresh(n: number, runs: number, opts: FleetOptions): Promise<PreviewRuns> {
  const emu = await startEmulator({ seed: fleetSeed(n, opts.cancelSeconds) });
  let stack: EngineStack | undefined;
  try {
    stack = await EngineStack.create({
      engine: opts.engine,
      program: fleetProgram(n, emu.url),
      projectName: "pmc-bench",
      stackName: `preview-${n}`,
      config: { "marketplace:accessToken": { value: STATIC_TOKEN, secret: true } },
    });
    return await previews(stack, emu, n, "fresh stack (check)", runs);
  } finally {
    await stack?.cleanup();
    await closeQuietly(emu);
  }
}

/**
 * Our resources (either front's type token) in an exported deployment, and their bytes: per resource =
 * (deployment JSON − the same deployment without them) / N.
 */
export function resourceBytes(exported: Deployment): {
  ours: Record<string, unknown>[];
  sizes: number[];
  deploymentBytes: number;
  bytesPerResource: number;
} {
  const deployment = exported.deployment as { resources?: Record<string, unknown>[] };
  const all = deployment.resources ?? [];
  const ours = all.filter((r) => String(r.type).includes("OfferOperationCancellation"));
  const withoutOurs = { ...deployment, resources: all.filter((r) => !ours.includes(r)) };
  const deploymentBytes = Buffer.byteLength(JSON.stringify(exported.deployment));
  const baseBytes = Buffer.byteLength(JSON.stringify(withoutOurs));
  return {
    ours,
    sizes: ours.map((r) => Buffer.byteLength(JSON.stringify(r))),
    deploymentBytes,
    bytesPerResource: (deploymentBytes - baseBytes) / Math.max(1, ours.length),
  };
}

/** Sizes in the exported deployment of a stack holding N of our resources. */
export async function stateFacts(stack: EngineStack): Promise<StateFacts> {
  const exported: Deployment = await stack.exportStack();
  const { ours, sizes, deploymentBytes, bytesPerResource } = resourceBytes(exported);
  const first = ours[0] as
    { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> } | undefined;
  const provider = String(first?.inputs?.__provider ?? first?.outputs?.__provider ?? "");
  const copies = [first?.inputs?.__provider, first?.outputs?.__provider].filter(
    (v) => typeof v === "string",
  ).length;
  let checkpointFileBytes: number | undefined;
  const file = findCheckpoint(stack.backendDir, stack.stackName);
  if (file) checkpointFileBytes = fs.statSync(file).size;
  return {
    installedProviderChars: installedProviderChars(),
    n: ours.length,
    deploymentBytes,
    resourceBytesMedian: median(sizes),
    bytesPerResource,
    providerChars: provider.length,
    providerCopies: copies,
    checkpointFileBytes,
  };
}

/**
 * The length of `__provider` as a user's state holds it. Installed under node_modules, the
 * provider module is stored as a `require` of the package, not by value; this checkout reaches
 * itself through a symlink that Node resolves to the checkout, so the bench's own stacks store the
 * functions. A child process that loads the module through the link and keeps the link's path
 * (NODE_PRESERVE_SYMLINKS) serializes the
 * provider the way `pulumi.dynamic.Resource` does (`() => provider`), as an install would.
 */
function installedProviderChars(): number {
  // By path through the link: by name, Node resolves a package's own name inside its folder to
  // the folder itself (self-reference through `exports`), not through node_modules.
  const linked = path.resolve(__dirname, "..", "..", "node_modules", "pulumi-marketplace-cancel");
  const script =
    'const rt = require("@pulumi/pulumi/runtime");' +
    `const provider = require(${JSON.stringify(path.join(linked, "dist", "provider", "dynamic", "offerOperationCancellation.js"))});` +
    "rt.serializeFunction(() => provider, { allowSecrets: true })" +
    ".then((s) => process.stdout.write(JSON.stringify(s.text)));";
  const out = execFileSync(process.execPath, ["-e", script], {
    cwd: path.resolve(__dirname, "..", ".."),
    env: { ...process.env, NODE_PRESERVE_SYMLINKS: "1" },
    encoding: "utf8",
  });
  const text = JSON.parse(out) as string;
  if (
    !/require\("pulumi-marketplace-cancel\/dist\/provider\/dynamic\/offerOperationCancellation"\)/.test(text)
  ) {
    throw new Error(`the installed form of the provider is not a require of the package:\n${text}`);
  }
  return text.length;
}

function findCheckpoint(backendDir: string, stackName: string): string | undefined {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && e.name !== "history" && e.name !== "backups" && e.name !== "locks") walk(p);
      else if (e.isFile() && e.name === `${stackName}.json`) found.push(p);
    }
  };
  try {
    walk(backendDir);
  } catch {
    return undefined;
  }
  return found[0];
}

/**
 * Start-up of the plugin on its own: spawn the engine's `pulumi-resource-pulumi-nodejs` in a
 * project dir (as the engine does) and time until it prints its gRPC port — the moment the
 * engine can talk to it. Also the cost of loading our provider module, and of a bare node.
 */
export async function startupFacts(
  engine: EnsuredPulumi,
  workDir: string,
  runs: number,
): Promise<StartupFacts> {
  const env = {
    ...process.env,
    PATH: [path.join(engine.root, "bin"), path.dirname(process.execPath), process.env.PATH ?? ""].join(
      path.delimiter,
    ),
  };
  const script = path.join(engine.root, "bin", "pulumi-resource-pulumi-nodejs");
  const lifecycle = require.resolve("../provider/cpp/lifecycle");
  const out: StartupFacts = { pluginReadyMs: [], lifecycleRequireMs: [], nodeBareMs: [] };
  for (let i = 0; i < runs; i++) {
    out.pluginReadyMs.push(await timeUntilOutput(script, ["127.0.0.1:1"], workDir, env, true));
    out.nodeBareMs.push(
      await timeUntilOutput(process.execPath, ["-e", "console.log(1)"], workDir, env, false),
    );
    const code = `const t=process.hrtime.bigint();require(${JSON.stringify(lifecycle)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
    out.lifecycleRequireMs.push(Number(await outputOf(process.execPath, ["-e", code], workDir, env)));
  }
  return out;
}

/** Spawn → first stdout line, ms. `kill` ends the process (and its group) afterwards. */
function timeUntilOutput(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  kill: boolean,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child: ChildProcess = spawn(cmd, args, {
      cwd,
      env,
      detached: kill,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let done = false;
    child.stdout!.on("data", () => {
      if (done) return;
      done = true;
      resolve(nowMs() - t0);
      if (kill && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    });
    child.on("error", reject);
    child.on("exit", () => {
      if (!done) reject(new Error(`${cmd} exited before printing anything`));
    });
  });
}

function outputOf(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", () => resolve(out.trim()));
  });
}

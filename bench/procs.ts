/**
 * Finds and samples the provider plugin processes the engine starts, through /proc (Linux): the
 * dynamic-provider host and the native plugin `marketplace` (bin/pulumi-resource-marketplace).
 *
 * The engine launches `pulumi-resource-pulumi-nodejs` (a `sh` script) with the project directory
 * as its working directory; the script runs `node …/@pulumi/pulumi/cmd/dynamic-provider`. Other
 * engineers' tests may run dynamic providers on the same machine at the same time, so a process
 * is ours only if its cwd is the bench stack's own work dir (a fresh temp dir per stack).
 */
import * as fs from "node:fs";

export interface ProcInfo {
  pid: number;
  /**
   * "cli" = the `pulumi` CLI the Automation API spawned for an operation; "wrapper" = the
   * `pulumi-resource-pulumi-nodejs` sh script; "node" = the Node process running the dynamic provider
   * or the native plugin.
   */
  role: "cli" | "wrapper" | "node";
  /** The CLI's subcommand (up, preview, stack, …); undefined for plugins. */
  command?: string;
  /** Process start, epoch ms on the Date.now() clock (10 ms resolution: clock ticks). */
  startedAtMs: number;
  /** First time the watcher saw it gone (or a zombie), real epoch ms. */
  exitedAtMs?: number;
}

export interface MemorySample {
  at: number;
  rssKiB: number;
  hwmKiB: number;
  /** user + system CPU time so far, seconds. */
  cpuS: number;
}

export interface PluginWatch {
  /** Every plugin process seen so far (wrappers and node). */
  readonly processes: ProcInfo[];
  /** Memory samples of the node processes, by pid. */
  readonly samples: Map<number, MemorySample[]>;
  /** Highest VmHWM (peak RSS, kept by the kernel) seen for any node plugin process, KiB. */
  peakHwmKiB(): number;
  /** Highest VmRSS seen by our own sampling, KiB. */
  peakRssKiB(): number;
  stop(): void;
}

/** The native plugin's node process: `node <package>/dist/provider/plugin/main.js <engine address>`. */
const NATIVE_PLUGIN_MAIN = /[\\/]dist[\\/]provider[\\/]plugin[\\/]main\.js\b/;

const CLK_TCK = 100; // `getconf CLK_TCK` on Linux x86-64; /proc/<pid>/stat counts start time in these.

let bootTimeMs: number | undefined;
/**
 * Boot time in epoch ms. `btime` in /proc/stat is whole seconds (up to 1 s off); now − uptime
 * is good to the 10 ms of /proc/uptime.
 */
function bootTime(): number {
  if (bootTimeMs === undefined) {
    const uptimeS = Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    // Date.now(): start times are compared with the emulator's log, stamped with the same clock.
    bootTimeMs = Date.now() - uptimeS * 1000;
  }
  return bootTimeMs;
}

/** Process start time in epoch ms, from field 22 of /proc/<pid>/stat. */
export function processStartMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const startTicks = Number(rest[19]); // field 22 overall; rest starts at field 3
    return bootTime() + (startTicks / CLK_TCK) * 1000;
  } catch {
    return undefined;
  }
}

/** Memory of a live process; undefined once it is gone or a zombie (which has no Vm* lines). */
function readStatus(pid: number): { rssKiB: number; hwmKiB: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
    const out = { rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM") };
    return Number.isFinite(out.rssKiB) && Number.isFinite(out.hwmKiB) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime (fields 14 and 15 of /proc/<pid>/stat), seconds. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function classify(pid: number, workDir: string): Pick<ProcInfo, "role" | "command"> | undefined {
  try {
    if (fs.readlinkSync(`/proc/${pid}/cwd`) !== workDir) return undefined;
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const cmd = argv.join(" ");
    // The wrapper first runs `node -e "…require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"`.
    if (cmd.includes("cmd/dynamic-provider")) return argv[1] === "-e" ? undefined : { role: "node" };
    // The native plugin: its `sh` launcher `exec`s node in the same process, so the pid is counted
    // once it runs node (the start time in /proc is still the launcher's spawn).
    if (NATIVE_PLUGIN_MAIN.test(cmd)) return { role: "node" };
    if (cmd.includes("pulumi-resource-pulumi-nodejs")) return { role: "wrapper" };
    if (/(^|\/)pulumi$/.test(argv[0])) return { role: "cli", command: argv[1] };
  } catch {
    // gone, or not ours to read
  }
  return undefined;
}

/**
 * Watches for plugin processes whose cwd is `workDir` and samples their memory every
 * `intervalMs` until stop(). Discovery scans /proc; sampling reads only the known pids.
 */
export function watchPlugins(workDir: string, intervalMs = 100): PluginWatch {
  const real = fs.realpathSync(workDir);
  const processes: ProcInfo[] = [];
  const samples = new Map<number, MemorySample[]>();
  const known = new Set<number>();
  const tick = () => {
    let pids: number[] = [];
    try {
      pids = fs
        .readdirSync("/proc")
        .filter((n) => /^\d+$/.test(n))
        .map(Number);
    } catch {
      return;
    }
    for (const pid of pids) {
      if (known.has(pid)) continue;
      const kind = classify(pid, real);
      if (!kind) continue;
      known.add(pid);
      processes.push({ pid, ...kind, startedAtMs: processStartMs(pid) ?? Date.now() });
      if (kind.role === "node") samples.set(pid, []);
    }
    for (const p of processes) {
      if (p.exitedAtMs === undefined && !alive(p.pid)) p.exitedAtMs = Date.now();
    }
    for (const [pid, list] of samples) {
      const s = readStatus(pid);
      if (s) list.push({ at: Date.now(), ...s, cpuS: cpuSeconds(pid) });
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  const all = () => [...samples.values()].flat();
  return {
    processes,
    samples,
    peakHwmKiB: () => Math.max(0, ...all().map((s) => s.hwmKiB)),
    peakRssKiB: () => Math.max(0, ...all().map((s) => s.rssKiB)),
    stop: () => clearInterval(timer),
  };
}

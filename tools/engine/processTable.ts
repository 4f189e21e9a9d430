/**
 * The machine's process table, read with `ps`: finding what the engine started (the CLI, the provider
 * plugins and their children) by ancestry and process group, and killing it. Plugins run in process
 * groups of their own (the engine starts each with setpgid), so neither a kill of one group nor a kill
 * of the engine reaches them: they have to be found here first.
 */
import { execFileSync } from "child_process";

/** One row of `ps`. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** The command line, as `ps -o args` shows it. */
  args: string;
}

/** The dynamic-provider hosts among `processes`: the `node` running `@pulumi/pulumi/cmd/dynamic-provider`. */
export function providerHosts(processes: ProcessInfo[]): ProcessInfo[] {
  return processes.filter((p) => /[\\/]cmd[\\/]dynamic-provider[\\/]index\.js\b/.test(p.args));
}

/** Every live process (zombies left out: they have exited and hold nothing but a pid), from one `ps`. */
export function processTable(): ProcessInfo[] {
  let table: string;
  try {
    table = execFileSync("ps", ["-A", "-o", "pid=,ppid=,pgid=,stat=,args="], { encoding: "utf8" });
  } catch {
    return [];
  }
  const rows: ProcessInfo[] = [];
  for (const line of table.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m || m[4].startsWith("Z")) continue;
    rows.push({ pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), args: m[5] });
  }
  return rows;
}

/** All descendants of `root` (breadth-first) in one process table. */
export function descendantsIn(table: ProcessInfo[], root: number): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.shift()!;
    for (const c of table.filter((row) => row.ppid === p)) {
      found.push(c);
      todo.push(c.pid);
    }
  }
  return found;
}

/** The pids of all descendants of `root`, from a fresh process table. */
export function descendants(root: number): number[] {
  return descendantsIn(processTable(), root).map((p) => p.pid);
}

/** The processes of `snapshot` still running: same pid, same command line (so a reused pid does not count). */
export function stillRunning(snapshot: ProcessInfo[]): ProcessInfo[] {
  const now = processTable();
  return snapshot.filter((p) => now.some((q) => q.pid === p.pid && q.args === p.args));
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err instanceof Error && "code" in err && err.code === "EPERM";
  }
}

/** SIGKILL to a pid, or to a process group when negative; a process already gone is not an error. */
export function killQuietly(pidOrGroup: number): void {
  try {
    process.kill(pidOrGroup, "SIGKILL");
  } catch {
    // already gone
  }
}

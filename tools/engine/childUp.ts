/**
 * An `up` that a test can kill: EngineStack.startUpInChild() runs it in a separate `node` process
 * (upChild.ts) that leads its own process group, and the handles here kill it the way a dying CI runner
 * or laptop would (kill()), or the way `kill -9` of the CLI's group would (killEngine()), and report which
 * of the provider plugins outlive the engine.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import { PulumiFn } from "@pulumi/pulumi/automation";
import { echo } from "./operations";
import {
  ProcessInfo,
  descendants,
  descendantsIn,
  killQuietly,
  pidAlive,
  processTable,
  stillRunning,
} from "./processTable";

/** What startUpInChild hands to upChild.js. */
export interface ChildUpSpec {
  root: string;
  projectName: string;
  stackName: string;
  workDir: string;
  envVars: Record<string, string>;
  programModule: string;
  programExport: string;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildUp {
  /** pid of the `node` child; also its process-group id. */
  readonly pid: number;
  /** stdout + stderr of the child (the engine's display) so far. */
  output(): string;
  /**
   * Resolves once `condition` holds (a RegExp is matched against output()); rejects if the child exits
   * first or `timeoutMs` passes, with the output so far in the message.
   */
  waitFor(condition: RegExp | (() => boolean), timeoutMs?: number): Promise<void>;
  /**
   * SIGKILLs the child, the `pulumi` CLI under it and every provider plugin the engine started (plugins run
   * in their own process groups, so killing one group is not enough), then waits for them to be gone. For
   * plugins that cannot notice the engine's death by themselves (e.g. the harness's blocking fixture).
   */
  kill(): Promise<void>;
  /**
   * SIGKILLs only the child's process group — the child and the `pulumi` CLI (the engine) under it — which is
   * what `kill -9` of the CLI's group, a closed terminal or a cancelled CI job hits. The plugins the engine
   * started in process groups of their own are left alone, to show whether they die with the engine; they
   * are returned for the test to watch, and cleanup() kills whatever of them is left, by group.
   */
  killEngine(): Promise<KilledEngine>;
  readonly exited: Promise<ChildExit>;
}

export interface KilledEngine {
  /** When the SIGKILL was sent (Date.now()). */
  readonly killedAt: number;
  /**
   * The processes the engine had started in process groups of their own, and their descendants (for the
   * dynamic-provider host: `sh` and the `node` it runs), as they were just before the kill.
   */
  readonly plugins: ProcessInfo[];
  /** Those of `plugins` still running (the same pid with the same command line; zombies count as gone). */
  survivors(): ProcessInfo[];
  /** Polls survivors() until there are none or `withinMs` after the kill has passed; returns the last. */
  survivorsAfter(withinMs: number): Promise<ProcessInfo[]>;
}

/** The program a module exports as `programExport`, or the module itself when it is the function. */
export function loadProgram(programModule: string, programExport: string): PulumiFn {
  const mod = require(programModule) as Record<string, unknown> | PulumiFn;
  // `export = async () => {...}` programs (the shape of our examples) are the module itself.
  const program = typeof mod === "function" ? mod : mod[programExport];
  if (typeof program !== "function") {
    throw new Error(`${programModule} does not export a function named ${programExport}`);
  }
  return program as PulumiFn;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The `up` children of one stack, and the plugins their killed engines left running. */
export class ChildUps {
  private readonly children = new Set<ChildProcess>();
  /** Plugins left running by killEngine(), for killAll() to kill by group if they outlive the test. */
  private readonly orphans: ProcessInfo[] = [];

  /**
   * Starts upChild.js on `spec`, a process-group leader. The spec holds the passphrase, so it goes into a
   * 0600 file at `specPath` (inside the stack's temp dir), not argv.
   */
  start(spec: ChildUpSpec, specPath: string): ChildUp {
    fs.writeFileSync(specPath, JSON.stringify(spec), { mode: 0o600 });
    const child = spawn(process.execPath, [require.resolve("./upChild"), specPath], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: process.env,
    });
    this.children.add(child);
    if (child.pid === undefined) throw new Error("failed to start the up child process");
    const pid = child.pid;
    let output = "";
    const onData = (chunk: Buffer): void => {
      const s = chunk.toString("utf8");
      output += s;
      if (echo()) process.stderr.write(s);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    let exitInfo: ChildExit | undefined;
    const exited = new Promise<ChildExit>((resolve) => {
      child.on("exit", (code, signal) => {
        exitInfo = { code, signal };
        this.children.delete(child);
        resolve(exitInfo);
      });
    });

    const waitFor = async (condition: RegExp | (() => boolean), timeoutMs = 120_000): Promise<void> => {
      const holds = (): boolean => (condition instanceof RegExp ? condition.test(output) : condition());
      const deadline = Date.now() + timeoutMs;
      while (!holds()) {
        if (exitInfo) {
          throw new Error(
            `up child exited (${JSON.stringify(exitInfo)}) before ${String(condition)} held. Output:\n${output}`,
          );
        }
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${String(condition)}. Output:\n${output}`,
          );
        }
        await sleep(100);
      }
    };

    const kill = async (): Promise<void> => {
      // Snapshot the tree before killing: once the CLI dies, its plugins are re-parented to init and can no
      // longer be found by ancestry. The engine starts each plugin with setpgid, i.e. in a group of its own.
      const tree = descendants(pid);
      killQuietly(-pid);
      for (const p of tree) {
        killQuietly(-p); // the plugin's own group (covers its children, e.g. sh -> node)
        killQuietly(p);
      }
      await exited;
      const deadline = Date.now() + 10_000;
      while (tree.some(pidAlive) && Date.now() < deadline) await sleep(50);
      const survivors = tree.filter(pidAlive);
      if (survivors.length > 0) throw new Error(`processes survived SIGKILL: ${survivors.join(", ")}`);
    };

    const killEngine = async (): Promise<KilledEngine> => {
      // Snapshot first: once the CLI dies, its plugins are re-parented and no longer found by ancestry.
      // The engine starts each plugin with setpgid, so they are the descendants outside the child's group.
      const plugins = descendantsIn(processTable(), pid).filter((p) => p.pgid !== pid);
      this.orphans.push(...plugins);
      const killedAt = Date.now();
      killQuietly(-pid);
      await exited;
      const survivors = (): ProcessInfo[] => stillRunning(plugins);
      const survivorsAfter = async (withinMs: number): Promise<ProcessInfo[]> => {
        let left = survivors();
        while (left.length > 0 && Date.now() < killedAt + withinMs) {
          await sleep(100);
          left = survivors();
        }
        return left;
      };
      return { killedAt, plugins, survivors, survivorsAfter };
    };

    return { pid, output: () => output, waitFor, kill, killEngine, exited };
  }

  /** Kills every child still running (with its tree) and the plugins a killEngine() left behind. */
  killAll(): void {
    for (const child of [...this.children]) {
      if (child.pid !== undefined) {
        for (const p of descendants(child.pid)) killQuietly(p);
        killQuietly(-child.pid);
      }
    }
    // Only groups of which a recorded process still runs: a group id alone may have been reused.
    for (const p of stillRunning(this.orphans)) {
      killQuietly(-p.pgid);
      killQuietly(p.pid);
    }
  }
}

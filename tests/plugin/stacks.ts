/**
 * The set-up every real-engine suite of the native plugin `marketplace` shares (docs/design.md §4
 * "Two fronts over one lifecycle"): the engine, one emulator with the suite's seed, a token it
 * accepts, and stacks whose Pulumi.yaml names the plugin's directory (`plugins: providers:`), the
 * way a project that has not installed the plugin finds it. Each stack gets a journal directory of
 * its own, so a test can delete it to play "another machine". Call it inside a `describe`: it
 * registers that suite's `before`/`after` hooks.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigValue, PulumiFn } from "@pulumi/pulumi/automation";
import { Emulator, EmulatorOptions, Seed, startEmulator } from "../../emulator";
import { ensurePulumi } from "../../tools/engine/ensurePulumi";
import { findRepoPath } from "../../tools/engine/goBuild";
import { descendantsIn, processTable } from "../../tools/engine/processTable";
import {
  EngineStack,
  EngineStackOptions,
  ProcessInfo,
  WITHOUT_MACHINE_CREDENTIALS,
} from "../../tools/engine/stack";

/** The checkout's `bin/`, holding the executable `pulumi-resource-marketplace`. */
export const PLUGIN_DIR = path.dirname(findRepoPath(path.join("bin", "pulumi-resource-marketplace")));
export const PLUGINS = { providers: [{ name: "marketplace", path: PLUGIN_DIR }] };
export const OFFER_TYPE = "marketplace:index:OfferOperationCancellation";
export const DYNAMIC_OFFER_TYPE = "pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation";

/** The plugin's processes among `processes`: the `node` the launcher script `exec`s. */
export function pluginProcesses(processes: ProcessInfo[]): ProcessInfo[] {
  return processes.filter((p) => /[\\/]dist[\\/]provider[\\/]plugin[\\/]main\.js\b/.test(p.args));
}

/** Everything a user sees of an operation: the display and the diagnostics on stderr. */
export const said = (op: { output: string; stderr: string }): string => `${op.output}\n${op.stderr}`;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 100 ms; throws `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * A stop in the middle of a wait: `up` runs until the service has the cancel (`cancelPosts` counts
 * them), a few seconds more while the provider polls, then the engine gets `signal`. SIGINT is
 * Ctrl-C, sent the way a user's Automation API program sends it (`up({ signal })`); SIGTERM is
 * what a CI runner, `timeout` or a container stop sends, straight to the `pulumi` process. Returns
 * the failed `up`; the time from the signal to its end is printed as `label`, never asserted.
 */
export async function interruptUpMidWait(
  s: EngineStack,
  cancelPosts: () => number,
  label: string,
  signal: "SIGINT" | "SIGTERM" = "SIGINT",
): ReturnType<EngineStack["attempt"]> {
  const abort = new AbortController();
  const up = s.attempt("up", signal === "SIGINT" ? { signal: abort.signal } : {});
  await until(() => cancelPosts() === 1, "the cancel POST");
  await sleep(3000);
  const signalledAt = Date.now();
  if (signal === "SIGINT") abort.abort();
  else process.kill(theEngineOf("up").pid, "SIGTERM");
  const failed = await up;
  process.stderr.write(`    [measure] ${label}: ${Date.now() - signalledAt} ms\n`);
  return failed;
}

/** The one `pulumi <command>` this test process runs now (tests run one engine at a time). */
function theEngineOf(command: string): ProcessInfo {
  const engines = descendantsIn(processTable(), process.pid).filter((p) =>
    new RegExp(`(^|/)pulumi (\\S+ )*${command}( |$)`).test(p.args),
  );
  if (engines.length !== 1) {
    throw new Error(
      `expected one \`pulumi ${command}\` under this process, found ${JSON.stringify(engines)}`,
    );
  }
  return engines[0];
}

export interface NativeStackOptions {
  /** An inline program, a module exporting one (needed for a killable `up`), or a YAML project. */
  program?: PulumiFn;
  programModule?: string;
  localProgram?: EngineStackOptions["localProgram"];
  stackName: string;
  projectName?: string;
  /** Stack config on top of the emulator's endpoint and, unless `withToken` is false, the token. */
  config?: Record<string, string | ConfigValue>;
  withToken?: boolean;
  envVars?: Record<string, string>;
}

export interface NativeStack extends EngineStack {
  /** MARKETPLACE_CANCEL_JOURNAL_DIR of this stack's provider processes. */
  readonly journalDir: string;
}

export interface PluginStacks {
  readonly emu: Emulator;
  /** Accepted for every publisher for a day. */
  readonly token: string;
  stack(opts: NativeStackOptions): Promise<NativeStack>;
  /** Cleans up a stack the suite made by itself, with the others. */
  track<T extends EngineStack>(stack: T): T;
}

export function usePluginStacks(
  seed: Seed,
  emulatorOptions: Omit<EmulatorOptions, "seed"> = {},
): PluginStacks {
  let emu: Emulator | undefined;
  let token: string | undefined;
  const stacks: EngineStack[] = [];
  const journals: string[] = [];

  before(async () => {
    await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) });
    emu = await startEmulator({ seed, ...emulatorOptions });
    token = emu.issueToken({ publishers: ["*"], lifetimeSeconds: 24 * 3600 });
  });
  after(async () => {
    for (const s of stacks) await s.cleanup();
    for (const dir of journals) fs.rmSync(dir, { recursive: true, force: true });
    await emu?.close();
  });

  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("usePluginStacks: used before its before() hook ran");
    return value;
  };
  return {
    get emu() {
      return ready(emu);
    },
    get token() {
      return ready(token);
    },
    async stack(opts) {
      const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-plugin-journal-"));
      journals.push(journalDir);
      const config: Record<string, string | ConfigValue> = {
        "marketplace:endpoint": ready(emu).url,
        ...(opts.withToken === false
          ? {}
          : { "marketplace:accessToken": { value: ready(token), secret: true } }),
        ...opts.config,
      };
      const envVars: Record<string, string> = {
        // No credential of the machine running the tests reaches the provider.
        ...WITHOUT_MACHINE_CREDENTIALS,
        // A stack without credentials reaches only the Azure CLI member of the standard chain, with a
        // configuration directory holding no login: nothing probes the managed-identity endpoint.
        AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
        AZURE_CONFIG_DIR: path.join(os.tmpdir(), "pmc-e2e-no-azure-login"),
        MARKETPLACE_CANCEL_JOURNAL_DIR: journalDir,
        // Only the plugin of this checkout counts, never one on PATH or in a cache of the machine.
        PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
        ...opts.envVars,
      };
      const s = await EngineStack.create({
        program: opts.program,
        programModule: opts.programModule,
        localProgram: opts.localProgram,
        projectName: opts.projectName,
        stackName: opts.stackName,
        plugins: PLUGINS,
        config,
        envVars,
      });
      return this.track(Object.assign(s, { journalDir }));
    },
    track(stack) {
      stacks.push(stack);
      return stack;
    },
  };
}

/**
 * Test helper: run Pulumi stacks through the real engine (Automation API + the CLI from ensurePulumi),
 * fully offline and isolated per test.
 *
 * Every EngineStack owns one temp directory:
 *   <tmp>/backend   file:// state backend (checkpoints, locks, history) — grep it for leaked secrets
 *   <tmp>/home      PULUMI_HOME (plugins cache, credentials, workspace settings)
 *   <tmp>/work      the project dir: Pulumi.yaml, Pulumi.<stack>.yaml, and a node_modules symlink
 *   <tmp>/scratch   free space for the test (a fake "cloud", marker files, ...)
 *
 * Why the work dir needs node_modules: the engine starts `pulumi-resource-pulumi-nodejs` (the dynamic-provider
 * host) with the project dir as its CWD, and that script does `require.resolve("@pulumi/pulumi/...")` from
 * there; the deserialized provider code also `require`s packages relative to it.
 *
 * Inline programs run inside the calling process (the Automation API serves the language-host gRPC API from
 * here), and Pulumi's runtime state is process-global, so operations are serialized through one in-process
 * queue. For a run that must be killed (SIGKILL mid-`up`), use `startUpInChild()`, which runs the same `up`
 * from a separate `node` process in its own process group.
 */
import { ChildProcess, execFile, execFileSync, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ConfigMap,
  ConfigValue,
  Deployment,
  DestroyOptions,
  DestroyResult,
  LocalWorkspace,
  OutputMap,
  PreviewOptions,
  PreviewResult,
  ProjectSettings,
  PulumiCommand,
  PulumiFn,
  RefreshOptions,
  RefreshResult,
  Stack,
  UpOptions,
  UpResult,
} from "@pulumi/pulumi/automation";
import { EnsuredPulumi, ensurePulumi } from "./ensurePulumi";
import { CREDENTIAL_VARIABLES } from "../../provider/core/settings";

// ---------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------

/**
 * Environment for a stack whose provider must see no credential of the machine running it (tests,
 * the demo, the bench): every variable a credential is read from, set empty (empty counts as
 * unset). Stack config then decides alone.
 */
export const WITHOUT_MACHINE_CREDENTIALS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(CREDENTIAL_VARIABLES.map((name) => [name, ""])),
);

export interface EngineStackOptions {
  /** Inline program run in this process. Give this or `programModule`. */
  program?: PulumiFn;
  /**
   * Path of a module exporting the program (as `programExport`, default "program"). Needed for
   * `startUpInChild()`, because a function cannot be handed to another process; also usable in-process.
   */
  programModule?: string;
  programExport?: string;
  /** Default "pmc-e2e". */
  projectName?: string;
  /** Default "test". */
  stackName?: string;
  /** Stack config set right after the stack is created; `{ value, secret: true }` for secrets. */
  config?: Record<string, string | ConfigValue>;
  /** Extra environment for the CLI, the engine and the providers it starts (wins over the defaults). */
  envVars?: Record<string, string>;
  /** Default: a random passphrase per stack. */
  passphrase?: string;
  /** Default: `await ensurePulumi()` (memoized per process). */
  engine?: EnsuredPulumi;
}

export type OperationKind = "preview" | "up" | "refresh" | "destroy";

interface OptionsByKind {
  preview: PreviewOptions;
  up: UpOptions;
  refresh: RefreshOptions;
  destroy: DestroyOptions;
}

interface ResultsByKind {
  preview: PreviewResult;
  up: UpResult;
  refresh: RefreshResult;
  destroy: DestroyResult;
}

export interface OperationOutput {
  /** Everything the CLI wrote to stdout (the human-readable display, incl. `--diff` text). */
  output: string;
  stderr: string;
}

export interface SucceededOperation<K extends OperationKind> extends OperationOutput {
  ok: true;
  result: ResultsByKind[K];
}

export interface FailedOperation extends OperationOutput {
  ok: false;
  /** The Automation API's CommandError (its message repeats stdout/stderr). */
  error: Error;
}

export type OperationAttempt<K extends OperationKind> = SucceededOperation<K> | FailedOperation;

/** Thrown by up/preview/refresh/destroy when the CLI fails; carries the captured output. */
export class EngineOperationError extends Error implements OperationOutput {
  constructor(
    readonly kind: OperationKind,
    readonly output: string,
    readonly stderr: string,
    override readonly cause: Error,
  ) {
    super(`pulumi ${kind} failed: ${cause.message}`);
    this.name = "EngineOperationError";
  }
}

/** The subset of a v3 checkpoint (`pulumi stack export`) the tests look at. */
export interface CheckpointResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  additionalSecretOutputs?: string[];
}

export interface PendingOperation {
  /** "creating" | "updating" | "deleting" | "reading" | "importing" */
  type: string;
  resource: CheckpointResource;
}

export interface Checkpoint {
  resources?: CheckpointResource[];
  pending_operations?: PendingOperation[];
  secrets_providers?: { type: string; state?: unknown };
}

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
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

/** One row of `ps`. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** The command line, as `ps -o args` shows it. */
  args: string;
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

export interface RecoveryReport {
  /** Backend lock files that the killed `up` left behind and `pulumi cancel` removed. */
  removedLocks: string[];
  /** Pending operations in the checkpoint before the repair. */
  pendingBefore: PendingOperation[];
  /** Pending operations left afterwards (expected: none). */
  pendingAfter: PendingOperation[];
  /** Display of `pulumi refresh --clear-pending-creates`. */
  refreshOutput: string;
}

// ---------------------------------------------------------------------------------------------------------
// Process-wide plumbing
// ---------------------------------------------------------------------------------------------------------

let queue: Promise<unknown> = Promise.resolve();

/** Runs engine operations one at a time: inline programs share Pulumi's process-global runtime state. */
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}

/** The repository's node_modules (the one @pulumi/pulumi was loaded from). */
function repoNodeModules(): string {
  const pkgJson = require.resolve("@pulumi/pulumi/package.json");
  return path.resolve(path.dirname(pkgJson), "..", "..");
}

/** Set PULUMI_MARKETPLACE_CANCEL_E2E_ECHO=1 to watch engine output live while debugging a test. */
const echo = (): boolean => !!process.env.PULUMI_MARKETPLACE_CANCEL_E2E_ECHO;
/** Set PULUMI_MARKETPLACE_CANCEL_E2E_KEEP=1 to keep temp dirs for inspection. */
const keepTempDirs = (): boolean => !!process.env.PULUMI_MARKETPLACE_CANCEL_E2E_KEEP;

function listFilesRecursive(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      // Symlinks are skipped on purpose: work/node_modules points at the whole repo's dependencies.
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err instanceof Error && "code" in err && err.code === "EPERM";
  }
}

/** The dynamic-provider hosts among `processes`: the `node` running `@pulumi/pulumi/cmd/dynamic-provider`. */
export function providerHosts(processes: ProcessInfo[]): ProcessInfo[] {
  return processes.filter((p) => /[\\/]cmd[\\/]dynamic-provider[\\/]index\.js\b/.test(p.args));
}

/** Every live process (zombies left out: they have exited and hold nothing but a pid), from one `ps`. */
function processTable(): ProcessInfo[] {
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
function descendantsIn(table: ProcessInfo[], root: number): ProcessInfo[] {
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

function descendants(root: number): number[] {
  return descendantsIn(processTable(), root).map((p) => p.pid);
}

/** The processes of `snapshot` still running: same pid, same command line (so a reused pid does not count). */
function stillRunning(snapshot: ProcessInfo[]): ProcessInfo[] {
  const now = processTable();
  return snapshot.filter((p) => now.some((q) => q.pid === p.pid && q.args === p.args));
}

function killQuietly(pidOrGroup: number): void {
  try {
    process.kill(pidOrGroup, "SIGKILL");
  } catch {
    // already gone
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------
// EngineStack
// ---------------------------------------------------------------------------------------------------------

export class EngineStack {
  /** Temp root holding backend/, home/, work/, scratch/. */
  readonly dir: string;
  readonly backendDir: string;
  readonly homeDir: string;
  readonly workDir: string;
  /** Free space for the test: fake cloud state, marker files. Removed by cleanup(). */
  readonly scratchDir: string;
  /** Environment given to every CLI invocation (on top of process.env). */
  readonly env: Record<string, string>;
  readonly passphrase: string;
  private readonly children = new Set<ChildProcess>();
  /** Plugins left running by killEngine(), for cleanup() to kill by group if they outlive the test. */
  private readonly orphans: ProcessInfo[] = [];
  private cleanedUp = false;

  private constructor(
    readonly engine: EnsuredPulumi,
    readonly stack: Stack,
    readonly workspace: LocalWorkspace,
    readonly projectName: string,
    private readonly programModule: string | undefined,
    private readonly programExport: string,
    dirs: { dir: string; backend: string; home: string; work: string; scratch: string },
    env: Record<string, string>,
    passphrase: string,
  ) {
    this.dir = dirs.dir;
    this.backendDir = dirs.backend;
    this.homeDir = dirs.home;
    this.workDir = dirs.work;
    this.scratchDir = dirs.scratch;
    this.env = env;
    this.passphrase = passphrase;
  }

  get stackName(): string {
    return this.stack.name;
  }

  /** Creates a fresh, isolated stack. Always pair with `cleanup()` (in `after`/`afterEach`). */
  static async create(opts: EngineStackOptions): Promise<EngineStack> {
    if (!opts.program === !opts.programModule) {
      throw new Error("EngineStack.create: give exactly one of `program` or `programModule`");
    }
    // Normally the suite's before() already called ensurePulumi() with its own logger (memoized); if not,
    // a possibly long build must not be silent.
    const engine =
      opts.engine ?? (await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) }));
    const projectName = opts.projectName ?? "pmc-e2e";
    const stackName = opts.stackName ?? "test";
    const programExport = opts.programExport ?? "program";
    const programModule = opts.programModule ? path.resolve(opts.programModule) : undefined;
    const program = opts.program ?? loadProgram(programModule!, programExport);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-e2e-"));
    const dirs = {
      dir,
      backend: path.join(dir, "backend"),
      home: path.join(dir, "home"),
      work: path.join(dir, "work"),
      scratch: path.join(dir, "scratch"),
    };
    try {
      for (const d of [dirs.backend, dirs.home, dirs.work, dirs.scratch]) fs.mkdirSync(d);
      fs.symlinkSync(repoNodeModules(), path.join(dirs.work, "node_modules"), "dir");

      const passphrase = opts.passphrase ?? crypto.randomBytes(16).toString("hex");
      const binDir = path.join(engine.root, "bin");
      const env: Record<string, string> = {
        PULUMI_BACKEND_URL: `file://${dirs.backend}`,
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        PULUMI_HOME: dirs.home,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        // Keep checkpoints as plain JSON whatever the developer's shell says, or grepping them for secrets
        // would prove nothing.
        PULUMI_DIY_BACKEND_GZIP: "false",
        PULUMI_SELF_MANAGED_STATE_GZIP: "false",
        // CLI bin dir first so the engine finds the matching pulumi-resource-pulumi-nodejs; this Node's dir next
        // so that plugin script runs providers on the same Node as the tests.
        PATH: [binDir, path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
        ...opts.envVars,
      };
      const projectSettings: ProjectSettings = { name: projectName, runtime: "nodejs" };
      const pulumiCommand = await PulumiCommand.get({ root: engine.root, skipVersionCheck: true });
      const stack = await LocalWorkspace.createOrSelectStack(
        { projectName, stackName, program },
        { workDir: dirs.work, pulumiCommand, envVars: env, projectSettings },
      );
      const engineStack = new EngineStack(
        engine,
        stack,
        stack.workspace as LocalWorkspace,
        projectName,
        programModule,
        programExport,
        dirs,
        env,
        passphrase,
      );
      if (opts.config) await engineStack.setAllConfig(opts.config);
      return engineStack;
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** A path inside scratchDir (not created). */
  scratch(...parts: string[]): string {
    return path.join(this.scratchDir, ...parts);
  }

  // --- config --------------------------------------------------------------------------------------------

  /** Sets one config key (`ns:key` or a bare key for the project namespace). */
  async setConfig(key: string, value: string, opts: { secret?: boolean } = {}): Promise<void> {
    await this.stack.setConfig(key, { value, secret: opts.secret ?? false });
  }

  async setAllConfig(config: Record<string, string | ConfigValue>): Promise<void> {
    const map: ConfigMap = {};
    for (const [k, v] of Object.entries(config)) map[k] = typeof v === "string" ? { value: v } : v;
    await this.stack.setAllConfig(map);
  }

  async removeConfig(key: string): Promise<void> {
    await this.stack.removeConfig(key);
  }

  async getAllConfig(): Promise<ConfigMap> {
    return this.stack.getAllConfig();
  }

  // --- operations ------------------------------------------------------------------------------------------

  /**
   * Runs an operation and reports failure as a value instead of throwing, with the captured display either
   * way — for tests that expect an operation to fail and want to assert on what the user would see.
   * Defaults: `color: "never"`; `diff: true` for preview and up (what a PR comment shows).
   */
  attempt<K extends OperationKind>(kind: K, opts?: OptionsByKind[K]): Promise<OperationAttempt<K>> {
    return serialized(async () => {
      let output = "";
      let stderr = "";
      const userOut = opts?.onOutput;
      const userErr = opts?.onError;
      const onOutput = (s: string): void => {
        output += s;
        if (echo()) process.stderr.write(s);
        userOut?.(s);
      };
      const onError = (s: string): void => {
        stderr += s;
        if (echo()) process.stderr.write(s);
        userErr?.(s);
      };
      try {
        const result = await this.dispatch(kind, opts, onOutput, onError);
        return { ok: true as const, result, output, stderr };
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        return { ok: false as const, error, output, stderr };
      }
    });
  }

  private async dispatch<K extends OperationKind>(
    kind: K,
    opts: OptionsByKind[K] | undefined,
    onOutput: (s: string) => void,
    onError: (s: string) => void,
  ): Promise<ResultsByKind[K]> {
    const common = { color: "never" as const, ...opts, onOutput, onError };
    // Each branch returns the result type for its own kind; TypeScript cannot narrow a generic K through a
    // switch, hence the casts at the boundary.
    switch (kind) {
      case "preview":
        return (await this.stack.preview({ diff: true, ...(common as PreviewOptions) })) as ResultsByKind[K];
      case "up":
        return (await this.stack.up({ diff: true, ...(common as UpOptions) })) as ResultsByKind[K];
      case "refresh":
        return (await this.stack.refresh(common as RefreshOptions)) as ResultsByKind[K];
      case "destroy":
        return (await this.stack.destroy(common as DestroyOptions)) as ResultsByKind[K];
      default:
        throw new Error(`unknown operation ${String(kind)}`);
    }
  }

  private async must<K extends OperationKind>(
    kind: K,
    opts?: OptionsByKind[K],
  ): Promise<SucceededOperation<K>> {
    const r = await this.attempt(kind, opts);
    if (!r.ok) throw new EngineOperationError(kind, r.output, r.stderr, r.error);
    return r;
  }

  /** `pulumi preview --diff`. */
  preview(opts?: PreviewOptions): Promise<SucceededOperation<"preview">> {
    return this.must("preview", opts);
  }

  /** `pulumi up --yes --skip-preview --diff`. */
  up(opts?: UpOptions): Promise<SucceededOperation<"up">> {
    return this.must("up", opts);
  }

  /** `pulumi refresh --yes` (pass `clearPendingCreates: true` after a killed up; see recoverAfterKill). */
  refresh(opts?: RefreshOptions): Promise<SucceededOperation<"refresh">> {
    return this.must("refresh", opts);
  }

  /** `pulumi destroy --yes`. */
  destroy(opts?: DestroyOptions): Promise<SucceededOperation<"destroy">> {
    return this.must("destroy", opts);
  }

  async outputs(): Promise<OutputMap> {
    return serialized(() => this.stack.outputs());
  }

  // --- state ---------------------------------------------------------------------------------------------

  /** `pulumi stack export` (secrets stay encrypted). */
  async exportStack(): Promise<Deployment> {
    return serialized(() => this.stack.exportStack());
  }

  /** The checkpoint body of exportStack(), typed for the fields tests use. */
  async checkpoint(): Promise<Checkpoint> {
    const exported = await this.exportStack();
    return (exported.deployment ?? {}) as Checkpoint;
  }

  /** `pulumi stack import`. */
  async importStack(state: Deployment): Promise<void> {
    await serialized(() => this.stack.importStack(state));
  }

  /** Resources in the checkpoint, without the stack itself and providers. */
  async resources(): Promise<CheckpointResource[]> {
    const cp = await this.checkpoint();
    return (cp.resources ?? []).filter(
      (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
    );
  }

  async pendingOperations(): Promise<PendingOperation[]> {
    return (await this.checkpoint()).pending_operations ?? [];
  }

  /** Every file of the state backend (checkpoints, backups, history, locks). */
  backendFiles(): string[] {
    return listFilesRecursive(this.backendDir);
  }

  /** Lock files of the file backend: a live or killed operation leaves one per `up`/`refresh`/`destroy`. */
  lockFiles(): string[] {
    // `.attrs` files are the blob store's metadata sidecars, not locks.
    return this.backendFiles().filter((f) => f.split(path.sep).includes("locks") && !f.endsWith(".attrs"));
  }

  /**
   * Files under the backend, PULUMI_HOME and the work dir (not node_modules) whose bytes contain `needle`:
   * the assertion for "this secret never lands on disk in plain text".
   */
  filesContaining(needle: string): string[] {
    const bytes = Buffer.from(needle, "utf8");
    return [this.backendDir, this.homeDir, this.workDir]
      .flatMap(listFilesRecursive)
      .filter((f) => fs.readFileSync(f).includes(bytes));
  }

  /**
   * Runs the CLI directly with this stack's environment, in the work dir, e.g. `cli(["stack", "history"])`.
   * `--stack` and `--non-interactive` are added. Never throws on a non-zero exit: check `code`.
   * (Commands that need the program, like up/preview, must go through the Automation API methods.)
   */
  cli(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
    return serialized(
      () =>
        new Promise<CliResult>((resolve, reject) => {
          execFile(
            this.engine.binary,
            [...args, "--stack", this.stackName, "--non-interactive"],
            {
              cwd: this.workDir,
              env: { ...process.env, ...this.env },
              timeout: opts.timeoutMs ?? 120_000,
              maxBuffer: 64 * 1024 * 1024,
            },
            (err, stdout, stderr) => {
              if (err && typeof err.code !== "number") {
                reject(err);
              } else {
                resolve({ stdout, stderr, code: err ? Number(err.code) : 0 });
              }
            },
          );
        }),
    );
  }

  // --- killable up -----------------------------------------------------------------------------------------

  /**
   * Starts `up` (with `--diff`) in a child `node` process, running this stack's `programModule`. The child
   * is a process-group leader, so `kill()` can take it down together with the CLI and plugins — the
   * equivalent of a CI runner or laptop dying mid-deployment.
   */
  startUpInChild(): ChildUp {
    if (!this.programModule) {
      throw new Error("startUpInChild needs the stack to be created with `programModule`");
    }
    // The spec holds the passphrase, so it goes into a 0600 file inside this stack's temp dir, not argv.
    const specPath = path.join(this.dir, `child-${crypto.randomBytes(4).toString("hex")}.json`);
    const spec: ChildUpSpec = {
      root: this.engine.root,
      projectName: this.projectName,
      stackName: this.stackName,
      workDir: this.workDir,
      envVars: this.env,
      programModule: this.programModule,
      programExport: this.programExport,
    };
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

  /**
   * Repairs the stack after a killed `up`, the way a user of a file (DIY) backend would:
   *
   * 1. `pulumi cancel` — for the DIY backend it deletes the lock file(s) under `.pulumi/locks/...`. Without
   *    it every later command fails with "the stack is currently locked by 1 lock(s). Either wait for the
   *    other process(es) to end or delete the lock file with `pulumi cancel`."
   * 2. `pulumi refresh --clear-pending-creates` — a resource that was being created when the engine died is
   *    recorded only as a pending "creating" operation. Engine v3.259 copies pending CREATEs into every new
   *    checkpoint (backend/snapshot.go: they "require user intervention"), so a plain `up` warns
   *    "Attempting to deploy or update resources with 1 pending operations from previous deployment ...
   *    interrupted while creating" and creates the resource again, yet the pending entry stays forever.
   *    `refresh` clears other kinds of pending operation (so says the engine; only CREATE was tested here);
   *    `--clear-pending-creates` drops the CREATEs (the non-interactive form of the interactive "clear"
   *    choice). The next `up` then creates the resource afresh — so a provider's create must be safe to
   *    repeat.
   */
  async recoverAfterKill(): Promise<RecoveryReport> {
    const locks = this.lockFiles();
    await serialized(() => this.stack.cancel());
    const pendingBefore = await this.pendingOperations();
    const refresh = await this.refresh({ clearPendingCreates: true });
    const pendingAfter = await this.pendingOperations();
    const left = this.lockFiles();
    if (left.length > 0) throw new Error(`pulumi cancel left lock files behind: ${left.join(", ")}`);
    return { removedLocks: locks, pendingBefore, pendingAfter, refreshOutput: refresh.output };
  }

  // --- cleanup -------------------------------------------------------------------------------------------

  /**
   * Kills leftover child runs, removes the stack (`pulumi stack rm --force`; resources live in test-owned
   * fakes, so nothing is destroyed) and deletes the temp dir. Safe to call twice.
   */
  async cleanup(): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
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
    try {
      await serialized(async () => {
        // A killed run may still hold the lock, which would make `stack rm` fail.
        if (this.lockFiles().length > 0) await this.stack.cancel();
        await this.workspace.removeStack(this.stackName, { force: true });
      });
    } catch {
      // Best effort: the backend lives inside the temp dir removed below anyway.
    }
    if (keepTempDirs()) {
      process.stderr.write(`[engine] keeping ${this.dir} (PULUMI_MARKETPLACE_CANCEL_E2E_KEEP)\n`);
      return;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

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

export function loadProgram(programModule: string, programExport: string): PulumiFn {
  const mod = require(programModule) as Record<string, unknown> | PulumiFn;
  // `export = async () => {...}` programs (the shape of our examples) are the module itself.
  const program = typeof mod === "function" ? mod : mod[programExport];
  if (typeof program !== "function") {
    throw new Error(`${programModule} does not export a function named ${programExport}`);
  }
  return program as PulumiFn;
}

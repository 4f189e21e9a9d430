/**
 * Test helper: run Pulumi stacks through the real engine (Automation API + the CLI from ensurePulumi),
 * fully offline and isolated per test. The one entry point for tests, the demo and the bench; the parts
 * live beside it by concern: stackSetup.ts (options, temp dirs, environment), operations.ts (running
 * preview/up/refresh/destroy and the CLI, one at a time), backendState.ts (checkpoint and backend files),
 * childUp.ts (an `up` in a child process that a test can kill) and processTable.ts (finding and killing
 * the engine's processes).
 *
 * Every EngineStack owns one temp directory:
 *   <tmp>/backend   file:// state backend (checkpoints, locks, history) — grep it for leaked secrets
 *   <tmp>/home      PULUMI_HOME (plugins cache, credentials, workspace settings)
 *   <tmp>/work      the project dir: Pulumi.yaml, Pulumi.<stack>.yaml, and a node_modules symlink
 *   <tmp>/scratch   free space for the test (a fake "cloud", marker files, ...)
 *
 * Inline programs run inside the calling process, and Pulumi's runtime state is process-global, so
 * operations are serialized through one in-process queue. For a run that must be killed (SIGKILL
 * mid-`up`), use `startUpInChild()`, which runs the same `up` from a separate `node` process in its own
 * process group.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  ConfigMap,
  ConfigValue,
  Deployment,
  DestroyOptions,
  LocalWorkspace,
  OutputMap,
  PreviewOptions,
  RefreshOptions,
  Stack,
  UpOptions,
} from "@pulumi/pulumi/automation";
import {
  Checkpoint,
  CheckpointResource,
  PendingOperation,
  RecoveryReport,
  filesContaining,
  listFilesRecursive,
  lockFilesOf,
  programResources,
} from "./backendState";
import { ChildUp, ChildUpSpec, ChildUps } from "./childUp";
import { EnsuredPulumi } from "./ensurePulumi";
import {
  CliResult,
  OperationAttempt,
  OperationKind,
  OptionsByKind,
  SucceededOperation,
  attemptOperation,
  runCli,
  runOperation,
  serialized,
} from "./operations";
import { EngineStackOptions, PreparedStack, prepareStack } from "./stackSetup";

// The public API of the harness, whichever module holds each part.
export type { Checkpoint, CheckpointResource, PendingOperation, RecoveryReport } from "./backendState";
export type { ChildExit, ChildUp, ChildUpSpec, KilledEngine } from "./childUp";
export { loadProgram } from "./childUp";
export type {
  CliResult,
  FailedOperation,
  OperationAttempt,
  OperationKind,
  OperationOutput,
  SucceededOperation,
} from "./operations";
export { EngineOperationError } from "./operations";
export type { ProcessInfo } from "./processTable";
export { providerHosts } from "./processTable";
export type { EngineStackOptions, ProjectPlugins } from "./stackSetup";
export { WITHOUT_MACHINE_CREDENTIALS } from "./stackSetup";

/** Set PULUMI_MARKETPLACE_CANCEL_E2E_KEEP=1 to keep temp dirs for inspection. */
const keepTempDirs = (): boolean => !!process.env.PULUMI_MARKETPLACE_CANCEL_E2E_KEEP;

export class EngineStack {
  readonly engine: EnsuredPulumi;
  readonly stack: Stack;
  readonly workspace: LocalWorkspace;
  readonly projectName: string;
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
  private readonly programModule: string | undefined;
  private readonly programExport: string;
  private readonly childUps = new ChildUps();
  private cleanedUp = false;

  private constructor(prepared: PreparedStack) {
    this.engine = prepared.engine;
    this.stack = prepared.stack;
    this.workspace = prepared.workspace;
    this.projectName = prepared.projectName;
    this.programModule = prepared.programModule;
    this.programExport = prepared.programExport;
    this.dir = prepared.dirs.dir;
    this.backendDir = prepared.dirs.backend;
    this.homeDir = prepared.dirs.home;
    this.workDir = prepared.dirs.work;
    this.scratchDir = prepared.dirs.scratch;
    this.env = prepared.env;
    this.passphrase = prepared.passphrase;
  }

  get stackName(): string {
    return this.stack.name;
  }

  /** Creates a fresh, isolated stack. Always pair with `cleanup()` (in `after`/`afterEach`). */
  static async create(opts: EngineStackOptions): Promise<EngineStack> {
    const engineStack = new EngineStack(await prepareStack(opts));
    try {
      if (opts.config) await engineStack.setAllConfig(opts.config);
      return engineStack;
    } catch (err) {
      fs.rmSync(engineStack.dir, { recursive: true, force: true });
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
    return attemptOperation(this.stack, kind, opts);
  }

  /** `pulumi preview --diff`. */
  preview(opts?: PreviewOptions): Promise<SucceededOperation<"preview">> {
    return runOperation(this.stack, "preview", opts);
  }

  /** `pulumi up --yes --skip-preview --diff`. */
  up(opts?: UpOptions): Promise<SucceededOperation<"up">> {
    return runOperation(this.stack, "up", opts);
  }

  /** `pulumi refresh --yes` (pass `clearPendingCreates: true` after a killed up; see recoverAfterKill). */
  refresh(opts?: RefreshOptions): Promise<SucceededOperation<"refresh">> {
    return runOperation(this.stack, "refresh", opts);
  }

  /** `pulumi destroy --yes`. */
  destroy(opts?: DestroyOptions): Promise<SucceededOperation<"destroy">> {
    return runOperation(this.stack, "destroy", opts);
  }

  async outputs(): Promise<OutputMap> {
    return serialized(() => this.stack.outputs());
  }

  /**
   * Runs the CLI directly with this stack's environment, in the work dir, e.g. `cli(["stack", "history"])`.
   * `--stack` and `--non-interactive` are added. Never throws on a non-zero exit: check `code`.
   * (Commands that need the program, like up/preview, must go through the Automation API methods.)
   */
  cli(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
    const stack = { stackName: this.stackName, cwd: this.workDir, env: this.env };
    return runCli(this.engine.binary, args, stack, opts.timeoutMs);
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
    return programResources(await this.checkpoint());
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
    return lockFilesOf(this.backendFiles());
  }

  /**
   * Files under the backend, PULUMI_HOME and the work dir (not node_modules) whose bytes contain `needle`:
   * the assertion for "this secret never lands on disk in plain text".
   */
  filesContaining(needle: string): string[] {
    return filesContaining([this.backendDir, this.homeDir, this.workDir], needle);
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
    return this.childUps.start(spec, specPath);
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
    this.childUps.killAll();
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

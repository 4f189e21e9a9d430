/**
 * What an EngineStack is made of before the engine sees it: the options a test gives, the temp
 * directories (backend, PULUMI_HOME, project dir, scratch) and the environment every CLI run gets,
 * which keeps the engine offline, its state plain JSON and the machine's credentials out.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ConfigValue,
  LocalWorkspace,
  ProjectSettings,
  PulumiCommand,
  PulumiFn,
  Stack,
} from "@pulumi/pulumi/automation";
import { loadProgram } from "./childUp";
import { EnsuredPulumi, ensurePulumi } from "./ensurePulumi";
import { CREDENTIAL_VARIABLES } from "../../provider/core/settings";

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
  /**
   * Where the engine finds provider plugins not in its cache: the `plugins:` block of Pulumi.yaml, e.g.
   * `{ providers: [{ name: "marketplace", path: "<repo>/bin" }] }` for the native plugin (a directory).
   */
  plugins?: ProjectPlugins;
  /**
   * A program its language host runs from the project dir instead of an inline one (give neither `program`
   * nor `programModule`): the runtime and the further top-level keys of Pulumi.yaml, e.g. a YAML program's
   * `{ runtime: "yaml", resources, outputs }`.
   */
  localProgram?: { runtime: string } & Record<string, unknown>;
}

/** Pulumi.yaml's `plugins:` block (the Automation API's ProjectSettings type does not declare it). */
export interface ProjectPlugins {
  providers: { name: string; path: string; version?: string }[];
}

/** The temp root of one stack and the four directories inside it. */
export interface StackDirs {
  dir: string;
  backend: string;
  home: string;
  work: string;
  scratch: string;
}

function stackDirs(dir: string): StackDirs {
  return {
    dir,
    backend: path.join(dir, "backend"),
    home: path.join(dir, "home"),
    work: path.join(dir, "work"),
    scratch: path.join(dir, "scratch"),
  };
}

/**
 * Creates the directories inside the temp root. The work dir gets a node_modules link to the
 * repository's, because the engine starts `pulumi-resource-pulumi-nodejs` with the project dir as its
 * CWD and that script (and the deserialized provider code) `require`s packages relative to it.
 */
function makeStackDirs(dirs: StackDirs): void {
  for (const d of [dirs.backend, dirs.home, dirs.work, dirs.scratch]) fs.mkdirSync(d);
  fs.symlinkSync(repoNodeModules(), path.join(dirs.work, "node_modules"), "dir");
}

/** The repository's node_modules (the one @pulumi/pulumi was loaded from). */
function repoNodeModules(): string {
  const pkgJson = require.resolve("@pulumi/pulumi/package.json");
  return path.resolve(path.dirname(pkgJson), "..", "..");
}

/** The environment of every CLI run of the stack (on top of process.env); `extra` wins. */
function stackEnvironment(
  engine: EnsuredPulumi,
  dirs: StackDirs,
  passphrase: string,
  extra: Record<string, string> | undefined,
): Record<string, string> {
  const binDir = path.join(engine.root, "bin");
  return {
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
    ...extra,
  };
}

/** A stack created in its own temp dirs, before its config is set. */
export interface PreparedStack {
  engine: EnsuredPulumi;
  stack: Stack;
  workspace: LocalWorkspace;
  projectName: string;
  programModule: string | undefined;
  programExport: string;
  dirs: StackDirs;
  env: Record<string, string>;
  passphrase: string;
}

/** Creates the temp dirs and the stack in them (removing the dirs again if that fails). */
export async function prepareStack(opts: EngineStackOptions): Promise<PreparedStack> {
  if ([opts.program, opts.programModule, opts.localProgram].filter((p) => p !== undefined).length !== 1) {
    throw new Error("EngineStack.create: give exactly one of `program`, `programModule` or `localProgram`");
  }
  // Normally the suite's before() already called ensurePulumi() with its own logger (memoized); if not,
  // a possibly long build must not be silent.
  const engine =
    opts.engine ?? (await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) }));
  const projectName = opts.projectName ?? "pmc-e2e";
  const stackName = opts.stackName ?? "test";
  const programExport = opts.programExport ?? "program";
  const programModule = opts.programModule ? path.resolve(opts.programModule) : undefined;
  const program = opts.localProgram
    ? undefined
    : (opts.program ?? loadProgram(programModule!, programExport));

  const dirs = stackDirs(fs.mkdtempSync(path.join(os.tmpdir(), "pmc-e2e-")));
  try {
    makeStackDirs(dirs);
    const passphrase = opts.passphrase ?? crypto.randomBytes(16).toString("hex");
    const env = stackEnvironment(engine, dirs, passphrase, opts.envVars);
    // Pulumi.yaml is written from these settings, extra keys included (js-yaml dumps the whole object).
    const projectSettings = {
      name: projectName,
      runtime: "nodejs",
      ...opts.localProgram,
      ...(opts.plugins ? { plugins: opts.plugins } : {}),
    } as ProjectSettings;
    const pulumiCommand = await PulumiCommand.get({ root: engine.root, skipVersionCheck: true });
    const workspaceOpts = { workDir: dirs.work, pulumiCommand, envVars: env, projectSettings };
    const stack = program
      ? await LocalWorkspace.createOrSelectStack({ projectName, stackName, program }, workspaceOpts)
      : await LocalWorkspace.createOrSelectStack({ stackName, workDir: dirs.work }, workspaceOpts);
    const workspace = stack.workspace as LocalWorkspace;
    return { engine, stack, workspace, projectName, programModule, programExport, dirs, env, passphrase };
  } catch (err) {
    fs.rmSync(dirs.dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Gives the tests, the demo and the bench a real Pulumi CLI/engine without downloading one.
 *
 * Resolution order:
 *   1. a `pulumi` on PATH (any developer machine), unless PULUMI_MARKETPLACE_CANCEL_BUILD_ENGINE is set;
 *   2. a CLI this script built earlier, cached by version (takes seconds);
 *   3. a fresh build from the Go module proxy, using the wrapper module in `tools/engine/cli`
 *      (10–25 minutes cold on 2 cores; under a minute when ~/.cache/go-build is warm).
 *
 * The cached layout is `<cache>/pulumi/v<version>/bin/{pulumi,pulumi-resource-pulumi-nodejs}` because the
 * Automation API's `PulumiCommand.get({ root })` runs `<root>/bin/pulumi` and prepends `<root>/bin` to PATH,
 * and the engine looks for bundled plugins (the dynamic-provider host) next to its own executable.
 *
 * Runs as a script too (`node dist/tools/engine/ensurePulumi.js`): progress goes to stderr and the binary's
 * path is the only thing printed on stdout, so `$(node dist/tools/engine/ensurePulumi.js)` works in shells.
 * `--with yaml,sdkgen,actionlint` also ensures those programs (`goTools.ts`) and prints their paths after the
 * CLI's, one a line, in the order given.
 */
import * as fs from "fs";
import * as path from "path";
import {
  cacheDir,
  findRepoPath,
  formatDuration,
  goBuild,
  isExecutableFile,
  readWrapperModule,
  replaceAtomically,
  run,
} from "./goBuild";
import { withLock } from "./buildLock";
import {
  EnsuredTool,
  EnsuredYamlHost,
  ensureGoTool,
  ensureYamlHostFor,
  GO_TOOLS,
  GoToolName,
} from "./goTools";

export { cacheDir } from "./goBuild";

export type EngineSource = "path" | "cache" | "built";

export interface EnsuredPulumi {
  /** Directory containing `bin/pulumi`: what `PulumiCommand.get({ root })` expects. */
  root: string;
  /** Absolute path of the `pulumi` executable. */
  binary: string;
  /** Semver without the leading `v`, as reported by `pulumi version`. */
  version: string;
  source: EngineSource;
}

export interface EnsurePulumiOptions {
  log?: (line: string) => void;
}

/** The Go package that is the Pulumi CLI's `main`. */
const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
/** The module whose version stamp `pulumi version` prints; set by -ldflags because -trimpath drops VCS info. */
const VERSION_SYMBOL = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
/** The dynamic-provider host shipped in the @pulumi/pulumi npm package; the engine needs it beside the CLI. */
const NODEJS_PROVIDER_PLUGIN = "pulumi-resource-pulumi-nodejs";
/** Free space we insist on before a build: module sources + build cache + a 115 MB binary, with headroom. */
const MIN_FREE_BYTES = 4 * 1024 ** 3;

// ---------------------------------------------------------------------------------------------------------
// The pinned version. tools/engine/cli/go.mod is the single place it is written down: the Go build can only
// produce what go.mod requires, so reading it here means a bump is one edit (plus `go mod tidy`) and the
// cache directory name can never disagree with the binary inside it.
// ---------------------------------------------------------------------------------------------------------

export interface CliPin {
  /** e.g. "3.276.0" */
  version: string;
  /** The `go` directive of the wrapper module, e.g. "1.26.6": the oldest Go that can build it. */
  goVersion: string;
  /** Directory of the wrapper Go module (where `go build` runs). */
  moduleDir: string;
}

export function readCliPin(): CliPin {
  const module = readWrapperModule(path.dirname(findRepoPath("tools/engine/cli/go.mod")));
  const pkg = module.requires("github.com/pulumi/pulumi/pkg/v3");
  const sdk = module.requires("github.com/pulumi/pulumi/sdk/v3");
  if (!pkg) {
    throw new Error(`${module.moduleDir}/go.mod must require github.com/pulumi/pulumi/pkg/v3`);
  }
  // pkg and sdk are released in lockstep; a mismatch builds a CLI whose engine and SDK disagree.
  if (sdk && sdk !== pkg) {
    throw new Error(`${module.moduleDir}/go.mod requires pkg/v3 v${pkg} but sdk/v3 v${sdk}; they must match`);
  }
  return { version: pkg, goVersion: module.goVersion, moduleDir: module.moduleDir };
}

/** The Pulumi CLI version the tests are pinned to (from tools/engine/cli/go.mod). */
export const PULUMI_CLI_VERSION: string = readCliPin().version;

/** Root of the cached CLI for `version`: pass it as `PulumiCommand.get({ root })`. */
export function cachedRoot(version: string = PULUMI_CLI_VERSION): string {
  return path.join(cacheDir(), "pulumi", `v${version}`);
}

// ---------------------------------------------------------------------------------------------------------
// Small process helpers.
// ---------------------------------------------------------------------------------------------------------

/** Runs `<binary> version` and returns the semver without `v`. */
async function pulumiVersion(binary: string): Promise<string> {
  const { stdout } = await run(binary, ["version"], {
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  const text = stdout.trim();
  const match = /^v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/.exec(text);
  if (!match) throw new Error(`unexpected output from \`${binary} version\`: ${JSON.stringify(text)}`);
  return match[1];
}

function whichOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// The dynamic-provider plugin.
// ---------------------------------------------------------------------------------------------------------

/** The plugin script inside the installed @pulumi/pulumi (it is a 4-line sh script). */
function installedProviderPlugin(): string {
  const pkgJson = require.resolve("@pulumi/pulumi/package.json");
  const script = path.join(path.dirname(pkgJson), NODEJS_PROVIDER_PLUGIN);
  if (!fs.existsSync(script)) {
    throw new Error(
      `${script} is missing: the installed @pulumi/pulumi does not ship ${NODEJS_PROVIDER_PLUGIN}`,
    );
  }
  return script;
}

/** Copies the plugin into `binDir` unless an identical executable copy is already there. */
function installProviderPlugin(binDir: string): void {
  const source = installedProviderPlugin();
  const target = path.join(binDir, NODEJS_PROVIDER_PLUGIN);
  const wanted = fs.readFileSync(source);
  if (isExecutableFile(target) && fs.readFileSync(target).equals(wanted)) return;
  // Write-then-rename so a concurrent engine never executes a half-written script.
  replaceAtomically(target, (tmp) => {
    fs.writeFileSync(tmp, wanted, { mode: 0o755 });
    fs.chmodSync(tmp, 0o755);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Resolution steps.
// ---------------------------------------------------------------------------------------------------------

function buildForced(): boolean {
  const v = process.env.PULUMI_MARKETPLACE_CANCEL_BUILD_ENGINE;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/**
 * Uses a `pulumi` from PATH. `PulumiCommand.get({ root })` needs `<root>/bin/pulumi`, and the engine must
 * find `pulumi-resource-pulumi-nodejs`; a normal install (`~/.pulumi/bin`, Homebrew, the tarball) has both.
 * When the layout is unusual we build a small shim root in the cache instead.
 */
async function fromPath(log: (line: string) => void): Promise<EnsuredPulumi | undefined> {
  const onPath = whichOnPath("pulumi");
  if (!onPath) return undefined;
  let version: string;
  try {
    version = await pulumiVersion(onPath);
  } catch (err) {
    log(
      `ignoring ${onPath}: \`pulumi version\` failed (${err instanceof Error ? err.message : String(err)})`,
    );
    return undefined;
  }
  const binDir = path.dirname(onPath);
  const real = fs.realpathSync(onPath);
  const pluginBesideReal = isExecutableFile(path.join(path.dirname(real), NODEJS_PROVIDER_PLUGIN));
  const pluginBeside = pluginBesideReal || isExecutableFile(path.join(binDir, NODEJS_PROVIDER_PLUGIN));
  if (path.basename(binDir) === "bin" && pluginBeside) {
    return { root: path.dirname(binDir), binary: onPath, version, source: "path" };
  }
  const shimRoot = path.join(cacheDir(), "pulumi", `path-v${version}`);
  const shimBin = path.join(shimRoot, "bin");
  fs.mkdirSync(shimBin, { recursive: true });
  const shimBinary = path.join(shimBin, "pulumi");
  if (pluginBesideReal) {
    // The engine resolves its own symlinks to find bundled plugins, so a symlink finds the real install's.
    replaceAtomically(shimBinary, (tmp) => fs.symlinkSync(real, tmp));
  } else {
    // The engine would find our plugin copy only via PATH and warn on every run that it is not beside the
    // executable; a hard link (or, across filesystems, a copy) makes the shim dir the executable's own dir.
    const src = fs.statSync(real);
    const dst = fs.lstatSync(shimBinary, { throwIfNoEntry: false });
    const current =
      dst !== undefined &&
      dst.isFile() &&
      ((dst.dev === src.dev && dst.ino === src.ino) || (dst.size === src.size && dst.mtimeMs >= src.mtimeMs));
    if (!current) {
      replaceAtomically(shimBinary, (tmp) => {
        try {
          fs.linkSync(real, tmp);
        } catch {
          fs.copyFileSync(real, tmp);
          fs.chmodSync(tmp, 0o755);
        }
      });
    }
    installProviderPlugin(shimBin);
  }
  log(`${onPath} is not laid out as <root>/bin/pulumi with its plugins; using shim root ${shimRoot}`);
  return { root: shimRoot, binary: shimBinary, version, source: "path" };
}

async function fromCache(version: string, log: (line: string) => void): Promise<EnsuredPulumi | undefined> {
  const root = cachedRoot(version);
  const binary = path.join(root, "bin", "pulumi");
  if (!isExecutableFile(binary)) return undefined;
  let actual: string;
  try {
    actual = await pulumiVersion(binary);
  } catch (err) {
    log(`cached ${binary} does not run (${err instanceof Error ? err.message : String(err)}); rebuilding`);
    return undefined;
  }
  if (actual !== version) {
    log(`cached ${binary} reports v${actual}, expected v${version}; rebuilding`);
    return undefined;
  }
  // Re-copy if @pulumi/pulumi was upgraded since the build: the plugin must match the installed SDK.
  installProviderPlugin(path.dirname(binary));
  return { root, binary, version, source: "cache" };
}

async function build(pin: CliPin, log: (line: string) => void): Promise<EnsuredPulumi> {
  const root = cachedRoot(pin.version);
  const binDir = path.join(root, "bin");
  fs.mkdirSync(binDir, { recursive: true });
  // The plugin goes in first: the binary appearing is what marks the cache entry complete.
  installProviderPlugin(binDir);
  await goBuild(
    {
      what: `Pulumi CLI v${pin.version}`,
      module: readWrapperModule(pin.moduleDir),
      goPackage: CLI_PACKAGE,
      output: path.join(binDir, "pulumi"),
      ldflags: `-X ${VERSION_SYMBOL}=v${pin.version}`,
      minFreeBytes: MIN_FREE_BYTES,
      expectedTime: "cold: 10-25 min; warm go cache: <1 min",
      advice:
        "Install Go (https://go.dev/dl/), or install the Pulumi CLI (https://www.pulumi.com/docs/install/) " +
        "and put `pulumi` on PATH so no build is needed.",
      verify: async (tmp) => {
        const built = await pulumiVersion(tmp);
        if (built !== pin.version)
          throw new Error(`the built CLI reports v${built}, expected v${pin.version}`);
      },
    },
    log,
  );
  return { root, binary: path.join(binDir, "pulumi"), version: pin.version, source: "built" };
}

// ---------------------------------------------------------------------------------------------------------
// Entry points.
// ---------------------------------------------------------------------------------------------------------

async function resolveEngine(log: (line: string) => void): Promise<EnsuredPulumi> {
  if (buildForced()) {
    log("PULUMI_MARKETPLACE_CANCEL_BUILD_ENGINE is set: not looking for pulumi on PATH");
  } else {
    const found = await fromPath(log);
    if (found) return found;
  }
  const pin = readCliPin();
  const cached = await fromCache(pin.version, log);
  if (cached) return cached;
  const lockPath = path.join(cacheDir(), "pulumi", `v${pin.version}.lock`);
  return withLock(lockPath, `Pulumi CLI v${pin.version}`, log, async () => {
    // Whoever held the lock before us may have just finished the very build we were waiting for.
    return (await fromCache(pin.version, log)) ?? (await build(pin, log));
  });
}

let memo: Promise<EnsuredPulumi> | undefined;

/**
 * Returns a usable Pulumi CLI, building it if needed. Memoized per process: every e2e suite can call it from
 * `before()` and only the first call does any work.
 */
export function ensurePulumi(opts: EnsurePulumiOptions = {}): Promise<EnsuredPulumi> {
  const log = opts.log ?? ((): void => undefined);
  if (!memo) {
    const started = Date.now();
    memo = resolveEngine(log).then((engine) => {
      log(
        `using Pulumi CLI v${engine.version} (${engine.source}) at ${engine.binary} ` +
          `[${formatDuration(Date.now() - started)}]`,
      );
      return engine;
    });
    // A failed attempt must not poison later callers (e.g. after the user installs Go mid-session).
    memo.catch(() => {
      memo = undefined;
    });
  }
  return memo;
}

/**
 * The YAML language host beside the engine `ensurePulumi()` returns, built once (see `goTools.ts`), so that a
 * `runtime: yaml` project runs with no host on PATH.
 */
export async function ensureYamlHost(opts: EnsurePulumiOptions = {}): Promise<EnsuredYamlHost> {
  return ensureYamlHostFor(await ensurePulumi(opts), opts);
}

/** `--with yaml,sdkgen` and `--with yaml --with actionlint` alike; order kept, repeats dropped. */
function parseWith(argv: string[]): GoToolName[] {
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--with" && i + 1 < argv.length) names.push(...argv[++i].split(","));
    else if (arg.startsWith("--with=")) names.push(...arg.slice("--with=".length).split(","));
    else throw new Error(`unknown argument ${JSON.stringify(arg)}; usage: [--with ${GO_TOOLS.join(",")}]`);
  }
  const tools: GoToolName[] = [];
  for (const name of names.map((n) => n.trim()).filter((n) => n !== "")) {
    const tool = GO_TOOLS.find((t) => t === name);
    if (!tool) throw new Error(`--with ${name}: expected one of ${GO_TOOLS.join(", ")}`);
    if (!tools.includes(tool)) tools.push(tool);
  }
  return tools;
}

async function main(): Promise<void> {
  const log = (line: string): void => {
    process.stderr.write(`[ensure-pulumi] ${line}\n`);
  };
  const started = Date.now();
  try {
    const tools = parseWith(process.argv.slice(2));
    const engine = await ensurePulumi({ log });
    log(`root: ${engine.root}  (PulumiCommand.get({ root }))`);
    // One path per line on stdout: the CLI first, then each --with program in the order asked for.
    const binaries = [engine.binary];
    for (const tool of tools) {
      // One at a time: each build wants both cores.
      const ensured: EnsuredTool =
        tool === "yaml" ? await ensureYamlHostFor(engine, { log }) : await ensureGoTool(tool, { log });
      log(`using ${tool} ${ensured.version ?? "(bundled)"} (${ensured.source}) at ${ensured.binary}`);
      binaries.push(ensured.binary);
    }
    log(`done in ${formatDuration(Date.now() - started)}`);
    process.stdout.write(binaries.map((b) => `${b}\n`).join(""));
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void main();
}

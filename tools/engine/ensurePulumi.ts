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
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

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
const HEARTBEAT_MS = 30_000;
/** A lock held longer than this is assumed abandoned even if its pid looks alive (pid reuse). */
const LOCK_STALE_MS = 2 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------------------
// The pinned version. tools/engine/cli/go.mod is the single place it is written down: the Go build can only
// produce what go.mod requires, so reading it here means a bump is one edit (plus `go mod tidy`) and the
// cache directory name can never disagree with the binary inside it.
// ---------------------------------------------------------------------------------------------------------

export interface CliPin {
  /** e.g. "3.276.0" */
  version: string;
  /** The `go` directive of the wrapper module, e.g. "1.26": the oldest Go that can build it. */
  goVersion: string;
  /** Directory of the wrapper Go module (where `go build` runs). */
  moduleDir: string;
}

/** Finds `tools/engine/cli` from either the TypeScript source or its compiled copy under `dist/`. */
function findCliModuleDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, "tools", "engine", "cli", "go.mod");
    if (fs.existsSync(candidate)) return path.dirname(candidate);
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find tools/engine/cli/go.mod above ${__dirname}`);
    }
    dir = parent;
  }
}

export function readCliPin(): CliPin {
  const moduleDir = findCliModuleDir();
  const goMod = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
  const requireVersion = (modulePath: string): string | undefined => {
    const escaped = modulePath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+v(\\d+\\.\\d+\\.\\d+)\\b`, "m").exec(goMod)?.[1];
  };
  const pkg = requireVersion("github.com/pulumi/pulumi/pkg/v3");
  const sdk = requireVersion("github.com/pulumi/pulumi/sdk/v3");
  const goVersion = /^go\s+(\d+\.\d+)/m.exec(goMod)?.[1];
  if (!pkg || !goVersion) {
    throw new Error(
      `${moduleDir}/go.mod must require github.com/pulumi/pulumi/pkg/v3 and declare a go version`,
    );
  }
  // pkg and sdk are released in lockstep; a mismatch builds a CLI whose engine and SDK disagree.
  if (sdk && sdk !== pkg) {
    throw new Error(`${moduleDir}/go.mod requires pkg/v3 v${pkg} but sdk/v3 v${sdk}; they must match`);
  }
  return { version: pkg, goVersion, moduleDir };
}

/** The Pulumi CLI version the tests are pinned to (from tools/engine/cli/go.mod). */
export const PULUMI_CLI_VERSION: string = readCliPin().version;

export function cacheDir(): string {
  const explicit = process.env.PULUMI_MARKETPLACE_CANCEL_CACHE;
  if (explicit) return path.resolve(explicit);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(xdg, "pulumi-marketplace-cancel");
}

/** Root of the cached CLI for `version`: pass it as `PulumiCommand.get({ root })`. */
export function cachedRoot(version: string = PULUMI_CLI_VERSION): string {
  return path.join(cacheDir(), "pulumi", `v${version}`);
}

// ---------------------------------------------------------------------------------------------------------
// Small process helpers.
// ---------------------------------------------------------------------------------------------------------

interface RunResult {
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...opts, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(Object.assign(err, { stdout, stderr }));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && "code" in err;
}

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

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function whichOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`;
}

function formatGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
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

/** Creates `target` via a private temp name and a rename: concurrent test processes may race here. */
function replaceAtomically(target: string, create: (tmp: string) => void): void {
  const tmp = `${target}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  create(tmp);
  fs.renameSync(tmp, target);
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

interface GoEnv {
  GOVERSION: string;
  GOMODCACHE: string;
  GOCACHE: string;
  GOTOOLCHAIN: string;
}

function compareGoVersions(a: string, b: string): number {
  const parts = (v: string): number[] =>
    v
      .replace(/^go/, "")
      .split(/[^0-9]+/)
      .filter((p) => p !== "")
      .map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

async function checkGo(pin: CliPin, log: (line: string) => void): Promise<GoEnv> {
  const need = `Go ${pin.goVersion} is required to build the Pulumi CLI`;
  const fallback =
    "Install Go (https://go.dev/dl/), or install the Pulumi CLI (https://www.pulumi.com/docs/install/) " +
    "and put `pulumi` on PATH so no build is needed.";
  let stdout: string;
  try {
    ({ stdout } = await run("go", ["env", "-json", "GOVERSION", "GOMODCACHE", "GOCACHE", "GOTOOLCHAIN"], {
      cwd: pin.moduleDir,
    }));
  } catch (err) {
    if (isErrnoException(err) && err.code === "ENOENT") {
      throw new Error(`${need}: \`go\` was not found on PATH. ${fallback}`);
    }
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`${need}: \`go env\` failed: ${stderr.trim() || String(err)}. ${fallback}`);
  }
  const env = JSON.parse(stdout) as GoEnv;
  if (compareGoVersions(env.GOVERSION, pin.goVersion) < 0) {
    // Since Go 1.21 an older `go` fetches the required toolchain from the module proxy by itself, unless
    // GOTOOLCHAIN=local forbids it.
    if (env.GOTOOLCHAIN === "local") {
      throw new Error(`${need}: found ${env.GOVERSION} and GOTOOLCHAIN=local. ${fallback}`);
    }
    log(`found ${env.GOVERSION}; go will fetch the go${pin.goVersion} toolchain from the module proxy`);
  }
  return env;
}

/** Nearest existing ancestor, so free space can be measured before the directory is created. */
function existingAncestor(dir: string): string {
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) current = path.dirname(current);
  return current;
}

function checkDiskSpace(dirs: Array<{ label: string; dir: string }>): void {
  const seen = new Set<number>();
  for (const { label, dir } of dirs) {
    const probe = existingAncestor(dir);
    const dev = fs.statSync(probe).dev;
    if (seen.has(dev)) continue;
    seen.add(dev);
    const stats = fs.statfsSync(probe);
    const free = stats.bavail * stats.bsize;
    if (free < MIN_FREE_BYTES) {
      throw new Error(
        `Not enough free disk space to build the Pulumi CLI: ${label} (${dir}) is on a filesystem with ` +
          `${formatGiB(free)} free; at least ${formatGiB(MIN_FREE_BYTES)} is needed. Free some space, or point ` +
          "PULUMI_MARKETPLACE_CANCEL_CACHE / GOMODCACHE / GOCACHE at a larger filesystem.",
      );
    }
  }
}

/** Keeps the last lines of the build's output for the error message. */
class Tail {
  private readonly lines: string[] = [];
  constructor(private readonly max: number) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
  toString(): string {
    return this.lines.join("\n");
  }
}

async function build(pin: CliPin, log: (line: string) => void): Promise<EnsuredPulumi> {
  const goEnv = await checkGo(pin, log);
  const root = cachedRoot(pin.version);
  checkDiskSpace([
    { label: "the engine cache", dir: root },
    { label: "GOMODCACHE", dir: goEnv.GOMODCACHE },
    { label: "GOCACHE", dir: goEnv.GOCACHE },
  ]);
  const binDir = path.join(root, "bin");
  fs.mkdirSync(binDir, { recursive: true });
  // The plugin goes in first: the binary appearing is what marks the cache entry complete.
  installProviderPlugin(binDir);

  const binary = path.join(binDir, "pulumi");
  // Same directory as the target so the final rename is atomic (same filesystem).
  const tmp = path.join(binDir, `.pulumi.${process.pid}.tmp`);
  const args = [
    "build",
    "-trimpath",
    "-ldflags",
    `-s -w -X ${VERSION_SYMBOL}=v${pin.version}`,
    "-o",
    tmp,
    CLI_PACKAGE,
  ];
  log(`building Pulumi CLI v${pin.version} with ${goEnv.GOVERSION} (cold: 10-25 min; warm go cache: <1 min)`);
  log(
    `  (cd ${pin.moduleDir} && CGO_ENABLED=0 go ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(" ")})`,
  );

  const started = Date.now();
  const tail = new Tail(60);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("go", args, {
        cwd: pin.moduleDir,
        env: { ...process.env, CGO_ENABLED: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const heartbeat = setInterval(() => {
        log(`  still building Pulumi CLI v${pin.version} (${formatDuration(Date.now() - started)} elapsed)`);
      }, HEARTBEAT_MS);
      // `go build` without -v prints only module downloads and errors; pass those through as they come.
      const forward = (chunk: Buffer): void => {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (line.trim() === "") continue;
          tail.push(line);
          log(`  | ${line}`);
        }
      };
      child.stdout.on("data", forward);
      child.stderr.on("data", forward);
      child.on("error", (err) => {
        clearInterval(heartbeat);
        reject(err);
      });
      child.on("close", (code, signal) => {
        clearInterval(heartbeat);
        if (code === 0) resolve();
        else reject(new Error(`go build exited with ${signal ?? `code ${code}`}`));
      });
    });
    const built = await pulumiVersion(tmp);
    if (built !== pin.version) {
      throw new Error(`the built CLI reports v${built}, expected v${pin.version}`);
    }
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, binary);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const output = tail.toString();
    throw new Error(
      `building the Pulumi CLI failed: ${err instanceof Error ? err.message : String(err)}` +
        (output ? `\n--- last lines of go build output ---\n${output}` : ""),
    );
  }
  log(`built Pulumi CLI v${pin.version} in ${formatDuration(Date.now() - started)}`);
  return { root, binary, version: pin.version, source: "built" };
}

// ---------------------------------------------------------------------------------------------------------
// Cross-process lock: two mocha runs (or `npm run engine` next to `npm test`) must not both spend 20 minutes
// building the same binary. O_EXCL creation is atomic on local filesystems; the holder's pid lets a waiter
// break a lock whose owner died (SIGKILL, OOM, closed terminal).
// ---------------------------------------------------------------------------------------------------------

interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

function readLock(lockPath: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return isErrnoException(err) && err.code === "EPERM";
  }
}

function lockIsStale(lockPath: string): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(lockPath).mtimeMs;
  } catch {
    return false; // vanished: not stale, just gone; the next attempt will succeed
  }
  const age = Date.now() - mtimeMs;
  if (age > LOCK_STALE_MS) return true;
  const info = readLock(lockPath);
  // Unparsable content is a lock being written right now, unless it has been like that for a while.
  if (!info) return age > 60_000;
  if (info.hostname !== os.hostname()) return false; // cannot judge another host's pid
  return !pidAlive(info.pid);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function withLock<T>(lockPath: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const waitStarted = Date.now();
  let lastNotice = 0;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, "wx");
      const info: LockInfo = {
        pid: process.pid,
        hostname: os.hostname(),
        startedAt: new Date().toISOString(),
      };
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if (!(isErrnoException(err) && err.code === "EEXIST")) throw err;
    }
    if (lockIsStale(lockPath)) {
      log(`removing stale lock ${lockPath} (${JSON.stringify(readLock(lockPath) ?? {})})`);
      fs.rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() - lastNotice >= HEARTBEAT_MS) {
      const holder = readLock(lockPath);
      log(
        `waiting for another process (pid ${holder?.pid ?? "?"}) that is building the Pulumi CLI ` +
          `(${formatDuration(Date.now() - waitStarted)} so far; lock ${lockPath})`,
      );
      lastNotice = Date.now();
    }
    await sleep(2_000);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
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
  return withLock(lockPath, log, async () => {
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

async function main(): Promise<void> {
  const log = (line: string): void => {
    process.stderr.write(`[ensure-pulumi] ${line}\n`);
  };
  const started = Date.now();
  try {
    const engine = await ensurePulumi({ log });
    log(`root: ${engine.root}  (PulumiCommand.get({ root }))`);
    log(`done in ${formatDuration(Date.now() - started)}`);
    process.stdout.write(`${engine.binary}\n`);
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void main();
}

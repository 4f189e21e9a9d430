/**
 * Building a Go program from the module proxy into the cache, once per machine: what `ensurePulumi.ts` does
 * for the Pulumi CLI and `goTools.ts` for the YAML language host, sdkgen and actionlint.
 *
 * Each program has a wrapper Go module in the repository (go.mod + go.sum, committed) that pins exactly what
 * gets built; a build writes `<name>.<pid>.tmp` beside its target and renames it into place, so a binary at
 * the cached path is always complete; a lock file (`buildLock.ts`) keeps two processes from spending minutes
 * on the same build.
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** How often a long build or wait says it is still going. */
export const HEARTBEAT_MS = 30_000;

/** `$PULUMI_MARKETPLACE_CANCEL_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/pulumi-marketplace-cancel`. */
export function cacheDir(): string {
  const explicit = process.env.PULUMI_MARKETPLACE_CANCEL_CACHE;
  if (explicit) return path.resolve(explicit);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(xdg, "pulumi-marketplace-cancel");
}

/** Finds `<repo>/<relative>` from either the TypeScript source or its compiled copy under `dist/`. */
export function findRepoPath(relative: string): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${relative} above ${__dirname}`);
    dir = parent;
  }
}

export interface WrapperModule {
  /** Directory of the wrapper Go module (where `go build` runs). */
  moduleDir: string;
  /** The `go` directive, e.g. "1.26.6": the oldest Go that can build it. */
  goVersion: string;
  /** The version (without `v`) go.mod requires for `modulePath`, if it requires it. */
  requires(modulePath: string): string | undefined;
}

/**
 * Reads a wrapper module's go.mod. It is the one place a pinned version is written down: the Go build can only
 * produce what go.mod requires, so a cache directory named after it cannot disagree with the binary inside.
 */
export function readWrapperModule(moduleDir: string): WrapperModule {
  const goMod = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
  const goVersion = /^go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(goMod)?.[1];
  if (!goVersion) throw new Error(`${moduleDir}/go.mod declares no go version`);
  const requires = (modulePath: string): string | undefined => {
    const escaped = modulePath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+v(\\d+\\.\\d+\\.\\d+)\\b`, "m").exec(goMod)?.[1];
  };
  return { moduleDir, goVersion, requires };
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers.
// ---------------------------------------------------------------------------------------------------------

export interface RunResult {
  stdout: string;
  stderr: string;
}

export function run(
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

export function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && "code" in err;
}

export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`;
}

function formatGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** Creates `target` via a private temp name and a rename: concurrent test processes may race here. */
export function replaceAtomically(target: string, create: (tmp: string) => void): void {
  const tmp = `${target}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  create(tmp);
  fs.renameSync(tmp, target);
}

// ---------------------------------------------------------------------------------------------------------
// Preconditions: a recent enough Go and room on disk, checked before minutes are spent.
// ---------------------------------------------------------------------------------------------------------

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

async function checkGo(
  module: WrapperModule,
  what: string,
  advice: string,
  log: (line: string) => void,
): Promise<GoEnv> {
  const need = `Go ${module.goVersion} is required to build ${what}`;
  let stdout: string;
  try {
    ({ stdout } = await run("go", ["env", "-json", "GOVERSION", "GOMODCACHE", "GOCACHE", "GOTOOLCHAIN"], {
      cwd: module.moduleDir,
    }));
  } catch (err) {
    if (isErrnoException(err) && err.code === "ENOENT") {
      throw new Error(`${need}: \`go\` was not found on PATH. ${advice}`);
    }
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`${need}: \`go env\` failed: ${stderr.trim() || String(err)}. ${advice}`);
  }
  const env = JSON.parse(stdout) as GoEnv;
  if (compareGoVersions(env.GOVERSION, module.goVersion) < 0) {
    // Since Go 1.21 an older `go` fetches the required toolchain from the module proxy by itself, unless
    // GOTOOLCHAIN=local forbids it.
    if (env.GOTOOLCHAIN === "local") {
      throw new Error(`${need}: found ${env.GOVERSION} and GOTOOLCHAIN=local. ${advice}`);
    }
    log(`found ${env.GOVERSION}; go will fetch the go${module.goVersion} toolchain from the module proxy`);
  }
  return env;
}

/** Nearest existing ancestor, so free space can be measured before the directory is created. */
function existingAncestor(dir: string): string {
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) current = path.dirname(current);
  return current;
}

function checkDiskSpace(
  what: string,
  minFreeBytes: number,
  dirs: Array<{ label: string; dir: string }>,
): void {
  const seen = new Set<number>();
  for (const { label, dir } of dirs) {
    const probe = existingAncestor(dir);
    const dev = fs.statSync(probe).dev;
    if (seen.has(dev)) continue;
    seen.add(dev);
    const stats = fs.statfsSync(probe);
    const free = stats.bavail * stats.bsize;
    if (free < minFreeBytes) {
      throw new Error(
        `Not enough free disk space to build ${what}: ${label} (${dir}) is on a filesystem with ` +
          `${formatGiB(free)} free; at least ${formatGiB(minFreeBytes)} is needed. Free some space, or point ` +
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

// ---------------------------------------------------------------------------------------------------------
// The build.
// ---------------------------------------------------------------------------------------------------------

export interface GoBuildSpec {
  /** For messages, e.g. "Pulumi CLI v3.276.0". */
  what: string;
  module: WrapperModule;
  /** The `main` package to build, e.g. "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" or "." for the module. */
  goPackage: string;
  /** Where the binary ends up; its directory is created. */
  output: string;
  /** `-s -w` is always added: symbols and DWARF would triple the size and nobody debugs these binaries. */
  ldflags?: string;
  /** Refuse to start with less free space than this on the cache, GOMODCACHE and GOCACHE filesystems. */
  minFreeBytes: number;
  /** Printed when the build starts, e.g. "cold: 3 min; warm go cache: 20 s". */
  expectedTime: string;
  /** What to do instead when Go is missing or too old. */
  advice?: string;
  /** Checks the fresh binary (e.g. its reported version) before it replaces anything. */
  verify?: (tmpBinary: string) => Promise<void>;
}

/**
 * `go build -trimpath` with CGO off: the binary depends on nothing but the pinned modules, and the same
 * sources give the same build-cache keys whichever checkout they are built from.
 */
export async function goBuild(spec: GoBuildSpec, log: (line: string) => void): Promise<void> {
  const advice = spec.advice ?? "Install Go (https://go.dev/dl/).";
  const goEnv = await checkGo(spec.module, spec.what, advice, log);
  checkDiskSpace(spec.what, spec.minFreeBytes, [
    { label: "the cache", dir: path.dirname(spec.output) },
    { label: "GOMODCACHE", dir: goEnv.GOMODCACHE },
    { label: "GOCACHE", dir: goEnv.GOCACHE },
  ]);
  fs.mkdirSync(path.dirname(spec.output), { recursive: true });
  // Same directory as the target so the final rename is atomic (same filesystem).
  const tmp = path.join(path.dirname(spec.output), `.${path.basename(spec.output)}.${process.pid}.tmp`);
  const ldflags = ["-s", "-w", ...(spec.ldflags ? [spec.ldflags] : [])].join(" ");
  const args = ["build", "-trimpath", "-ldflags", ldflags, "-o", tmp, spec.goPackage];
  log(`building ${spec.what} with ${goEnv.GOVERSION} (${spec.expectedTime})`);
  log(
    `  (cd ${spec.module.moduleDir} && CGO_ENABLED=0 go ` +
      `${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(" ")})`,
  );

  const started = Date.now();
  const tail = new Tail(60);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("go", args, {
        cwd: spec.module.moduleDir,
        env: { ...process.env, CGO_ENABLED: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const heartbeat = setInterval(() => {
        log(`  still building ${spec.what} (${formatDuration(Date.now() - started)} elapsed)`);
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
    await spec.verify?.(tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, spec.output);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const output = tail.toString();
    throw new Error(
      `building ${spec.what} failed: ${err instanceof Error ? err.message : String(err)}` +
        (output ? `\n--- last lines of go build output ---\n${output}` : ""),
    );
  }
  log(`built ${spec.what} in ${formatDuration(Date.now() - started)}`);
}

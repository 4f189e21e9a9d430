/**
 * Go programs besides the CLI, built from the module proxy and cached like it (see `goBuild.ts`):
 *
 * - `pulumi-language-yaml`, the YAML language host (wrapper module `tools/engine/yaml`), so that YAML programs
 *   run offline; `ensureYamlHostFor(engine)` also puts it beside the engine's `pulumi`, where the engine looks
 *   for bundled plugins before PATH (a host found on PATH makes every stack print a warning);
 * - `sdkgen` (`tools/sdkgen`), which writes the native provider's SDKs from its schema;
 * - `actionlint` (wrapper module `tools/engine/actionlint`), the GitHub Actions workflow linter.
 *
 * Cache layout: `<cache>/<program>/<key>/<program>`, where the key is the pinned version (`v1.25.0`) or, for
 * sdkgen, whose sources live in this repository, a hash of its go.mod, go.sum and Go files.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { EnsuredPulumi } from "./ensurePulumi";
import {
  cacheDir,
  findRepoPath,
  goBuild,
  isExecutableFile,
  readWrapperModule,
  replaceAtomically,
  run,
  WrapperModule,
} from "./goBuild";
import { withLock } from "./buildLock";

export type GoToolName = "yaml" | "sdkgen" | "actionlint";

export const GO_TOOLS: readonly GoToolName[] = ["yaml", "sdkgen", "actionlint"];

export interface EnsuredTool {
  /** Absolute path of the executable. */
  binary: string;
  /**
   * The pinned version without `v`; for sdkgen `<codegen version>+<source hash>`. Undefined for a YAML host
   * that came with a Pulumi CLI installed on PATH (the host has no flag that prints its version).
   */
  version: string | undefined;
  source: "path" | "cache" | "built";
}

export interface EnsuredYamlHost extends EnsuredTool {
  /**
   * True when the host sits in the directory of the engine's executable, where the engine finds it. False
   * only for a Pulumi CLI from PATH that has no host of its own: put `path.dirname(binary)` on PATH then.
   */
  besideEngine: boolean;
}

export interface GoToolOptions {
  log?: (line: string) => void;
}

const YAML_HOST = "pulumi-language-yaml";

interface Pin {
  /** Names the cache directory. */
  key: string;
  version: string;
  ldflags?: string;
}

interface ToolSpec {
  /** File name of the executable, and the cache directory's name. */
  program: string;
  /** Path of the wrapper module's go.mod, relative to the repository root. */
  goMod: string;
  goPackage: string;
  pin(module: WrapperModule): Pin;
  /** Measured on 2 cores; see tools/engine/README.md. */
  expectedTime: string;
  minFreeBytes: number;
  verify?(tmpBinary: string, pin: Pin): Promise<void>;
}

function required(module: WrapperModule, modulePath: string): string {
  const version = module.requires(modulePath);
  if (!version) throw new Error(`${module.moduleDir}/go.mod must require ${modulePath}`);
  return version;
}

/** sdkgen is built from this repository's sources, so a change to any of them must miss the cache. */
function sourceHash(moduleDir: string): string {
  const hash = createHash("sha256");
  const files = fs
    .readdirSync(moduleDir)
    .filter((name) => name === "go.mod" || name === "go.sum" || name.endsWith(".go"))
    .sort();
  for (const name of files) {
    hash.update(`${name}\0`);
    hash.update(fs.readFileSync(path.join(moduleDir, name)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

const SPECS: Record<GoToolName, ToolSpec> = {
  yaml: {
    program: YAML_HOST,
    goMod: "tools/engine/yaml/go.mod",
    goPackage: "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
    pin: (module) => {
      const version = required(module, "github.com/pulumi/pulumi-yaml");
      // The host reports this in GetPluginInfo; -trimpath builds carry no VCS stamp to fall back on.
      return {
        key: `v${version}`,
        version,
        ldflags: `-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v${version}`,
      };
    },
    expectedTime: "cold: about 3 min with module downloads; warm go cache: a few seconds",
    minFreeBytes: 2 * 1024 ** 3,
  },
  sdkgen: {
    program: "sdkgen",
    goMod: "tools/sdkgen/go.mod",
    goPackage: ".",
    pin: (module) => {
      const hash = sourceHash(module.moduleDir);
      return { key: hash, version: `${required(module, "github.com/pulumi/pulumi/pkg/v3")}+${hash}` };
    },
    expectedTime: "about 40 s after a CLI build (shared modules); warm go cache: a few seconds",
    minFreeBytes: 2 * 1024 ** 3,
  },
  actionlint: {
    program: "actionlint",
    goMod: "tools/engine/actionlint/go.mod",
    goPackage: "github.com/rhysd/actionlint/cmd/actionlint",
    pin: (module) => {
      const version = required(module, "github.com/rhysd/actionlint");
      // Built inside a wrapper module, actionlint would otherwise report the wrapper's "(devel)" version.
      return { key: `v${version}`, version, ldflags: `-X github.com/rhysd/actionlint.version=v${version}` };
    },
    expectedTime: "cold: about 30 s; warm go cache: a few seconds",
    minFreeBytes: 1024 ** 3,
    verify: async (tmp, pin) => {
      const { stdout } = await run(tmp, ["-version"]);
      const reported = stdout.split("\n")[0].trim();
      if (reported !== `v${pin.version}`) {
        throw new Error(`the built actionlint reports ${JSON.stringify(reported)}, expected v${pin.version}`);
      }
    },
  },
};

async function resolveTool(name: GoToolName, log: (line: string) => void): Promise<EnsuredTool> {
  const spec = SPECS[name];
  const module = readWrapperModule(path.dirname(findRepoPath(spec.goMod)));
  const pin = spec.pin(module);
  const dir = path.join(cacheDir(), spec.program);
  const binary = path.join(dir, pin.key, spec.program);
  // The binary only ever appears by a rename after a successful build: its presence is the whole check.
  if (isExecutableFile(binary)) return { binary, version: pin.version, source: "cache" };
  const what = `${spec.program} ${name === "sdkgen" ? pin.version : `v${pin.version}`}`;
  const verify = spec.verify;
  return withLock(path.join(dir, `${pin.key}.lock`), what, log, async () => {
    // Whoever held the lock before us may have just finished the very build we were waiting for.
    if (isExecutableFile(binary)) return { binary, version: pin.version, source: "cache" };
    await goBuild(
      {
        what,
        module,
        goPackage: spec.goPackage,
        output: binary,
        ldflags: pin.ldflags,
        minFreeBytes: spec.minFreeBytes,
        expectedTime: spec.expectedTime,
        verify: verify && ((tmp) => verify(tmp, pin)),
      },
      log,
    );
    return { binary, version: pin.version, source: "built" };
  });
}

const memo = new Map<GoToolName, Promise<EnsuredTool>>();

/** Returns the cached program, building it first if needed. Memoized per process, like `ensurePulumi()`. */
export function ensureGoTool(name: GoToolName, opts: GoToolOptions = {}): Promise<EnsuredTool> {
  const log = opts.log ?? ((): void => undefined);
  let pending = memo.get(name);
  if (!pending) {
    pending = resolveTool(name, log);
    memo.set(name, pending);
    // A failed attempt must not poison later callers (e.g. after the user installs Go mid-session).
    pending.catch(() => memo.delete(name));
  }
  return pending;
}

/** `sdkgen -schema <schema.json> -out <dir> [-languages nodejs,python,go]`; see tools/sdkgen/README.md. */
export function ensureSdkgen(opts: GoToolOptions = {}): Promise<EnsuredTool> {
  return ensureGoTool("sdkgen", opts);
}

export function ensureActionlint(opts: GoToolOptions = {}): Promise<EnsuredTool> {
  return ensureGoTool("actionlint", opts);
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/**
 * The YAML host where `engine` finds it. The engine looks in the directory of its own executable with
 * symlinks resolved, so that is where the cached build is hard-linked (one copy on disk); an install outside
 * the cache is never written to: its own host is used, or, if it has none, the cached one is returned with
 * `besideEngine: false`.
 */
export async function ensureYamlHostFor(
  engine: EnsuredPulumi,
  opts: GoToolOptions = {},
): Promise<EnsuredYamlHost> {
  const log = opts.log ?? ((): void => undefined);
  const engineDir = path.dirname(fs.realpathSync(engine.binary));
  const beside = path.join(engineDir, YAML_HOST);
  const ours = fs.existsSync(cacheDir()) && isInside(engineDir, fs.realpathSync(cacheDir()));
  if (!ours && isExecutableFile(beside)) {
    return { binary: beside, version: undefined, source: "path", besideEngine: true };
  }
  const built = await ensureGoTool("yaml", opts);
  if (!ours) {
    log(
      `${engineDir} has no ${YAML_HOST} and is not ours to write: put ${path.dirname(built.binary)} on PATH`,
    );
    return { ...built, besideEngine: false };
  }
  const wanted = fs.statSync(built.binary);
  const current = fs.statSync(beside, { throwIfNoEntry: false });
  const linked = current !== undefined && current.dev === wanted.dev && current.ino === wanted.ino;
  // A copy (the cross-device fallback below) is current while it is no older than the build it copied.
  const copied = current !== undefined && current.size === wanted.size && current.mtimeMs >= wanted.mtimeMs;
  if (!linked && !copied) {
    // Replaced atomically: an engine may be starting the host right now.
    replaceAtomically(beside, (tmp) => {
      try {
        fs.linkSync(built.binary, tmp);
      } catch {
        fs.copyFileSync(built.binary, tmp);
        fs.chmodSync(tmp, 0o755);
      }
    });
  }
  return { ...built, binary: beside, besideEngine: true };
}

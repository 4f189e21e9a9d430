/**
 * A user's project, outside this repository: packing the package, installing it, compiling the
 * program, running the packaged emulator bin and driving the real engine from inside the project
 * (`consumer/drive.ts`). Used by the packaging and the upgrade tests.
 */
import { strict as assert } from "node:assert";
import { ChildProcess, execFile, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..", "..");
const FIXTURE_SOURCES = path.join(REPO, "tests", "packaging", "consumer");
/** The @pulumi/pulumi of this test run: the oldest supported SDK on the oldest leg, the newest on the others. */
export const SDK_VERSION: string = require("@pulumi/pulumi/package.json").version;
const TYPESCRIPT_VERSION: string = require("typescript/package.json").version;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  file: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { ...opts, env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function mustSucceed(r: Run, what: string): Run {
  assert.equal(
    r.code,
    0,
    `${what} failed (exit ${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`,
  );
  return r;
}

/** npm as users run it, by the Node of this test (each CI leg puts its own Node first on PATH). */
export function npm(args: string[], cwd: string): Promise<Run> {
  return run("npm", [...args, "--no-audit", "--no-fund"], { cwd });
}

export interface Packed {
  tarball: string;
  files: string[];
}

/**
 * `npm pack` of a source tree whose dev dependencies are borrowed from this repository (a symlink;
 * the tree itself has no node_modules of its own). Lifecycle scripts run unless `ignoreScripts`.
 */
export async function pack(tree: string, dest: string, ignoreScripts = false): Promise<Packed> {
  borrowDevDependencies(tree);
  const args = ["pack", "--json", "--pack-destination", dest, ...(ignoreScripts ? ["--ignore-scripts"] : [])];
  const r = mustSucceed(await npm(args, tree), `npm pack in ${tree}`);
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf("["))) as {
    filename: string;
    files: { path: string }[];
  }[];
  return { tarball: path.join(dest, info.filename), files: info.files.map((f) => f.path) };
}

export function borrowDevDependencies(tree: string): void {
  const link = path.join(tree, "node_modules");
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(REPO, "node_modules"), link, "dir");
}

/** The files a fresh clone of this change holds: tracked ones plus new ones git does not ignore. */
export async function copyWorkingTree(dest: string): Promise<void> {
  const r = mustSucceed(
    await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO }),
    "git ls-files",
  );
  for (const rel of r.stdout.split("\0").filter(Boolean)) {
    const from = path.join(REPO, rel);
    if (!fs.existsSync(from)) continue; // deleted in the working tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, rel));
  }
}

/** `compilerOptions` that differ between the tsconfig files a TypeScript Pulumi user has. */
export const USER_TSCONFIGS: Record<string, Record<string, string>> = {
  // What `pulumi new typescript` writes today.
  "tsconfig.json": { module: "nodenext", moduleResolution: "nodenext" },
  // The exports map and the type declarations, resolved the strict Node way.
  "tsconfig.node16.json": { module: "node16", moduleResolution: "node16" },
  // What `pulumi new typescript` wrote before, and what most existing projects still have.
  "tsconfig.classic.json": { module: "commonjs", moduleResolution: "node" },
};

export interface DriveResult {
  ok: boolean;
  error?: string;
  stdout: string;
  resourceCount: number;
  /** `__provider` of each dynamic resource in state. */
  serializedProviders: string[];
  changeSummary?: Record<string, number>;
  resourceChanges?: Record<string, number>;
  outputs?: Record<string, { value: unknown }>;
}

/** One Pulumi project in a directory of its own, with its own file backend and PULUMI_HOME. */
export class ConsumerProject {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly root: string,
    private readonly engineRoot: string,
  ) {
    this.dir = path.join(root, "project");
    fs.mkdirSync(this.dir, { recursive: true });
    fs.mkdirSync(path.join(root, "backend"), { recursive: true });
    this.env = {
      PULUMI_BACKEND_URL: `file://${path.join(root, "backend")}`,
      PULUMI_HOME: path.join(root, "home"),
      PULUMI_CONFIG_PASSPHRASE: crypto.randomBytes(12).toString("hex"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
  }

  /** package.json as a `pulumi new typescript` project has it, with the package from `tarball`. */
  writePackageJson(tarball: string): void {
    fs.writeFileSync(
      path.join(this.dir, "package.json"),
      JSON.stringify(
        {
          name: "consumer",
          main: "bin/index.js",
          dependencies: { "@pulumi/pulumi": SDK_VERSION, "pulumi-marketplace-cancel": `file:${tarball}` },
          devDependencies: { "@types/node": "^20", typescript: TYPESCRIPT_VERSION },
        },
        null,
        2,
      ),
    );
  }

  /** `pulumi <args>` of the engine, run in the project with its PULUMI_HOME and backend. */
  pulumi(args: string[], cwd = this.dir): Promise<Run> {
    return run(path.join(this.engineRoot, "bin", "pulumi"), args, { cwd, env: this.env });
  }

  /** The project's PULUMI_HOME: its plugin cache is `plugins/` under it. */
  get pulumiHome(): string {
    return this.env.PULUMI_HOME as string;
  }

  installedVersion(pkg: string): string {
    return JSON.parse(fs.readFileSync(path.join(this.dir, "node_modules", pkg, "package.json"), "utf8"))
      .version;
  }

  /**
   * Copies the program (`consumer/<program>`, as the project's `index.ts`) and writes the user
   * tsconfig files; `tsc` runs with each, then compiles to bin/. With `front: "native"` the program
   * imports the same classes from the native plugin's SDK instead: the one edit a user makes to
   * move a stack over.
   */
  async compileProgram(program = "index.ts", opts: { front?: "dynamic" | "native" } = {}): Promise<void> {
    const source = fs.readFileSync(path.join(FIXTURE_SOURCES, program), "utf8");
    const edited =
      opts.front === "native"
        ? source.replace(/from "pulumi-marketplace-cancel";/, 'from "pulumi-marketplace-cancel/native";')
        : source;
    assert.ok(
      opts.front !== "native" || edited !== source,
      `${program} imports no pulumi-marketplace-cancel`,
    );
    fs.writeFileSync(path.join(this.dir, "index.ts"), edited);
    const tsc = path.join(this.dir, "node_modules", "typescript", "bin", "tsc");
    for (const [file, options] of Object.entries(USER_TSCONFIGS)) {
      const tsconfig = {
        compilerOptions: {
          strict: true,
          outDir: "bin",
          target: "es2020",
          ...options,
          sourceMap: true,
          experimentalDecorators: true,
          pretty: false,
          noFallthroughCasesInSwitch: true,
          noImplicitReturns: true,
          forceConsistentCasingInFileNames: true,
        },
        files: ["index.ts"],
      };
      fs.writeFileSync(path.join(this.dir, file), JSON.stringify(tsconfig, null, 2));
      mustSucceed(
        await run(process.execPath, [tsc, "-p", file, "--noEmit"], { cwd: this.dir }),
        `tsc -p ${file}`,
      );
    }
    mustSucceed(await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: this.dir }), "tsc");
  }

  /**
   * Starts `cpp-emulator` from the project's own node_modules/.bin (or, with `fromRepository`, this
   * checkout's build: a release older than 0.3.0 ships an emulator without --tls); resolves to its URL.
   * HTTPS (the test CA of CPP_EMULATOR_CA_DIR, trusted through NODE_EXTRA_CA_CERTS): the provider
   * signs in with the client secret through @azure/identity, which talks to https authorities only.
   */
  async startEmulator(
    args: string[] = [],
    opts: { fromRepository?: boolean } = {},
  ): Promise<PackagedEmulator> {
    const [bin, ...first] = opts.fromRepository
      ? [process.execPath, path.join(REPO, "dist", "emulator", "cli.js")]
      : [path.join(this.dir, "node_modules", ".bin", "cpp-emulator")];
    const child = spawn(bin, [...first, "--port", "0", "--quiet", "--tls", ...args], {
      cwd: this.dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const m = /CPP emulator listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`cpp-emulator exited with ${code}: ${out}`)));
    });
    return new PackagedEmulator(child, url);
  }

  /**
   * `pulumi <op>` of stack `stack` through the engine, from inside the project. A failed operation
   * is returned (`ok: false`), not thrown: some scenarios expect one.
   */
  async drive(
    op: "preview" | "up" | "refresh" | "destroy",
    stack: string,
    config: Record<string, { value: string; secret?: boolean }>,
    opts: { nativePlugin?: boolean; env?: NodeJS.ProcessEnv } = {},
  ): Promise<DriveResult> {
    fs.copyFileSync(path.join(__dirname, "consumer", "drive.js"), path.join(this.dir, "drive.js"));
    const plugin = opts.nativePlugin
      ? { PMC_PLUGIN_DIR: path.join(this.dir, "node_modules", "pulumi-marketplace-cancel", "bin") }
      : {};
    const r = await run(process.execPath, ["drive.js", op, stack], {
      cwd: this.dir,
      env: {
        ...this.env,
        ...plugin,
        ...opts.env,
        PMC_ENGINE_ROOT: this.engineRoot,
        PMC_STACK_CONFIG: JSON.stringify(config),
      },
    });
    const last = r.stdout.trim().split("\n").pop() ?? "";
    try {
      return JSON.parse(last) as DriveResult;
    } catch {
      throw new Error(`drive.js ${op} printed no result (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
  }
}

export class PackagedEmulator {
  constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  private async admin(method: string, route: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/_emulator/${route}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.ok, `${method} /_emulator/${route}: ${res.status} ${await res.clone().text()}`);
    return res.json();
  }

  /** The requests the service received, without the admin API's own (this test's). */
  async requests(): Promise<{ method: string; path: string }[]> {
    const all = (await this.admin("GET", "requests")) as { method: string; path: string }[];
    return all.filter((r) => !r.path.startsWith("/_emulator/"));
  }

  async cancelPosts(): Promise<number> {
    return (await this.requests()).filter((r) => r.method === "POST" && r.path.includes("/cancel")).length;
  }

  async health(): Promise<{ status: string }> {
    return (await this.admin("GET", "health")) as { status: string };
  }

  /** Creates or reconfigures an offer and starts a publish on it. */
  async runningOffer(publisherId: string, offerId: string, config: Record<string, unknown>): Promise<void> {
    await this.admin("PATCH", `offers/${publisherId}/${offerId}`, config);
    await this.admin("POST", `offers/${publisherId}/${offerId}/operations`, {
      kind: "publish",
      durationSeconds: 3600,
    });
  }

  /** Adds a product and starts a publish job of it that runs for an hour; resolves to its jobId. */
  async runningJob(externalId: string): Promise<string> {
    await this.admin("POST", "ingestion/products", { externalId });
    const job = (await this.admin("POST", "ingestion/jobs", {
      product: externalId,
      runningSeconds: 3600,
    })) as { jobId: string };
    return job.jobId;
  }

  /** Changes the Product Ingestion API's switches (e.g. how a cancel is answered). */
  async ingestionSettings(patch: Record<string, unknown>): Promise<void> {
    await this.admin("PATCH", "ingestion/settings", patch);
  }

  async advanceClock(seconds: number): Promise<void> {
    await this.admin("POST", "clock", { advanceSeconds: seconds });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** Stack config for the default seed's tenant: a client secret exchanged at the emulator's token endpoint. */
export function emulatorConfig(
  url: string,
  program: Record<string, string>,
): Record<string, { value: string; secret?: boolean }> {
  const config: Record<string, { value: string; secret?: boolean }> = {
    "marketplace:endpoint": { value: url },
    "marketplace:authorityHost": { value: url },
    "marketplace:tenantId": { value: "demo-tenant" },
    "marketplace:clientId": { value: "demo-client" },
    "marketplace:clientSecret": { value: "demo-secret", secret: true },
  };
  for (const [k, v] of Object.entries(program)) config[k] = { value: v };
  return config;
}

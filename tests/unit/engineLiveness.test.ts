import { strict as assert } from "node:assert";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENGINE_GONE_EXIT_CODE, armInProviderHost, isProviderHost } from "../../provider/core/engineLiveness";

/**
 * engineLiveness.ts in child processes shaped like the dynamic-provider host: the host's own
 * `uncaughtException` handler, a provider printing a progress line every 50 ms, stdin/stdout/
 * stderr pipes held by the test (the "engine"). The engine's death is played by closing those
 * pipes, or by SIGKILLing a stand-in engine that starts the provider as the real one does.
 * The only time bound is the issue's: gone within 10 seconds.
 */
const DIST = path.resolve(__dirname, "..", "..");
const GONE_WITHIN_MS = 10_000;

/** The provider side. Argv: <dist> <status file> <"watch" | "nowatch">. */
const PROVIDER = `"use strict";
const fs = require("fs");
const [, , dist, statusFile, mode] = process.argv;
const note = (s) => fs.appendFileSync(statusFile, s + "\\n");
// The handler of @pulumi/pulumi's cmd/dynamic-provider (3.248 to 3.276), plus the note.
const uncaughtErrors = new Set();
const uncaughtHandler = (err) => {
  note("uncaught " + (err && err.code));
  if (!uncaughtErrors.has(err)) {
    uncaughtErrors.add(err);
    console.error(err.stack || err.message || "" + err);
  }
};
process.on("uncaughtException", uncaughtHandler);
process.on("unhandledRejection", uncaughtHandler);
const { watchEngine } = require(dist + "/provider/core/engineLiveness");
const { defaultPrinter } = require(dist + "/provider/kit/progress");
if (mode === "watch") watchEngine();
let poll = 0;
// Stands for the poll loop, and keeps the process alive as the host's gRPC server does.
setInterval(() => defaultPrinter("[marketplace] p/o: 1.0s running (poll " + ++poll + ")"), 50);
note("ready " + process.pid);
`;

/**
 * A stand-in for the engine: starts the provider the way the engine starts
 * `pulumi-resource-pulumi-nodejs` (setpgid; sh, which runs node; a pipe on each of stdin, stdout,
 * stderr), drains its output, prints the pid of sh, and lives until killed.
 */
const ENGINE = `"use strict";
const { spawn } = require("child_process");
const [, , script, ...args] = process.argv;
const host = spawn("sh", ["-c", 'if true; then node "$@"; fi', "sh", script, ...args], {
  detached: true,
  stdio: ["pipe", "pipe", "pipe"],
});
host.stdout.resume();
host.stderr.resume();
console.log(String(host.pid));
`;

describe("engine liveness: the provider process dies with the engine", function () {
  let dir: string;
  const started: ChildProcess[] = [];
  /** Process groups the tests started besides their direct children (the stand-in engine's host). */
  const groups: number[] = [];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-liveness-"));
    fs.writeFileSync(path.join(dir, "provider.js"), PROVIDER);
    fs.writeFileSync(path.join(dir, "engine.js"), ENGINE);
  });
  afterEach(() => {
    // Every child leads a process group of its own: kill by group, passed or failed.
    for (const c of started.splice(0)) if (c.pid !== undefined && c.exitCode === null) killGroup(c.pid);
    for (const g of groups.splice(0)) killGroup(g);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  let runs = 0;
  function startProvider(mode: "watch" | "nowatch"): { child: ChildProcess; status: string } {
    const status = path.join(dir, `status-${++runs}`);
    fs.writeFileSync(status, "");
    const child = spawn(process.execPath, [path.join(dir, "provider.js"), DIST, status, mode], {
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    started.push(child);
    child.stdout!.resume();
    child.stderr!.resume();
    return { child, status };
  }

  it("ends when the engine's end of stdin closes, though stdout is still read", async () => {
    const { child, status } = startProvider("watch");
    const lines = await linesFrom(child, 3);
    assert.match(lines[0], /\(poll 1\)/);
    child.stdin!.end();
    assert.deepEqual(await exitWithin(child, GONE_WITHIN_MS), { code: ENGINE_GONE_EXIT_CODE, signal: null });
    assert.deepEqual(uncaught(status), []);
  });

  it("ends at the first failed write once stdout and stderr are closed, without the host's handler looping", async () => {
    const { child, status } = startProvider("watch");
    await linesFrom(child, 1);
    child.stdout!.destroy();
    child.stderr!.destroy();
    assert.deepEqual(await exitWithin(child, GONE_WITHIN_MS), { code: ENGINE_GONE_EXIT_CODE, signal: null });
    assert.deepEqual(uncaught(status), []);
  });

  it("without the watch, the host's handler loops on the dead pipes (what the watch prevents)", async () => {
    const { child, status } = startProvider("nowatch");
    await linesFrom(child, 1);
    child.stdout!.destroy();
    child.stderr!.destroy();
    await until(
      () => uncaught(status).length >= 100,
      15_000,
      () => `uncaught: ${uncaught(status).length}`,
    );
    assert.equal(child.exitCode, null);
    assert.deepEqual([...new Set(uncaught(status))], ["uncaught EPIPE"]);
  });

  it("goes with a SIGKILLed engine that started it as sh -> node in a group of its own", async () => {
    const status = path.join(dir, "status-engine");
    fs.writeFileSync(status, "");
    const engine = spawn(
      process.execPath,
      [path.join(dir, "engine.js"), path.join(dir, "provider.js"), DIST, status, "watch"],
      { detached: true, stdio: ["ignore", "pipe", "inherit"] },
    );
    started.push(engine);
    const shPid = Number((await linesFrom(engine, 1))[0]);
    groups.push(shPid);
    await until(
      () => /^ready \d+$/m.test(fs.readFileSync(status, "utf8")),
      10_000,
      () => "no ready",
    );
    const nodePid = Number(/^ready (\d+)$/m.exec(fs.readFileSync(status, "utf8"))![1]);
    // The tree the real engine builds: sh leads its own group, node is its child in that group.
    assert.deepEqual(processRow(nodePid), { ppid: shPid, pgid: shPid });

    killGroup(engine.pid!);
    await until(
      () => processRow(nodePid) === undefined && processRow(shPid) === undefined,
      GONE_WITHIN_MS,
      () => `still running: ${[nodePid, shPid].filter((p) => processRow(p)).join(", ")}`,
    );
    assert.deepEqual(uncaught(status), []);
  });

  it("keeps running, printing every line, while the engine lives", async () => {
    const { child, status } = startProvider("watch");
    const lines = await linesFrom(child, 20);
    assert.deepEqual(
      lines.map((l) => /\(poll (\d+)\)/.exec(l)?.[1]),
      Array.from({ length: 20 }, (_, i) => String(i + 1)),
    );
    assert.equal(child.exitCode, null);
    assert.deepEqual(uncaught(status), []);
  });

  it("is armed only inside the dynamic-provider host", () => {
    assert.equal(armInProviderHost(), false, "mocha is not the provider host");
    for (const f of [
      "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js",
      "/p/node_modules/.pnpm/@pulumi+pulumi@3.276.0/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js",
      "C:\\p\\node_modules\\@pulumi\\pulumi\\cmd\\dynamic-provider\\index.js",
    ]) {
      assert.equal(isProviderHost({ filename: f }), true, f);
    }
    for (const f of ["/p/node_modules/mocha/bin/mocha.js", "/p/dist/program.js"]) {
      assert.equal(isProviderHost({ filename: f }), false, f);
    }
    assert.equal(isProviderHost(undefined), false);
  });
});

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** The "uncaught ..." notes of the provider's status file. */
function uncaught(status: string): string[] {
  return fs
    .readFileSync(status, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("uncaught"));
}

/** ppid and pgid of a running process; undefined once it is gone (a zombie counts as gone). */
function processRow(pid: number): { ppid: number; pgid: number } | undefined {
  let out: string;
  try {
    out = execFileSync("ps", ["-o", "ppid=,pgid=,stat=", "-p", String(pid)], { encoding: "utf8" });
  } catch {
    return undefined; // ps exits 1 when no such process
  }
  const [ppid, pgid, stat] = out.trim().split(/\s+/);
  if (stat === undefined || stat.startsWith("Z")) return undefined;
  return { ppid: Number(ppid), pgid: Number(pgid) };
}

/** The first `n` lines the child writes to stdout. */
function linesFrom(child: ChildProcess, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer): void => {
      text += chunk.toString("utf8");
      const lines = text.split("\n");
      if (lines.length > n) {
        child.stdout!.off("data", onData);
        child.off("exit", onExit);
        resolve(lines.slice(0, n));
      }
    };
    const onExit = (code: number | null, signal: string | null): void =>
      reject(new Error(`exited (${code}, ${signal}) before ${n} lines: ${text}`));
    child.stdout!.on("data", onData);
    child.once("exit", onExit);
  });
}

function exitWithin(
  child: ChildProcess,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    const timer = setTimeout(() => reject(new Error(`still running ${ms} ms later`)), ms);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

async function until(cond: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

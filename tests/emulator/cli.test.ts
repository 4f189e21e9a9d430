// Specification: the cpp-emulator CLI, run as a child process the way a user or CI runs it.

import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { waitFor } from "./helpers";

const CLI = resolve(__dirname, "../../emulator/cli.js");

interface Launched {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the URL from the "listening" line. */
  started: Promise<string>;
}

const children = new Set<ChildProcess>();

function launch(args: string[]): Launched {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on("exit", (code, signal) => {
      children.delete(child);
      res({ code, signal });
    }),
  );
  const started = new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`CLI did not start: ${out} ${err}`)), 10_000);
    child.stdout?.on("data", () => {
      const m = /^CPP emulator listening on (http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      rej(new Error(`CLI exited with ${code}: ${err}`));
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited, started };
}

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = launch(args);
  p.started.catch(() => undefined);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

describe("emulator: CLI", function () {
  this.timeout(30_000);
  let tmp: string;

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), "cpp-emulator-cli-"));
  });
  afterEach(() => {
    // Only the children this suite started, by their own handle.
    for (const child of children) child.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  });

  it("prints one 'listening' line, serves the API, logs requests without tokens and stops on SIGTERM", async () => {
    const cli = launch(["--port", "0"]);
    const url = await cli.started;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    // The listening line, then where the Product Ingestion API answers (same origin).
    assert.deepEqual(cli.stdout().trim().split("\n").slice(1), [
      `Product Ingestion API at ${url}/rp/product-ingestion/`,
    ]);

    const token = await fetch(`${url}/demo-tenant/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&resource=https://cloudpartner.azure.com",
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const res = await fetch(
      `${url}/api/publishers/contoso/offers/contoso-offer/cancel?api-version=2017-10-31`,
      {
        method: "POST",
        headers: { Authorization: `Bearer ${token.access_token}` },
      },
    );
    assert.equal(res.status, 202);
    await res.text();
    // Each request's line is written once its response has finished: wait for the second one.
    const lines = () => cli.stdout().trim().split("\n");
    await waitFor("the cancel's log line", () => lines().length >= 4);

    assert.equal(lines().length, 4);
    assert.match(lines()[2], /POST \/demo-tenant\/oauth2\/token 200 \d+ms$/);
    assert.match(
      lines()[3],
      /POST \/api\/publishers\/contoso\/offers\/contoso-offer\/cancel\?api-version=2017-10-31 202/,
    );
    assert.ok(!cli.stdout().includes(token.access_token));
    assert.ok(!cli.stdout().includes("demo-secret"));

    cli.child.kill("SIGTERM");
    const { code } = await cli.exited;
    assert.equal(code, 0);
    assert.match(cli.stdout(), /CPP emulator stopped \(SIGTERM\)/);
  });

  it("stops cleanly on SIGINT and honours --quiet and --time-scale", async () => {
    const cli = launch(["--port", "0", "--quiet", "--time-scale", "600"]);
    const url = await cli.started;
    const health = (await fetch(`${url}/_emulator/health`).then((r) => r.json())) as { timeScale: number };
    assert.equal(health.timeScale, 600);
    cli.child.kill("SIGINT");
    assert.equal((await cli.exited).code, 0);
    assert.ok(!cli.stdout().includes("/_emulator/health"), "--quiet logs no requests");
  });

  it("loads --seed from a file", async () => {
    const file = join(tmp, "seed.json");
    writeFileSync(
      file,
      JSON.stringify({
        staticTokens: { "ci-token": { publishers: ["*"] } },
        publishers: { acme: { offers: { rocket: {} } } },
      }),
    );
    const cli = launch(["--port=0", "--quiet", `--seed=${file}`]);
    const url = await cli.started;
    const res = await fetch(`${url}/api/publishers/acme/offers/rocket?api-version=2017-10-31`, {
      headers: { Authorization: "Bearer ci-token" },
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { id: string }).id, "rocket");
    cli.child.kill("SIGTERM");
    assert.equal((await cli.exited).code, 0);
  });

  it("fails with exit code 1 and names the file for an unreadable seed", async () => {
    const missing = join(tmp, "missing.json");
    const r = await run(["--port", "0", "--seed", missing]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read seed file/);
    assert.ok(r.stderr.includes(missing));
    assert.match(r.stderr, /ENOENT/);
  });

  it("fails with exit code 1 for a seed that is not JSON, naming the file and the problem", async () => {
    const file = join(tmp, "broken.json");
    writeFileSync(file, "{ publishers: ");
    const r = await run(["--port", "0", "--seed", file]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(file));
    assert.match(r.stderr, /not valid JSON/);
  });

  it("fails with exit code 1 for an invalid seed, naming the file and the property", async () => {
    const file = join(tmp, "invalid.json");
    writeFileSync(
      file,
      JSON.stringify({ publishers: { contoso: { offers: { x: { cancelMode: "later" } } } } }),
    );
    const r = await run(["--port", "0", "--seed", file]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(file));
    assert.match(r.stderr, /publishers\.contoso\.offers\.x\.cancelMode: must be one of "sync", "async"/);
  });

  const usage: [string, string[], RegExp][] = [
    ["an unknown flag", ["--prot", "80"], /unknown option "--prot"/],
    ["a bad port", ["--port", "http"], /--port must be an integer/],
    ["a missing value", ["--seed"], /--seed needs a value/],
    ["a bad time scale", ["--time-scale", "0"], /--time-scale must be a positive number/],
    ["a non-loopback host", ["--host", "0.0.0.0"], /--allow-remote/],
  ];
  for (const [what, args, message] of usage) {
    it(`exits 2 with a clear message for ${what}`, async () => {
      const r = await run(args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    });
  }

  it("--help prints the usage and exits 0", async () => {
    const r = await run(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: cpp-emulator/);
    assert.match(r.stdout, /--seed/);
  });
});

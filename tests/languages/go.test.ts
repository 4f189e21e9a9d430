import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { Seed } from "../../emulator";
import { findRepoPath, run } from "../../tools/engine/goBuild";
import { NativeStack, OFFER_TYPE, PLUGIN_DIR, usePluginStacks } from "../plugin/stacks";

/**
 * A Go program uses the native plugin (docs/design.md §11 "The real engine in tests"): an
 * Automation API inline program (`github.com/pulumi/pulumi/sdk/v3/go/auto`, so no Go language host)
 * of the generated Go SDK (`sdk/go`, taken by a `replace` in the fixture's go.mod), built once per
 * run with Go's own caches (GOCACHE, GOMODCACHE), as the engine is, and run as a child process
 * with the stack's environment: the emulator's address, the backend, the passphrase, the token as
 * secret stack config set by this test.
 */
const P = "contoso";
const OFFER = "go-offer";
const seed: Seed = { publishers: { [P]: { offers: { [OFFER]: { cancelSeconds: 2 } } } } };
const FIXTURE = path.dirname(findRepoPath(path.join("tests", "languages", "fixtures", "go", "go.mod")));

/** What the program prints last: the stack's outputs after `up`, as JSON, on a line of its own. */
const OUTPUTS_PREFIX = "PMC_OUTPUTS ";

interface GoRun {
  code: number | null;
  output: string;
  outputs: Record<string, unknown> | undefined;
}

describe("languages: a Go Automation API program of the native plugin", function () {
  this.timeout(900_000);
  const plugin = usePluginStacks(seed);
  const posts = () => plugin.emu.countRequests({ method: "POST", pathIncludes: "/cancel" });
  let s: NativeStack;
  let binary: string;

  /** `program up|destroy` with the stack's environment; the Go side selects the stack in its work dir. */
  const goProgram = (command: "up" | "destroy"): Promise<GoRun> =>
    new Promise((resolve, reject) => {
      const child = spawn(binary, [command], {
        env: {
          ...process.env,
          ...s.env,
          PMC_PULUMI_ROOT: s.engine.root,
          PMC_WORK_DIR: s.workDir,
          PMC_PROJECT: s.projectName,
          PMC_STACK: s.stackName,
          PMC_PLUGIN_DIR: PLUGIN_DIR,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (code) => {
        const line = output.split("\n").find((l) => l.startsWith(OUTPUTS_PREFIX));
        const outputs = line
          ? (JSON.parse(line.slice(OUTPUTS_PREFIX.length)) as Record<string, unknown>)
          : undefined;
        resolve({ code, output, outputs });
      });
    });

  before(async () => {
    s = await plugin.stack({
      // The Go program is the one that runs; this inline program only gives the stack its directories.
      program: async () => ({}),
      projectName: "pmc-go",
      stackName: "go",
      config: { "pmc-go:publisherId": P, "pmc-go:offerId": OFFER },
    });
    binary = s.scratch("pmc-go-program");
    const started = Date.now();
    await run("go", ["build", "-trimpath", "-buildvcs=false", "-o", binary, "."], {
      cwd: FIXTURE,
      env: { ...process.env, CGO_ENABLED: "0" },
    });
    process.stderr.write(`    [measure] go build of the Go program: ${Date.now() - started} ms\n`);
  });

  it("up cancels with exactly one POST and returns the outputs", async () => {
    const op = plugin.emu.startOperation(P, OFFER, "publish", 3600);
    plugin.emu.clearRequests();
    const up = await goProgram("up");
    assert.equal(up.code, 0, up.output);
    assert.equal(posts(), 1);
    assert.deepEqual(up.outputs, { status: "succeeded", canceledOperationId: op.id }, up.output);
    const [resource] = (await s.resources()).filter((r) => r.type === OFFER_TYPE);
    assert.equal((resource.outputs as Record<string, unknown>).status, "succeeded");
    assert.deepEqual(s.filesContaining(plugin.token), [], "the token stays encrypted");
  });

  it("destroy sends nothing", async () => {
    plugin.emu.clearRequests();
    const destroy = await goProgram("destroy");
    assert.equal(destroy.code, 0, destroy.output);
    assert.equal(posts(), 0);
    assert.deepEqual(await s.resources(), []);
  });
});

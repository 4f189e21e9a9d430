import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensurePulumi } from "../../tools/engine/ensurePulumi";
import {
  ConsumerProject,
  PackagedEmulator,
  SDK_VERSION,
  copyWorkingTree,
  emulatorConfig,
  mustSucceed,
  npm,
  pack,
  run,
} from "./consumer";

/**
 * The package as a user gets it. `npm pack` runs in a copy of the repository's files (so `prepack`
 * builds from sources, and a file missing from `files` is missing here too); a fresh project
 * outside the repository installs the tarball with a plain `npm install` next to the
 * `@pulumi/pulumi` of this test run (the oldest supported SDK on the oldest leg, the newest on the
 * newest legs), so a peer range that excludes it fails with ERESOLVE. The program imports the
 * package by name, is type-checked with the tsconfig files users have, and runs through the real
 * engine against the packaged `cpp-emulator` bin. Nothing of this repository is reachable from the
 * project: no self-link, no path mapping.
 */
describe("the packed package in a fresh project", function () {
  this.timeout(15 * 60_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-package-"));
  let consumer: ConsumerProject;
  let emulator: PackagedEmulator | undefined;
  let tarball: string;
  const stack = "dev";
  const config = () =>
    emulatorConfig((emulator as PackagedEmulator).url, { publisherId: "contoso", offerId: "contoso-offer" });

  before(async function () {
    const engine = await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) });
    consumer = new ConsumerProject(path.join(tmp, "consumer"), engine.root);
  });

  after(async function () {
    await emulator?.close();
    if (!process.env.PULUMI_MARKETPLACE_CANCEL_E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("npm pack builds the package from sources (prepack) with every file it needs, and nothing else", async function () {
    const clone = path.join(tmp, "clone");
    await copyWorkingTree(clone);
    const packed = await pack(clone, tmp);
    tarball = packed.tarball;
    for (const needed of [
      "package.json",
      "README.md",
      "LICENSE",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/lifecycle.js",
      "dist/provider/dynamicProvider.js",
      "dist/provider/ingestion/dynamicProvider.js",
      "dist/provider/dynamic/offerOperationCancellation.js",
      "dist/provider/dynamic/ingestionJobCancellation.js",
      "dist/provider/ingestion/lifecycle.js",
      "dist/emulator/index.js",
      "dist/emulator/index.d.ts",
      "dist/emulator/cli.js",
      "bin/pulumi-resource-marketplace",
      "bin/pulumi-resource-marketplace.cmd",
      "dist/provider/plugin/main.js",
      "dist/sdk/nodejs/index.js",
      "dist/sdk/nodejs/index.d.ts",
      "dist/sdk/nodejs/package.json",
    ]) {
      assert.ok(packed.files.includes(needed), `${needed} is not in the tarball: ${packed.files.join(", ")}`);
    }
    assert.deepEqual(
      packed.files.filter(
        (f) =>
          !/^(package\.json|README\.md|LICENSE|bin\/pulumi-resource-marketplace(\.cmd)?|dist\/(provider|emulator|sdk\/nodejs)\/.*)$/.test(
            f,
          ),
      ),
      [],
    );
  });

  it("installs with a plain npm install next to @pulumi/pulumi of this run (no ERESOLVE, no flags)", async function () {
    consumer.writePackageJson(tarball);
    mustSucceed(await npm(["install"], consumer.dir), "npm install");
    assert.equal(consumer.installedVersion("@pulumi/pulumi"), SDK_VERSION);
    assert.ok(
      !fs.lstatSync(path.join(consumer.dir, "node_modules", "pulumi-marketplace-cancel")).isSymbolicLink(),
      "the package is installed from the tarball, not linked",
    );
  });

  it("type-checks a program that imports it by name, with each tsconfig users have", async function () {
    await consumer.compileProgram();
    assert.ok(fs.existsSync(path.join(consumer.dir, "bin", "index.js")));
  });

  it("starts the packaged cpp-emulator bin", async function () {
    emulator = await consumer.startEmulator(["--time-scale", "10"]);
    assert.equal((await emulator.health()).status, "ok");
  });

  it("preview shows the cancellation to create and what runs on the offer, from one read-only request", async function () {
    const r = await consumer.drive("preview", stack, config());
    assert.ok(r.ok, r.error);
    assert.deepEqual(r.changeSummary, { create: 2 }, r.stdout); // the stack and the cancellation
    assert.match(
      r.stdout,
      /\+ pulumi-nodejs:dynamic\/marketplace:OfferOperationCancellation: \(create\)\n\s+\[urn=\S+::stop-publish\]/,
    );
    assert.match(r.stdout, /runningNow\s*: \{/, r.stdout);
    const cpp = ((await emulator?.requests()) ?? []).filter((q) => q.path.startsWith("/api/"));
    assert.deepEqual(
      cpp.map((q) => `${q.method} ${q.path.split("?")[0]}`),
      ["GET /api/publishers/contoso/offers/contoso-offer/submissions/"],
    );
  });

  it("up sends one cancel and records the outcome the emulator's scenario decides", async function () {
    const r = await consumer.drive("up", stack, config());
    assert.ok(r.ok, r.error);
    assert.equal(r.resourceChanges?.create, 2, r.stdout);
    assert.equal(await emulator?.cancelPosts(), 1);
    // The default seed: a publish runs on contoso-offer; its cancellation is accepted (202) and
    // completes after 5 emulated seconds.
    assert.equal(r.outputs?.status.value, "succeeded", r.stdout);
    assert.match(String(r.outputs?.canceledOperationId.value), /^[0-9a-f-]{36}$/);
    assert.match(r.stdout, /Cancellation succeeded after/);
  });

  it("keeps only a require of the package in state for its provider, no code and no local path", async function () {
    const r = await consumer.drive("preview", stack, config());
    assert.equal(r.serializedProviders.length, 1);
    const [text] = r.serializedProviders;
    assert.match(
      text,
      /require\("pulumi-marketplace-cancel\/dist\/provider\/dynamic\/offerOperationCancellation"\)/,
    );
    assert.doesNotMatch(text, /PACKAGE_ENTRY|load\(|lifecycle|\/tmp\//, text);
    assert.ok(text.length < 512, `${text.length} characters:\n${text}`);
  });

  it("refresh reads the operation again and sends no cancel", async function () {
    const r = await consumer.drive("refresh", stack, config());
    assert.ok(r.ok, r.error);
    assert.equal(r.resourceChanges?.update, undefined, r.stdout);
    assert.equal(await emulator?.cancelPosts(), 1);
  });

  it("destroy removes the record and sends nothing (a cancellation cannot be undone)", async function () {
    const r = await consumer.drive("destroy", stack, config());
    assert.ok(r.ok, r.error);
    assert.equal(r.resourceChanges?.delete, 2, r.stdout);
    assert.equal(r.resourceCount, 0);
    assert.equal(await emulator?.cancelPosts(), 1);
    assert.match(r.stdout, /removed from state only/);
  });
  /**
   * The three places the README tells users to put the plugin, each in a stack of its own that
   * declares the native classes (`consumer/withIngestion.ts` on the SDK) and names no plugin unless the route does:
   * PULUMI_IGNORE_AMBIENT_PLUGINS keeps `PATH` out of the two routes that are not `PATH`. Where
   * the engine looks for a plugin depends on neither Node nor the SDK, so, like the language checks,
   * this runs in the first CI leg only (`.ci/leg` sets PMC_SKIP_LANGUAGE_CHECKS for the others);
   * the plugin itself runs on every leg's Node in tests/plugin.
   */
  const oncePerCiRun = process.env.PMC_SKIP_LANGUAGE_CHECKS ? describe.skip : describe;
  oncePerCiRun("the engine finds the native plugin where the README says to put it", function () {
    const version: string = require("../../../package.json").version;
    const noAmbient = { env: { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" } };

    before(async function () {
      await consumer.compileProgram("withIngestion.ts", { front: "native" });
    });

    /** `up` of a stack of the native program against a running publish and job: one cancel each. */
    async function upNative(stack: string, opts: Parameters<ConsumerProject["drive"]>[3]) {
      await emulator!.runningOffer("contoso", `${stack}-offer`, { cancelSeconds: 2 });
      const jobId = await emulator!.runningJob(`${stack}-product`);
      const config = emulatorConfig(emulator!.url, {
        publisherId: "contoso",
        offerId: `${stack}-offer`,
        jobId,
        "marketplace:ingestionEndpoint": emulator!.url,
      });
      const posts = await emulator!.cancelPosts();
      const up = await consumer.drive("up", stack, config, opts);
      assert.ok(up.ok, `${up.error}\n${up.stdout}`);
      assert.deepEqual(up.resourceChanges, { create: 3 }, up.stdout);
      assert.equal(up.outputs?.status.value, "succeeded", up.stdout);
      assert.equal(up.outputs?.jobStatus.value, "canceled", up.stdout);
      assert.equal(await emulator!.cancelPosts(), posts + 2, "one cancel for the offer, one for the job");
      return up;
    }

    it("in the project: Pulumi.yaml `plugins: providers:` names node_modules/pulumi-marketplace-cancel/bin", async function () {
      await upNative("in-project", { nativePlugin: true, ...noAmbient });
    });

    it("on PATH, after `npm install -g pulumi-marketplace-cancel`", async function () {
      const prefix = path.join(tmp, "global");
      mustSucceed(await npm(["install", "-g", "--prefix", prefix, tarball], tmp), "npm install -g");
      const globalBin = path.join(prefix, "bin");
      assert.ok(fs.existsSync(path.join(globalBin, "pulumi-resource-marketplace")), "npm linked the plugin");
      const PATH = [globalBin, process.env.PATH].join(path.delimiter);
      const up = await upNative("on-path", { env: { PATH, PULUMI_IGNORE_AMBIENT_PLUGINS: "false" } });
      assert.match(up.stdout, /using pulumi-resource-marketplace from \$PATH/, up.stdout);
    });

    it("in the plugin cache, from the self-contained tarball `pulumi plugin install --file` takes", async function () {
      // The README's five commands, with this run's tarball for the package of that version.
      const dir = path.join(tmp, "marketplace-plugin");
      fs.mkdirSync(dir);
      mustSucceed(await npm(["install", "--omit=dev", tarball, "@pulumi/pulumi"], dir), "npm install");
      const bin = path.join(
        "node_modules",
        "pulumi-marketplace-cancel",
        "bin",
        "pulumi-resource-marketplace",
      );
      fs.symlinkSync(bin, path.join(dir, "pulumi-resource-marketplace"));
      const archive = path.join(tmp, "marketplace-plugin.tgz");
      mustSucceed(await run("tar", ["-czf", archive, "."], { cwd: dir }), "tar");
      mustSucceed(
        await consumer.pulumi(["plugin", "install", "resource", "marketplace", version, "--file", archive]),
        "pulumi plugin install",
      );
      assert.ok(
        fs.existsSync(path.join(consumer.pulumiHome, "plugins", `resource-marketplace-v${version}`)),
        "installed into the plugin cache",
      );
      await upNative("in-cache", noAmbient);
    });
  });
});

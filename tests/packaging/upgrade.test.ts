import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensurePulumi } from "../../tools/engine/ensurePulumi";
import {
  ConsumerProject,
  PackagedEmulator,
  REPO,
  borrowDevDependencies,
  copyWorkingTree,
  emulatorConfig,
  mustSucceed,
  npm,
  pack,
  run,
} from "./consumer";

/**
 * Users upgrade with stacks deployed. Each release in `last-release.json` (the last one, and the
 * older ones whose state shapes still exist in the wild) is built from its commit, deployed in a
 * fresh project, then replaced by this build with a plain `npm install`: a settled stack previews
 * with no change and its `up` sends nothing; a wait the old release recorded as pending resumes
 * under the new one without a second cancel; `refresh` and `destroy` load the provider that the
 * old release serialized into state. Each stack holds one resource of every kind the release ships.
 */
interface Release {
  version: string;
  commit: string;
  /** The release's own `@pulumi/pulumi` peer range, when the SDK of this run lies outside it. */
  peerRange?: string;
  /**
   * The consumer program deployed with it (`consumer/<program>`), when not `index.ts`: releases that
   * ship `IngestionJobCancellation` deploy one of those beside the CPP cancellation.
   */
  program?: string;
}
const RELEASES: Release[] = JSON.parse(
  fs.readFileSync(path.join(REPO, "tests", "packaging", "last-release.json"), "utf8"),
).releases;
const THIS_VERSION: string = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version;

for (const release of RELEASES) upgradeFrom(release);

function upgradeFrom(LAST_RELEASE: Release): void {
  describe(`upgrading from ${LAST_RELEASE.version} with stacks deployed`, function () {
    this.timeout(15 * 60_000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-upgrade-"));
    let consumer: ConsumerProject;
    let emulator: PackagedEmulator;
    let lastRelease: string;
    let thisRelease: string;
    /** Whether the release ships IngestionJobCancellation, so each stack also holds one of those. */
    const withJobs = LAST_RELEASE.program === "withIngestion.ts";
    /** The configure job each stack cancels (started on the emulator before the stack is deployed). */
    const jobOf: Record<string, string> = {};
    const stackConfig = (stack: "settled" | "waiting" | "migrating") => {
      const program: Record<string, string> = {
        settled: { publisherId: "contoso", offerId: "contoso-offer" },
        waiting: { publisherId: "contoso", offerId: "slow-offer", timeoutSeconds: "3" },
        migrating: { publisherId: "contoso", offerId: "migrate-offer", timeoutSeconds: "3" },
      }[stack];
      if (withJobs) program.jobId = jobOf[stack];
      const config = emulatorConfig(emulator.url, program);
      if (withJobs) config["marketplace:ingestionEndpoint"] = { value: emulator.url };
      return config;
    };
    /** Resources per stack: the stack itself, the CPP cancellation and, where shipped, the job's. */
    const resourcesPerStack = withJobs ? 3 : 2;
    /**
     * Cancels sent while deploying with the release: one per cancellation resource of each stack
     * (with jobs, a third stack is deployed to move to the native plugin).
     */
    const cancelsSent = withJobs ? 6 : 2;

    before(async function () {
      const engine = await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) });
      consumer = new ConsumerProject(path.join(tmp, "consumer"), engine.root);

      // The last release, from its commit: its own sources compiled with its own tsconfig (only the
      // shipped folders), packed without scripts (0.1.0 had no prepack; this build is what it does).
      const release = path.join(tmp, "release");
      fs.mkdirSync(release);
      const archive = path.join(tmp, "release.tar");
      mustSucceed(
        await run("git", ["archive", "--format=tar", "-o", archive, LAST_RELEASE.commit], { cwd: REPO }),
        `git archive ${LAST_RELEASE.commit} (the last release; a shallow clone lacks it)`,
      );
      mustSucceed(await run("tar", ["-xf", archive], { cwd: release }), "tar");
      fs.writeFileSync(
        path.join(release, "tsconfig.release.json"),
        JSON.stringify({
          extends: "./tsconfig.json",
          compilerOptions: { types: ["node"] },
          include: ["provider/**/*.ts", "emulator/**/*.ts"],
        }),
      );
      borrowDevDependencies(release);
      const tsc = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
      mustSucceed(
        await run(process.execPath, [tsc, "-p", "tsconfig.release.json"], { cwd: release }),
        "tsc (last release)",
      );
      lastRelease = (await pack(release, tmp, true)).tarball;

      const current = path.join(tmp, "current");
      await copyWorkingTree(current);
      thisRelease = (await pack(current, tmp)).tarball;
    });

    after(async function () {
      await emulator?.close();
      if (!process.env.PULUMI_MARKETPLACE_CANCEL_E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it(`deploys with ${LAST_RELEASE.version}: one settled cancellation, one recorded as pending`, async function () {
      consumer.writePackageJson(lastRelease);
      // 0.1.0's peer range ended below 3.260 (the reason for 0.2.0), so a project on a newer SDK
      // could only install it with --legacy-peer-deps, as its users did.
      const flags = LAST_RELEASE.peerRange !== undefined ? ["--legacy-peer-deps"] : [];
      mustSucceed(await npm(["install", ...flags], consumer.dir), "npm install (last release)");
      assert.equal(consumer.installedVersion("pulumi-marketplace-cancel"), LAST_RELEASE.version);
      await consumer.compileProgram(LAST_RELEASE.program);
      // This checkout's emulator, over HTTPS: the releases before 0.3.0 ship one without --tls, and
      // the provider this test upgrades to signs in through @azure/identity (https authorities only).
      emulator = await consumer.startEmulator([], { fromRepository: true });
      await emulator.runningOffer("contoso", "slow-offer", { cancelSeconds: 120 });
      if (withJobs) {
        jobOf.settled = await emulator.runningJob("settled-offer");
        jobOf.waiting = await emulator.runningJob("waiting-offer");
      }

      const done = await consumer.drive("up", "settled", stackConfig("settled"));
      assert.ok(done.ok, done.error);
      assert.equal(done.outputs?.status.value, "succeeded", done.stdout);
      if (withJobs) assert.equal(done.outputs?.jobStatus.value, "canceled", done.stdout);

      // A 120-s cancellation with a 3-s timeout: the up fails and records the wait as pending. The
      // job's cancel is answered "running" and takes effect 120 emulated seconds later, likewise.
      if (withJobs) await emulator.ingestionSettings({ cancelMode: "async", asyncCancelSeconds: 120 });
      const timedOut = await consumer.drive("up", "waiting", stackConfig("waiting"));
      assert.equal(timedOut.ok, false, timedOut.stdout);
      assert.match(String(timedOut.error), /recorded as pending; run `pulumi up` again to resume waiting/);

      if (withJobs) {
        // The stack that moves to the native plugin: its offer's cancel completes within the up,
        // its job's is answered "running" and left pending.
        await emulator.runningOffer("contoso", "migrate-offer", { cancelSeconds: 1 });
        jobOf.migrating = await emulator.runningJob("migrating-offer");
        const half = await consumer.drive("up", "migrating", stackConfig("migrating"));
        assert.equal(half.ok, false, half.stdout);
        assert.match(String(half.error), /recorded as pending; run `pulumi up` again to resume waiting/);
      }
      assert.equal(await emulator.cancelPosts(), cancelsSent);
    });

    it(`installs ${THIS_VERSION} over it with a plain npm install`, async function () {
      consumer.writePackageJson(thisRelease);
      mustSucceed(await npm(["install"], consumer.dir), "npm install (this release)");
      assert.equal(consumer.installedVersion("pulumi-marketplace-cancel"), THIS_VERSION);
    });

    it("the settled stack previews with no change and its up sends nothing", async function () {
      const before = (await emulator.requests()).length;
      const preview = await consumer.drive("preview", "settled", stackConfig("settled"));
      assert.ok(preview.ok, preview.error);
      assert.deepEqual(preview.changeSummary, { same: resourcesPerStack }, preview.stdout);
      const up = await consumer.drive("up", "settled", stackConfig("settled"));
      assert.ok(up.ok, up.error);
      assert.deepEqual(up.resourceChanges, { same: resourcesPerStack }, up.stdout);
      assert.equal(up.outputs?.status.value, "succeeded");
      if (withJobs) assert.equal(up.outputs?.jobStatus.value, "canceled");
      assert.equal((await emulator.requests()).length, before, "no request of any kind");
    });

    it("the pending wait recorded by the last release resumes without a second cancel", async function () {
      await emulator.advanceClock(180); // the cancellation has finished on the service meanwhile
      const up = await consumer.drive("up", "waiting", stackConfig("waiting"));
      assert.ok(up.ok, `${up.error}\n${up.stdout}`);
      assert.equal(up.outputs?.status.value, "succeeded", up.stdout);
      assert.match(
        up.stdout,
        /resuming the wait for the cancellation requested at .* \(no new cancel is sent\)/,
      );
      if (withJobs) {
        assert.equal(up.outputs?.jobStatus.value, "canceled", up.stdout);
        assert.match(
          up.stdout,
          /job [0-9a-f-]{36}: resuming the wait for the cancel sent at .* \(no new cancel is sent/,
        );
      }
      assert.equal(await emulator.cancelPosts(), cancelsSent);
    });

    it("refresh and destroy load the provider the last release serialized into state", async function () {
      for (const stack of ["settled", "waiting"] as const) {
        const config = stackConfig(stack);
        const refresh = await consumer.drive("refresh", stack, config);
        assert.ok(refresh.ok, `${stack}: ${refresh.error}`);
        const destroy = await consumer.drive("destroy", stack, config);
        assert.ok(destroy.ok, `${stack}: ${destroy.error}`);
        assert.equal(destroy.resourceCount, 0);
      }
      assert.equal(await emulator.cancelPosts(), cancelsSent);
    });

    if (withJobs) {
      it(`a stack of ${LAST_RELEASE.version} moves to the native plugin by a change of program: no replacement, nothing sent, the pending wait resumes`, async function () {
        // The program now declares the same resources from the generated SDK, whose classes carry
        // aliases from the dynamic type tokens; the engine finds the plugin in the package's bin/.
        await consumer.compileProgram("withIngestion.ts", { front: "native" });
        const native = { nativePlugin: true };
        const preview = await consumer.drive("preview", "migrating", stackConfig("migrating"), native);
        assert.ok(preview.ok, preview.error);
        // The settled cancellation is the same; the pending one is an update, which is how its wait resumes.
        assert.deepEqual(preview.changeSummary, { same: 2, update: 1 }, preview.stdout);
        const up = await consumer.drive("up", "migrating", stackConfig("migrating"), native);
        assert.ok(up.ok, `${up.error}\n${up.stdout}`);
        assert.equal(up.outputs?.status.value, "succeeded", up.stdout);
        assert.equal(up.outputs?.jobStatus.value, "canceled", up.stdout);
        assert.deepEqual(up.serializedProviders, [], "the dynamic provider is gone from the state");
        const refresh = await consumer.drive("refresh", "migrating", stackConfig("migrating"), native);
        assert.ok(refresh.ok, refresh.error);
        const destroy = await consumer.drive("destroy", "migrating", stackConfig("migrating"), native);
        assert.ok(destroy.ok, destroy.error);
        assert.equal(destroy.resourceCount, 0);
        assert.equal(await emulator.cancelPosts(), cancelsSent, "no second cancel");
      });
    }
  });
}

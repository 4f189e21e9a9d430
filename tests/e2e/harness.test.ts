/**
 * Proves the real-engine harness end to end, independent of the product: a tiny dynamic resource goes
 * through preview → up → config change (update, with --diff text) → destroy, and an `up` killed with SIGKILL
 * mid-create is recovered the way a user of a file backend would.
 *
 * The resource keeps its "cloud" state as JSON files in the stack's scratch dir, so the test can check the
 * effect of each operation outside Pulumi's own view.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ensurePulumi, EnsuredPulumi } from "../../tools/engine/ensurePulumi";
import { EngineStack } from "../../tools/engine/stack";

interface GreetingInputs {
  cloudDir: string;
  name: string;
  greeting: string;
}

interface GreetingOutputs extends GreetingInputs {
  message: string;
}

// The provider is closure-serialized into the checkpoint and rehydrated in the dynamic-provider host, so it
// must not capture anything from this module: helpers are inlined and modules are required inside methods.
const greetingProvider: pulumi.dynamic.ResourceProvider<GreetingInputs, GreetingOutputs> = {
  async create(inputs: GreetingInputs): Promise<pulumi.dynamic.CreateResult<GreetingOutputs>> {
    const fs: typeof import("fs") = require("fs");
    const path: typeof import("path") = require("path");
    const { cloudDir, name, greeting } = inputs; // not `...inputs`: that would copy `__provider`
    const outs = { cloudDir, name, greeting, message: `${greeting}, ${name}!` };
    fs.mkdirSync(inputs.cloudDir, { recursive: true });
    fs.writeFileSync(path.join(inputs.cloudDir, `${inputs.name}.json`), JSON.stringify(outs));
    return { id: `greeting-${inputs.name}`, outs };
  },
  async diff(_id: string, olds: GreetingOutputs, news: GreetingInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = olds.name !== news.name || olds.cloudDir !== news.cloudDir ? ["name"] : [];
    return { changes: replaces.length > 0 || olds.greeting !== news.greeting, replaces };
  },
  async update(
    _id: string,
    _olds: GreetingOutputs,
    news: GreetingInputs,
  ): Promise<pulumi.dynamic.UpdateResult<GreetingOutputs>> {
    const fs: typeof import("fs") = require("fs");
    const path: typeof import("path") = require("path");
    const { cloudDir, name, greeting } = news;
    const outs = { cloudDir, name, greeting, message: `${greeting}, ${name}!` };
    fs.writeFileSync(path.join(news.cloudDir, `${news.name}.json`), JSON.stringify(outs));
    return { outs };
  },
  async delete(_id: string, props: GreetingOutputs): Promise<void> {
    const fs: typeof import("fs") = require("fs");
    const path: typeof import("path") = require("path");
    fs.rmSync(path.join(props.cloudDir, `${props.name}.json`), { force: true });
  },
};

class Greeting extends pulumi.dynamic.Resource {
  // `declare`: with target ES2022 a plain field would be re-initialized to undefined after super() and hide
  // the output the Resource constructor installed.
  declare readonly message: pulumi.Output<string>;

  constructor(name: string, args: { cloudDir: string; name: string; greeting: pulumi.Input<string> }) {
    super(greetingProvider, name, { ...args, message: undefined }, undefined, "e2e", "Greeting");
  }
}

describe("e2e harness: the real Pulumi engine, offline", function () {
  this.timeout(300_000);

  let engine: EnsuredPulumi;

  before(async function () {
    // A cold build of the CLI can take 25 minutes; only the very first run on a machine pays it.
    this.timeout(40 * 60 * 1000);
    engine = await ensurePulumi({ log: (line) => console.log(`      [engine] ${line}`) });
  });

  describe("inline dynamic resource lifecycle", function () {
    let s: EngineStack;
    let cloudDir: string;
    const cloudFile = (): string => path.join(cloudDir, "world.json");

    before(async function () {
      s = await EngineStack.create({
        engine,
        program: async () => {
          const config = new pulumi.Config();
          const greeting = new Greeting("greeting", {
            cloudDir: config.require("cloudDir"),
            name: "world",
            greeting: config.require("greeting"),
          });
          // Exported only when set: lets a test follow a secret from config through to state.
          const secretEcho = config.getSecret("secretValue");
          return {
            message: greeting.message,
            greetingId: greeting.id,
            ...(secretEcho ? { secretEcho } : {}),
          };
        },
      });
      cloudDir = s.scratch("cloud");
      await s.setAllConfig({ cloudDir, greeting: "Hello" });
    });

    after(async function () {
      await s?.cleanup();
    });

    it("preview shows a create and changes nothing", async function () {
      const { result, output } = await s.preview();
      assert.strictEqual(result.changeSummary.create, 2, output); // the stack + the greeting
      assert.match(output, /\+ pulumi-nodejs:dynamic\/e2e:Greeting: \(create\)/);
      assert.ok(!fs.existsSync(cloudFile()), "preview must not call create");
    });

    it("up creates it with the right outputs", async function () {
      const { result, output } = await s.up();
      assert.strictEqual(result.summary.result, "succeeded", output);
      assert.strictEqual(result.summary.resourceChanges?.create, 2, output);
      assert.strictEqual(result.outputs.message.value, "Hello, world!");
      assert.strictEqual(result.outputs.greetingId.value, "greeting-world");
      assert.deepStrictEqual(JSON.parse(fs.readFileSync(cloudFile(), "utf8")), {
        cloudDir,
        name: "world",
        greeting: "Hello",
        message: "Hello, world!",
      });
      const [greeting] = await s.resources();
      assert.strictEqual(greeting.id, "greeting-world");
      assert.strictEqual(greeting.type, "pulumi-nodejs:dynamic/e2e:Greeting");
    });

    it("a second up is a no-op", async function () {
      const { result, output } = await s.preview();
      assert.deepStrictEqual(result.changeSummary, { same: 2 }, output);
    });

    it("a config change previews as an in-place update with --diff text", async function () {
      await s.setConfig("greeting", "Howdy");
      const { result, output } = await s.preview();
      assert.strictEqual(result.changeSummary.update, 1, output);
      assert.strictEqual(result.changeSummary.replace, undefined, output);
      // The --diff display: the resource marked as an update, and the property with old and new values.
      assert.match(output, /~ pulumi-nodejs:dynamic\/e2e:Greeting: \(update\)/, output);
      assert.match(output, /~ greeting\s*: "Hello" => "Howdy"/, output);
      const applied = await s.up();
      assert.strictEqual(applied.result.outputs.message.value, "Howdy, world!");
      assert.strictEqual(JSON.parse(fs.readFileSync(cloudFile(), "utf8")).message, "Howdy, world!");
    });

    it("secret config is encrypted at rest, and the grep would see plain text", async function () {
      const secret = "s3cr3t-e2e-harness-value";
      await s.setConfig("secretValue", secret, { secret: true });
      const { result } = await s.up();
      assert.deepStrictEqual(result.outputs.secretEcho, { value: secret, secret: true });
      assert.deepStrictEqual(s.filesContaining(secret), []);
      // Positive control: a non-secret output is found, so an empty list above means something.
      assert.ok(
        s.filesContaining("Howdy, world!").some((f) => f.startsWith(s.backendDir)),
        "the checkpoint should hold plain outputs",
      );
      await s.removeConfig("secretValue");
    });

    it("destroy removes it", async function () {
      const { result, output } = await s.destroy();
      assert.strictEqual(result.summary.resourceChanges?.delete, 2, output);
      assert.ok(!fs.existsSync(cloudFile()), "delete must remove the cloud object");
      assert.deepStrictEqual(await s.resources(), []);
    });
  });

  describe("an up killed mid-create", function () {
    let s: EngineStack;

    before(async function () {
      s = await EngineStack.create({
        engine,
        programModule: require.resolve("./fixtures/blockingProgram"),
      });
    });

    after(async function () {
      await s?.cleanup();
    });

    it("is recovered with cancel + refresh --clear-pending-creates, then a normal up", async function () {
      const marker = s.scratch("create-started");
      const release = s.scratch("release");
      await s.setAllConfig({ markerPath: marker, releasePath: release });

      const child = s.startUpInChild();
      await child.waitFor(() => fs.existsSync(marker) && fs.readFileSync(marker, "utf8") !== "");
      const providerPid = Number(fs.readFileSync(marker, "utf8"));
      // The full kill (the plugins' groups too), not killEngine(): this fixture stands for any
      // third-party dynamic provider, which has no engine watch and would block on for 10 minutes.
      // This test is about the harness's recovery; our provider's own death is proved in
      // cancellation.test.ts and hardening/engine.test.ts.
      await child.kill();
      assert.deepStrictEqual(await child.exited, { code: null, signal: "SIGKILL" });
      assert.throws(() => process.kill(providerPid, 0), "kill() must take the plugins down too");

      // What the killed run left behind: a lock and a pending CREATE.
      assert.strictEqual(s.lockFiles().length, 1, s.backendFiles().join("\n"));
      const locked = await s.attempt("up");
      assert.ok(!locked.ok);
      assert.match(locked.error.message, /the stack is currently locked by 1 lock\(s\)/);
      const pending = await s.pendingOperations();
      assert.deepStrictEqual(
        pending.map((op) => [op.type, op.resource.type]),
        [["creating", "pulumi-nodejs:dynamic/e2e:Blocking"]],
      );

      const report = await s.recoverAfterKill();
      assert.strictEqual(report.removedLocks.length, 1);
      assert.strictEqual(report.pendingBefore.length, 1);
      assert.deepStrictEqual(report.pendingAfter, []);
      assert.deepStrictEqual(s.lockFiles(), []);

      // The resource was never recorded, so the next up creates it (again) — cleanly, without warnings.
      fs.writeFileSync(release, "go");
      const { result, output } = await s.up();
      assert.strictEqual(result.summary.resourceChanges?.create, 1, output);
      assert.strictEqual(result.outputs.released.value, true);
      assert.doesNotMatch(output, /pending operations/);
      assert.deepStrictEqual(await s.pendingOperations(), []);
    });
  });
});

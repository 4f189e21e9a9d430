import { strict as assert } from "node:assert";
import { Seed } from "../../emulator";
import { ensureYamlHost } from "../../tools/engine/ensurePulumi";
import { NativeStack, OFFER_TYPE, interruptUpMidWait, said, usePluginStacks } from "../plugin/stacks";

/**
 * A YAML program uses the native plugin (docs/design.md §11 "The real engine in tests"): a project
 * with `runtime: yaml` run by the YAML language host (built from the Go module proxy and cached
 * beside the engine), the plugin found through the `plugins:` block, a resource of type
 * `marketplace:index:OfferOperationCancellation` with project config, a `fn::secret` input and
 * outputs. Driven through the Automation API as a local program, as `pulumi up` in the project's
 * directory would.
 */
const P = "contoso";
const OFFER = "yaml-offer";
const seed: Seed = { publishers: { [P]: { offers: { [OFFER]: { cancelSeconds: 2 } } } } };

/** Pulumi.yaml's program part; `name`, `runtime` and `plugins` come from the harness. */
const yamlProgram = {
  runtime: "yaml",
  config: { offerId: { type: "string" }, inputToken: { type: "string", secret: true } },
  resources: {
    "stop-publish": {
      type: OFFER_TYPE,
      properties: {
        publisherId: P,
        offerId: "${offerId}",
        accessToken: { "fn::secret": "${inputToken}" },
        pollIntervalSeconds: { min: 0.2, max: 1 },
      },
    },
  },
  outputs: {
    status: "${stop-publish.status}",
    canceledOperationId: "${stop-publish.canceledOperation.id}",
  },
};

describe("languages: a YAML program of the native plugin", function () {
  this.timeout(600_000);
  const plugin = usePluginStacks(seed);
  const posts = () => plugin.emu.countRequests({ method: "POST", pathIncludes: "/cancel" });
  const running = () =>
    plugin.emu.getOffer(P, OFFER).currentOperation ?? plugin.emu.startOperation(P, OFFER, "publish", 3600);
  let s: NativeStack;

  before(async () => {
    await ensureYamlHost({ log: (line) => process.stderr.write(`[yaml] ${line}\n`) });
    s = await plugin.stack({
      localProgram: yamlProgram,
      projectName: "pmc-yaml",
      stackName: "yaml",
      withToken: false,
      config: {
        "pmc-yaml:offerId": OFFER,
        "pmc-yaml:inputToken": { value: plugin.token, secret: true },
      },
    });
  });

  it("preview shows the planned create with what runs now", async () => {
    const op = running();
    plugin.emu.clearRequests();
    const { output } = await s.preview();
    assert.match(output, new RegExp(`\\+ ${OFFER_TYPE}: \\(create\\)`), output);
    assert.match(output, new RegExp(`runningNow\\s*: \\{\\n\\s*id\\s*: "${op.id}"`), output);
    assert.equal(posts(), 0);
  });

  it("up cancels with one POST; the outputs say so and the token stays encrypted", async () => {
    const op = running();
    plugin.emu.clearRequests();
    await s.up();
    assert.equal(posts(), 1);
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "succeeded");
    assert.equal(outputs.canceledOperationId.value, op.id);
    const { stdout, code } = await s.cli(["stack", "export"]);
    assert.equal(code, 0);
    assert.ok(!stdout.includes(plugin.token), "the fn::secret input in the exported state");
    assert.deepEqual(s.filesContaining(plugin.token), []);
  });

  it("destroy sends nothing", async () => {
    plugin.emu.clearRequests();
    await s.destroy();
    assert.equal(posts(), 0);
    assert.deepEqual(await s.resources(), []);
  });

  it("SIGINT mid-wait records a pending wait; the next up resumes it with no second cancel", async () => {
    plugin.emu.configureOffer(P, OFFER, { cancelSeconds: 60 });
    const op = running();
    plugin.emu.clearRequests();
    const failed = await interruptUpMidWait(s, posts, "SIGINT to the end of up (YAML)");
    assert.equal(failed.ok, false);
    assert.match(said(failed), /recorded as pending; run `pulumi up` again to resume waiting/, said(failed));
    const [pending] = (await s.resources()).filter((r) => r.type === OFFER_TYPE);
    assert.equal((pending.outputs as Record<string, unknown>).status, "pending");

    plugin.emu.advanceClock(60);
    const text = said(await s.up());
    assert.match(text, /resuming the wait for the cancellation requested at/, text);
    assert.equal(posts(), 1, "no second cancel");
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "succeeded");
    assert.equal(outputs.canceledOperationId.value, op.id);
    await s.destroy();
  });
});

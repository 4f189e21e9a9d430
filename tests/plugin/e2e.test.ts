import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Seed } from "../../emulator";
import { NativeStack, OFFER_TYPE, interruptUpMidWait, said, usePluginStacks } from "./stacks";

/**
 * The native plugin `marketplace` through the real engine (docs/design.md §4 "Two fronts over one
 * lifecycle"): a TypeScript inline program of the generated Node SDK
 * (`pulumi-marketplace-cancel/native`), the plugin found through the project's `plugins:` block,
 * against the emulator on 127.0.0.1. Asserted: what the user sees, what the state holds, and the
 * requests the service received.
 */
const P = "contoso";
const programModule = path.join(__dirname, "fixtures", "nativeProgram.js");

const seed: Seed = {
  publishers: {
    [P]: {
      offers: {
        "async-offer": { cancelSeconds: 2 },
        "slow-offer": { cancelSeconds: 60 },
        "terminated-offer": { cancelSeconds: 60 },
      },
    },
  },
};

describe("the native plugin through the real engine: a TypeScript program of the generated SDK", function () {
  this.timeout(300_000);
  const plugin = usePluginStacks(seed);
  const posts = () => plugin.emu.countRequests({ method: "POST", pathIncludes: "/cancel" });
  const cpp = () => plugin.emu.countRequests({ pathIncludes: "/api/" });
  const running = (offerId: string) =>
    plugin.emu.getOffer(P, offerId).currentOperation ??
    plugin.emu.startOperation(P, offerId, "publish", 3600);
  const stackFor = (offerId: string) =>
    plugin.stack({
      programModule,
      stackName: offerId,
      config: { "e2e:publisherId": P, "e2e:offerId": offerId },
    });

  describe("from pull-request preview to destroy", () => {
    let s: NativeStack;
    before(async () => {
      s = await stackFor("async-offer");
    });

    it("preview --diff shows the planned create with what runs now, from one read-only request", async () => {
      const op = running("async-offer");
      plugin.emu.clearRequests();
      const { output } = await s.preview();
      assert.match(output, new RegExp(`\\+ ${OFFER_TYPE}: \\(create\\)`), output);
      assert.match(
        output,
        /\[urn=urn:pulumi:async-offer::pmc-e2e::marketplace:index:OfferOperationCancellation::stop-publish\]/,
        output,
      );
      assert.match(output, new RegExp(`runningNow\\s*: \\{\\n\\s*id\\s*: "${op.id}"`), output);
      assert.equal(plugin.emu.countRequests({ method: "GET", pathIncludes: "/submissions/" }), 1);
      assert.equal(cpp(), 1, "the preview's one read-only request, nothing else");
    });

    it("up cancels with exactly one POST and records the outputs", async () => {
      const op = running("async-offer");
      plugin.emu.clearRequests();
      const text = said(await s.up());
      assert.match(text, /\[marketplace\] contoso\/async-offer: cancelling publish/, text);
      assert.match(text, /Cancellation succeeded after/, text);
      assert.equal(posts(), 1);
      const outputs = await s.outputs();
      assert.equal(outputs.status.value, "succeeded");
      assert.equal(outputs.httpStatus.value, 202);
      assert.equal((outputs.canceledOperation.value as { id: string }).id, op.id);
      assert.equal(plugin.emu.getOffer(P, "async-offer").currentOperation, undefined);
      const [resource] = (await s.resources()).filter((r) => r.type === OFFER_TYPE);
      assert.ok(resource, "recorded under the native type token");
    });

    it("a second up is a no-op: no call, no second cancel", async () => {
      plugin.emu.clearRequests();
      const { result } = await s.up();
      assert.deepEqual(result.summary.resourceChanges, { same: 2 });
      assert.equal(cpp(), 0);
    });

    it("refresh reads the cancellation's status from the service", async () => {
      await s.refresh();
      assert.equal((await s.outputs()).operationStatus.value, "complete");
    });

    it("destroy removes the resource without calling the service", async () => {
      plugin.emu.clearRequests();
      const text = said(await s.destroy());
      assert.match(text, /cannot be undone, so nothing is sent/, text);
      assert.equal(cpp(), 0);
      assert.deepEqual(await s.resources(), []);
    });
  });

  // Ctrl-C at a terminal, and the SIGTERM with which a CI runner, `timeout` or a container stop
  // ends a job: the engine turns either into one Cancel to the plugin.
  const stops = [
    {
      signal: "SIGINT",
      offerId: "slow-offer",
      what: "Ctrl-C (SIGINT)",
      engineSays: /\^C received; cancelling/,
    },
    {
      signal: "SIGTERM",
      offerId: "terminated-offer",
      what: "SIGTERM (a CI runner stopping the job)",
      engineSays: /SIGTERM received; cancelling/,
    },
  ] as const;
  for (const { signal, offerId, what, engineSays } of stops)
    describe(`${what} during a 60-s cancellation`, () => {
      let s: NativeStack;
      let operationId: string;
      before(async () => {
        s = await stackFor(offerId);
        operationId = running(offerId).id;
      });

      it("stops the up and records the accepted cancel as pending in the stack's state", async () => {
        plugin.emu.clearRequests();
        const failed = await interruptUpMidWait(s, posts, `${signal} to the end of up`, signal);
        assert.equal(failed.ok, false);
        const text = said(failed);
        assert.match(text, engineSays, text);
        assert.match(text, /was cancelled \(Ctrl-C or SIGTERM to the engine\)/, text);
        assert.match(text, /recorded as pending; run `pulumi up` again to resume waiting/, text);
        assert.ok(plugin.emu.getOffer(P, offerId).currentOperation, "the cancellation still runs");

        const [resource] = (await s.resources()).filter((r) => r.type === OFFER_TYPE);
        const outputs = resource.outputs as Record<string, unknown>;
        assert.equal(outputs.status, "pending");
        assert.equal((outputs.canceledOperation as { id: string }).id, operationId);
        assert.deepEqual(await s.pendingOperations(), [], "recorded, not left as a pending create");
        assert.equal(posts(), 1);
      });

      it("the next up on a machine without the journal resumes the wait: no second cancel", async () => {
        fs.rmSync(s.journalDir, { recursive: true, force: true });
        plugin.emu.advanceClock(60);
        plugin.emu.clearRequests();
        const text = said(await s.up());
        assert.match(text, /resuming the wait for the cancellation requested at/, text);
        assert.equal(posts(), 0, "no second cancel");
        const outputs = await s.outputs();
        assert.equal(outputs.status.value, "succeeded");
        assert.equal((outputs.canceledOperation.value as { id: string }).id, operationId);
        assert.equal(plugin.emu.getOffer(P, offerId).currentOperation, undefined);
        await s.destroy();
      });
    });
});

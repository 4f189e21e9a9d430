import { strict as assert } from "node:assert";
import * as path from "node:path";
import { useCancellationStacks } from "./stacks";
import { Emulator, Seed } from "../../emulator";
import { EngineStack, providerHosts } from "../../tools/engine/stack";

/**
 * OfferOperationCancellation through the real Pulumi engine (the pinned CLI, Automation API, the
 * dynamic-provider plugin from @pulumi/pulumi) against the emulator on 127.0.0.1. What is
 * asserted is what users see: preview text, progress lines, outputs, state, and the requests the
 * service received.
 */
const P = "contoso";
const TYPE = "pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation";

const seed: Seed = {
  publishers: {
    [P]: {
      offers: {
        "async-offer": { cancelSeconds: 2 },
        "other-offer": { cancelSeconds: 2 },
        "sync-offer": { cancelMode: "sync" },
        "slow-offer": { cancelSeconds: 20 },
        "timeout-offer": { cancelSeconds: 12 },
        "destroy-offer": { pcMigrationStatus: "none", cancelSeconds: 2 },
        "token-offer": {},
        "vm-offer": { cancelSeconds: 1 },
        "saas-offer": { cancelSeconds: 1 },
      },
    },
  },
};

describe("OfferOperationCancellation through the real Pulumi engine", function () {
  this.timeout(300_000);
  const e2e = useCancellationStacks(seed);
  let emu: Emulator;
  let token: string;
  before(() => ({ emu, token } = e2e));
  const stackFor: typeof e2e.stackFor = (...args) => e2e.stackFor(...args);
  const cpp = () => emu.countRequests({ pathIncludes: "/api/" });
  const posts = () => emu.countRequests({ method: "POST", pathIncludes: "/cancel" });
  const running = (offerId: string) =>
    emu.getOffer(P, offerId).currentOperation ?? emu.startOperation(P, offerId, "publish", 3600);

  describe("a 202 cancellation, from pull-request preview to destroy", () => {
    let s: EngineStack;
    before(async () => {
      s = await stackFor("async-offer", { "e2e:emails": JSON.stringify(["ops@contoso.com"]) });
    });

    it("preview --diff shows the planned create and what it would cancel, from one read-only request", async () => {
      const op = running("async-offer");
      emu.clearRequests();
      const { output } = await s.preview();
      // What runs, from the submissions list (tests/e2e/preview.test.ts asserts the whole text).
      assert.match(output, new RegExp(`runningNow\\s*: \\{\\n\\s*id\\s*: "${op.id}"`), output);
      assert.match(output, new RegExp(`\\+ ${escape(TYPE)}: \\(create\\)`), output);
      assert.match(
        output,
        /\[urn=urn:pulumi:async-offer::pmc-e2e::pulumi-nodejs:dynamic\/marketplace:OfferOperationCancellation::stop-publish\]/,
        output,
      );
      assert.match(output, /offerId\s*: "async-offer"/, output);
      assert.equal(emu.countRequests({ method: "GET", pathIncludes: "/submissions/" }), 1);
      assert.equal(cpp(), 1, "the preview's one read-only request, nothing else");
    });

    it("up cancels with exactly one POST, prints progress, and records the outputs", async () => {
      const op = running("async-offer");
      emu.clearRequests();
      const output = said(await s.up());
      assert.match(output, /\[marketplace\] contoso\/async-offer: cancelling publish/, output);
      assert.match(
        output,
        /\[marketplace\] contoso\/async-offer: \d+\.\ds \w+, step "[^"]+", \d+% \(poll 1, next in/,
        output,
      );
      assert.match(output, /Cancellation succeeded after/, output);
      assert.equal(posts(), 1);
      const outputs = await s.outputs();
      assert.equal(outputs.status.value, "succeeded");
      assert.equal(outputs.httpStatus.value, 202);
      assert.equal((outputs.canceledOperation.value as { id: string }).id, op.id);
      assert.equal(emu.getOffer(P, "async-offer").currentOperation, undefined);
    });

    it("keeps the token out of state, backend files and engine output", async () => {
      assert.ok(!(await exportedStack(s)).includes(token), "token in exported stack");
      assert.deepEqual(s.filesContaining(token), []);
      const { output, stderr } = await s.preview();
      assert.ok(!(output + stderr).includes(token));
    });

    it("a second up is a no-op: no call, no second cancel", async () => {
      emu.clearRequests();
      const { result } = await s.up();
      assert.deepEqual(result.summary.resourceChanges, { same: 2 });
      assert.equal(cpp(), 0);
    });

    it("a changed email list previews as an in-place update", async () => {
      await s.setConfig("e2e:emails", JSON.stringify(["ops@contoso.com", "release@contoso.com"]));
      emu.clearRequests();
      const { output } = await s.preview();
      assert.match(output, new RegExp(`~ ${escape(TYPE)}: \\(update\\)`), output);
      assert.match(output, /\+ \[1\]: "release@contoso\.com"/, output);
      assert.doesNotMatch(output, /replace/, output);
      assert.equal(cpp(), 0);
    });

    it("a changed offerId or triggers previews as a replacement (a new cancel)", async () => {
      await s.setConfig("e2e:emails", JSON.stringify(["ops@contoso.com"]));
      await s.setConfig("e2e:offerId", "other-offer");
      emu.clearRequests();
      let { output } = await s.preview();
      assert.match(output, new RegExp(`\\+-${escape(TYPE)}: \\(replace\\)`), output);
      assert.match(output, /~ offerId\s*: "async-offer" => "other-offer"/, output);
      await s.setConfig("e2e:offerId", "async-offer");
      await s.setConfig("e2e:triggers", JSON.stringify(["publish-2"]));
      ({ output } = await s.preview());
      assert.match(output, new RegExp(`\\+-${escape(TYPE)}: \\(replace\\)`), output);
      assert.match(output, /\+ triggers\s*: \[/, output);
      await s.removeConfig("e2e:triggers");
      // A replacement sends a new cancel at up: each preview looks once at what runs, sends nothing.
      assert.equal(emu.countRequests({ method: "GET", pathIncludes: "/submissions/" }), 2);
      assert.equal(cpp(), 2);
    });

    it("refresh reports the operation's status, and a vanished operation is reported, not dropped", async () => {
      await s.refresh();
      assert.equal((await s.outputs()).operationStatus.value, "complete");
      const opId = (await s.outputs()).cancellationOperationId.value as string;
      emu.deleteOperation(opId);
      const text = said(await s.refresh());
      // Refresh watches as the wait does: the vanished Location is said once, the submissions list
      // is read instead, and the record keeps the cancellation with its operation as notFound.
      assert.match(text, /no longer exists; watching the submissions list instead/, text);
      const resources = await s.resources();
      const res = resources.find((r) => r.type === TYPE);
      assert.ok(res, "resource still in state");
      assert.equal((res.outputs as Record<string, unknown>).operationStatus, "notFound");
    });

    it("destroy (when: apply) removes the resource without calling the service", async () => {
      emu.clearRequests();
      const text = said(await s.destroy());
      assert.match(text, /cannot be undone, so nothing is sent/, text);
      assert.equal(cpp(), 0);
      assert.equal((await s.resources()).filter((r) => r.type === TYPE).length, 0);
    });
  });

  it("a 200 (synchronous) cancellation: one POST, httpStatus 200", async () => {
    running("sync-offer");
    const s = await stackFor("sync-offer");
    emu.clearRequests();
    await s.up();
    const outputs = await s.outputs();
    assert.equal(outputs.httpStatus.value, 200);
    // A 200 is confirmed through the submissions list: once the publish no longer runs, the
    // cancellation has succeeded (the list has no state of the cancellation itself).
    assert.equal(outputs.status.value, "succeeded");
    assert.equal(outputs.operationStatus.value, "canceled");
    assert.equal(posts(), 1);
    await s.destroy();
  });

  it("an up killed mid-wait resumes on the next up: still one POST, state intact", async () => {
    const op = running("slow-offer");
    const s = await stackFor("slow-offer");
    emu.clearRequests();
    const child = s.startUpInChild();
    await child.waitFor(/slow-offer: .*\(poll 1, next in/, 120_000);
    // Only the engine dies, as with `kill -9` or a closed terminal: the provider, in a process
    // group of its own, must notice and go by itself, instead of looping on the dead pipe.
    const killed = await child.killEngine();
    assert.equal(providerHosts(killed.plugins).length, 1, JSON.stringify(killed.plugins));
    assert.deepEqual(await killed.survivorsAfter(10_000), [], "provider processes outlived the engine");
    assert.equal(posts(), 1);
    assert.ok(emu.getOffer(P, "slow-offer").currentOperation, "still running when killed");

    // What a user does after a killed `up` on a self-managed backend: release the lock, drop the
    // pending create the engine kept, and run `up` again.
    await s.recoverAfterKill();
    const text = said(await s.up());
    assert.match(
      text,
      /was interrupted before it was recorded; resuming its wait \(no new cancel is sent\)/,
      text,
    );
    assert.equal(posts(), 1, "no second cancel");
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "succeeded");
    assert.equal((outputs.canceledOperation.value as { id: string }).id, op.id);
    assert.equal((await s.pendingOperations()).length, 0);
    await s.destroy();
  });

  it("an up that times out records a pending wait; refresh reads it; the next up resumes it", async () => {
    const op = running("timeout-offer");
    const s = await stackFor("timeout-offer", { "e2e:timeoutSeconds": "2" });
    emu.clearRequests();
    const failed = await s.attempt("up");
    assert.equal(failed.ok, false);
    assert.match(
      said(failed),
      /Gave up waiting for the cancellation of contoso\/timeout-offer after/,
      said(failed),
    );
    assert.match(
      said(failed),
      /run `pulumi up` again to resume waiting \(no second cancel is sent\)/,
      said(failed),
    );
    const [pending] = (await s.resources()).filter((r) => r.type === TYPE);
    assert.equal((pending.outputs as Record<string, unknown>).status, "pending");

    // A pending resource must stay readable by refresh (which loads the provider from state).
    await s.refresh();
    await s.setConfig("e2e:timeoutSeconds", "60");
    const text = said(await s.up());
    assert.match(text, /resuming the wait for the cancellation requested at/, text);
    assert.equal(posts(), 1, "no second cancel");
    const outputs = await s.outputs();
    assert.equal(outputs.status.value, "succeeded");
    assert.equal((outputs.canceledOperation.value as { id: string }).id, op.id);
    await s.destroy();
  });

  it("when: destroy records intent on up and cancels on destroy", async () => {
    const s = await stackFor("destroy-offer", { "e2e:when": "destroy" });
    emu.clearRequests();
    await s.up();
    assert.equal((await s.outputs()).status.value, "scheduled");
    assert.equal(posts(), 0);
    running("destroy-offer");
    const text = said(await s.destroy());
    assert.match(text, /when is "destroy": cancelling now/, text);
    assert.equal(posts(), 1);
    assert.equal(emu.getOffer(P, "destroy-offer").currentOperation, undefined);
  });

  it("an accessToken input is stored only encrypted, in state and on disk", async () => {
    const inputToken = emu.issueToken({ publishers: [P], lifetimeSeconds: 24 * 3600 });
    const s = await stackFor("token-offer", {}, false);
    await s.setConfig("e2e:inputToken", inputToken, { secret: true });
    await s.up();
    assert.equal((await s.outputs()).status.value, "nothingToCancel");
    assert.ok(!(await exportedStack(s)).includes(inputToken));
    assert.deepEqual(s.filesContaining(inputToken), []);
    await s.destroy();
  });

  it("bad input fails at preview, naming the property, before any call", async () => {
    const s = await stackFor("async-offer", {
      "e2e:emails": JSON.stringify(["not-an-email"]),
      "e2e:name": "bad",
    });
    await s.setConfig("e2e:offerId", "bad/offer");
    emu.clearRequests();
    const attempt = await s.attempt("preview");
    assert.equal(attempt.ok, false);
    const text = attempt.output + attempt.stderr;
    assert.match(text, /offerId "bad\/offer" contains '\/'/, text);
    assert.match(text, /notificationEmails has invalid address "not-an-email"/, text);
    assert.equal(cpp(), 0);
  });

  describe("examples deploy and destroy against the emulator", () => {
    /**
     * A stack for `examples/<dir>`, with the example's own project name (its config namespace) and
     * the settings a user would set: the keys given, the emulator as endpoint, a secret token.
     */
    async function exampleStack(
      dir: string,
      projectName: string,
      config: Record<string, string>,
    ): Promise<EngineStack> {
      const s = await EngineStack.create({
        programModule: path.join(__dirname, "..", "..", "examples", dir, "index.js"),
        projectName,
        config: {
          ...Object.fromEntries(
            Object.entries({ ...config, endpoint: emu.url }).map(([k, v]) => [`${projectName}:${k}`, v]),
          ),
          "marketplace:accessToken": { value: token, secret: true },
        },
      });
      return e2e.track(s);
    }

    it("examples/basic", async () => {
      running("vm-offer");
      const s = await exampleStack("basic", "marketplace-cancel-basic", {
        publisherId: P,
        offerId: "vm-offer",
      });
      await s.up();
      assert.equal((await s.outputs()).status.value, "succeeded");
      await s.destroy();
    });

    it("examples/fleet-guarded", async () => {
      const offers = ["vm-offer", "saas-offer"].map((offerId) => ({
        offerId,
        operationId: running(offerId).id,
      }));
      const s = await exampleStack("fleet-guarded", "marketplace-cancel-fleet", {
        offers: JSON.stringify(offers),
      });
      emu.clearRequests();
      await s.up();
      assert.deepEqual((await s.outputs()).statuses.value, {
        "vm-offer": "succeeded",
        "saas-offer": "succeeded",
      });
      assert.equal(posts(), 2);
      await s.destroy();
    });

    it("examples/cancel-on-destroy", async () => {
      const s = await exampleStack("cancel-on-destroy", "marketplace-cancel-on-destroy", {
        publisherId: P,
        offerId: "vm-offer",
      });
      await s.up();
      assert.equal((await s.outputs()).status.value, "scheduled");
      running("vm-offer");
      emu.clearRequests();
      await s.destroy();
      assert.equal(posts(), 1);
    });
  });
});

/**
 * Everything the user sees. The provider's console lines reach the engine as info diagnostics:
 * the CLI prints them on stderr with `--diff` (preview, up) and in the Diagnostics section of
 * stdout otherwise (refresh, destroy).
 */
function said(op: { output: string; stderr: string }): string {
  return `${op.output}\n${op.stderr}`;
}

/** `pulumi stack export` as a user runs it (the Automation API's exportStack adds --show-secrets). */
async function exportedStack(s: EngineStack): Promise<string> {
  const { stdout, code } = await s.cli(["stack", "export"]);
  assert.equal(code, 0);
  assert.match(stdout, /"resources"/);
  return stdout;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

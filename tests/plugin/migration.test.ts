import { strict as assert } from "node:assert";
import * as marketplace from "pulumi-marketplace-cancel/native";
import { OfferOperationCancellation } from "pulumi-marketplace-cancel";
import { Seed } from "../../emulator";
import { DYNAMIC_OFFER_TYPE, NativeStack, OFFER_TYPE, said, usePluginStacks } from "./stacks";

/**
 * A stack deployed with the dynamic resources moves to the native plugin by a change of the
 * program (docs/design.md §4 "Two fronts over one lifecycle"): one cancellation settled, one
 * recorded as pending; the program then declares the native class instead, nothing else: the
 * generated SDK names the dynamic type token as an alias of its own. Nothing is replaced and nothing sent again: the settled one stays as it is, the
 * pending one resumes its wait, `refresh` and `destroy` work on what the dynamic front recorded.
 */
const P = "contoso";
const seed: Seed = {
  publishers: {
    [P]: { offers: { "settled-offer": { cancelSeconds: 1 }, "waiting-offer": { cancelSeconds: 120 } } },
  },
};

/** Which class the program declares; the test changes it as a user edits the program. */
let front: "dynamic" | "native" = "dynamic";

describe("the native plugin: migration from the dynamic resources", function () {
  this.timeout(300_000);
  const plugin = usePluginStacks(seed);
  const posts = () => plugin.emu.countRequests({ method: "POST", pathIncludes: "/cancel" });
  let s: NativeStack;

  before(async () => {
    const program = async () => {
      const declared = (name: string, offerId: string, timeoutSeconds: number) => {
        // The same inputs under both fronts: what the program says does not change, only the class.
        const args = {
          publisherId: P,
          offerId,
          endpoint: plugin.emu.url,
          timeoutSeconds,
          pollIntervalSeconds: { min: 0.2, max: 1 },
        };
        return front === "dynamic"
          ? new OfferOperationCancellation(name, args)
          : new marketplace.OfferOperationCancellation(name, args);
      };
      const settled = declared("settled", "settled-offer", 60);
      const waiting = declared("waiting", "waiting-offer", 3);
      return { settled: settled.status, waiting: waiting.status };
    };
    s = await plugin.stack({ program, stackName: "migration" });
  });

  it("deploys with the dynamic resources: one settled cancellation, one recorded as pending", async () => {
    plugin.emu.startOperation(P, "settled-offer", "publish", 3600);
    plugin.emu.startOperation(P, "waiting-offer", "publish", 3600);
    const timedOut = await s.attempt("up");
    assert.equal(timedOut.ok, false);
    assert.match(
      said(timedOut),
      /recorded as pending; run `pulumi up` again to resume waiting/,
      said(timedOut),
    );
    const statuses = Object.fromEntries(
      (await s.resources()).map((r) => [
        r.urn.split("::").pop(),
        [r.type, (r.outputs as { status: string }).status],
      ]),
    );
    assert.deepEqual(statuses, {
      settled: [DYNAMIC_OFFER_TYPE, "succeeded"],
      waiting: [DYNAMIC_OFFER_TYPE, "pending"],
    });
    assert.equal(posts(), 2);
  });

  it("the native program previews the settled one as unchanged and the pending one as an update, replacing nothing", async () => {
    front = "native";
    plugin.emu.clearRequests();
    const { output, result } = await s.preview();
    // The stack and the settled cancellation are `same`; the pending one is an update, which
    // resumes its wait (docs/design.md "Resume"). Nothing is created, replaced or deleted.
    assert.deepEqual(result.changeSummary, { same: 2, update: 1 }, output);
    assert.match(
      output,
      new RegExp(`~ ${OFFER_TYPE}: \\(update\\)\\n.*\\n\\s*\\[urn=[^\\]]*::waiting\\]`),
      output,
    );
    assert.doesNotMatch(output, /::settled\]/, output);
    assert.equal(posts(), 0);
  });

  it("up sends no cancel: the settled one stays, the pending one resumes its wait", async () => {
    plugin.emu.advanceClock(120);
    plugin.emu.clearRequests();
    const text = said(await s.up());
    assert.match(text, /resuming the wait for the cancellation requested at/, text);
    assert.equal(posts(), 0, "no second cancel");
    assert.deepEqual((await s.outputs()).settled.value, "succeeded");
    assert.deepEqual((await s.outputs()).waiting.value, "succeeded");
    // Keyed by name: the engine writes resources in the order their steps finish, which the
    // scenario does not decide (the settled one is `same`, the pending one waits).
    const types = Object.fromEntries((await s.resources()).map((r) => [r.urn.split("::").pop(), r.type]));
    assert.deepEqual(types, { settled: OFFER_TYPE, waiting: OFFER_TYPE });
  });

  it("refresh and destroy work on the migrated records", async () => {
    await s.refresh();
    plugin.emu.clearRequests();
    await s.destroy();
    assert.equal(posts(), 0);
    assert.deepEqual(await s.resources(), []);
  });
});

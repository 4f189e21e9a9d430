import { strict as assert } from "node:assert";
import { useCancellationStacks } from "./stacks";
import { Emulator, Seed } from "../../emulator";
import { EngineStack } from "../../tools/engine/stack";

/**
 * What a pull request shows (docs/design.md "The preview lookup"): the exact standard output of `pulumi preview --diff`
 * through the real engine, for a cancellation `up` would send. The resource's diff block carries
 * `runningNow`: what runs on the offer (one read-only request), or one line saying that nothing
 * runs or why the preview could not look. Resources without a change cost no request, and the
 * facts never reach the state nor cause a diff.
 */
const P = "contoso";
const SUBMISSIONS = "/submissions/";

const seed: Seed = {
  publishers: {
    [P]: {
      offers: {
        "running-offer": { cancelSeconds: 1 },
        "golive-offer": { cancelSeconds: 1 },
        "idle-offer": {},
        "guard-offer": {},
        "fork-offer": {},
        "off-offer": {},
        "failing-offer": {},
        "cycle-offer": { cancelSeconds: 1 },
      },
    },
  },
};

describe("pulumi preview --diff shows what runs on the offer", function () {
  this.timeout(300_000);
  const e2e = useCancellationStacks(seed);
  let emu: Emulator;
  before(() => (emu = e2e.emu));
  const stackFor: typeof e2e.stackFor = (...args) => e2e.stackFor(...args);
  const lookups = () => emu.countRequests({ method: "GET", pathIncludes: SUBMISSIONS });
  const cpp = () => emu.countRequests({ pathIncludes: "/api/" });

  /** The whole stdout of previewing one new cancellation of `offerId`. */
  function createText(
    offerId: string,
    runningNow: string[] | undefined,
    inputs: { expectedOperationId?: string; ifNothingToCancel?: string } = {},
  ): string {
    const urn = `urn:pulumi:${offerId}::pmc-e2e`;
    return [
      `Previewing update (${offerId}):`,
      "+ pulumi:pulumi:Stack: (create)",
      `    [urn=${urn}::pulumi:pulumi:Stack::pmc-e2e-${offerId}]`,
      "    + pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation: (create)",
      `        [urn=${urn}::pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation::stop-publish]`,
      '        apiVersion         : "2017-10-31"',
      `        endpoint           : "${emu.url}"`,
      ...(inputs.expectedOperationId ? [`        expectedOperationId: "${inputs.expectedOperationId}"`] : []),
      `        ifNothingToCancel  : "${inputs.ifNothingToCancel ?? "succeed"}"`,
      "        notificationEmails : []",
      `        offerId            : "${offerId}"`,
      "        pollIntervalSeconds: {",
      "            max: 1",
      "            min: 0.2",
      "        }",
      `        publisherId        : "${P}"`,
      ...(runningNow ?? []),
      "        timeoutSeconds     : 1800",
      '        when               : "apply"',
      "    --outputs:--",
      "    canceledOperation      : [unknown]",
      "    cancellationOperationId: [unknown]",
      "    httpStatus             : [unknown]",
      "    operationStatus        : [unknown]",
      "    status                 : [unknown]",
      "Resources:",
      "    + 2 to create",
      "",
    ].join("\n");
  }

  /** `runningNow` for what the submissions list shows now, as the diff block prints an object. */
  async function runningBlock(offerId: string, extra: string[] = []): Promise<string[]> {
    const op = emu.getOffer(P, offerId).currentOperation;
    assert.ok(op, `something runs on ${offerId}`);
    const width = extra.length ? 7 : 5;
    const key = (k: string) => `            ${k.padEnd(width)}:`;
    return [
      "        runningNow         : {",
      `${key("id")} "${op.id}"`,
      `${key("since")} "${op.startedAt}"`,
      `${key("slot")} "${op.slot}"`,
      `${key("type")} "${op.kind === "golive" ? "go-live" : op.kind}"`,
      ...extra.map((e) => `${key("warning")} ${JSON.stringify(e)}`),
      "        }",
    ];
  }
  const line = (text: string) => [`        runningNow         : ${JSON.stringify(text)}`];

  it("something running: its id, type, slot and since, from one request", async () => {
    emu.startOperation(P, "running-offer", "publish", 3600);
    const s = await stackFor("running-offer");
    emu.clearRequests();
    const { output } = await s.preview();
    assert.equal(lookups(), 1);
    assert.equal(cpp(), 1, "the lookup is the only request");
    assert.equal(output, createText("running-offer", await runningBlock("running-offer")));
  });

  it("a go-live reads as go-live", async () => {
    emu.startOperation(P, "golive-offer", "golive", 3600);
    const s = await stackFor("golive-offer");
    const { output } = await s.preview();
    assert.equal(output, createText("golive-offer", await runningBlock("golive-offer")));
  });

  it("nothing running: nothing will be cancelled, or up will fail under ifNothingToCancel: fail", async () => {
    const s = await stackFor("idle-offer");
    emu.clearRequests();
    let { output } = await s.preview();
    assert.equal(output, createText("idle-offer", line("nothing runs: up will cancel nothing")));
    await s.setConfig("e2e:ifNothingToCancel", "fail");
    ({ output } = await s.preview());
    assert.equal(
      output,
      createText("idle-offer", line('nothing runs: up will fail (ifNothingToCancel is "fail")'), {
        ifNothingToCancel: "fail",
      }),
    );
    assert.equal(lookups(), 2);
  });

  it("a failing guard: a warning naming both ids, and the preview passes", async () => {
    const op = emu.startOperation(P, "guard-offer", "publish", 3600);
    const expected = "00000000-0000-0000-0000-000000000000";
    const s = await stackFor("guard-offer", { "e2e:expectedOperationId": expected });
    const { output } = await s.preview();
    const warning = `${op.id} runs, not expectedOperationId ${expected}: up will fail and cancel nothing`;
    const block = await runningBlock("guard-offer", [warning]);
    assert.equal(output, createText("guard-offer", block, { expectedOperationId: expected }));
    // The guard that matches says nothing more.
    await s.setConfig("e2e:expectedOperationId", op.id);
    const matched = (await s.preview()).output;
    const block2 = await runningBlock("guard-offer");
    assert.equal(matched, createText("guard-offer", block2, { expectedOperationId: op.id }));
  });

  it("no credentials (a fork's pull request): the preview passes and says why in one line", async () => {
    emu.startOperation(P, "fork-offer", "publish", 3600);
    const s = await stackFor("fork-offer", {}, false);
    emu.clearRequests();
    const { output } = await s.preview();
    assert.equal(
      output,
      createText(
        "fork-offer",
        line(
          "not looked up: no credentials for the Cloud Partner Portal (none configured and no Azure login)",
        ),
      ),
    );
    assert.equal(cpp(), 0);
  });

  it("a failing service: the preview passes and says why in one line", async () => {
    const s = await stackFor("failing-offer");
    emu.addFault({
      match: { pathIncludes: "failing-offer/submissions" },
      always: true,
      fault: { type: "status", status: 503 },
    });
    try {
      emu.clearRequests();
      const { output } = await s.preview();
      assert.equal(output, createText("failing-offer", line("not looked up: the service answered HTTP 503")));
      assert.equal(lookups(), 1, "no retries in a preview");
    } finally {
      emu.clearFaults();
    }
  });

  it("marketplace:previewLookup = false: no runningNow and no request", async () => {
    emu.startOperation(P, "off-offer", "publish", 3600);
    const s = await stackFor("off-offer", { "marketplace:previewLookup": "false" });
    emu.clearRequests();
    const { output } = await s.preview();
    assert.equal(output, createText("off-offer", undefined));
    assert.equal(cpp(), 0);
  });

  describe("the facts never cause a diff and never re-fire a cancel", () => {
    let s: EngineStack;
    before(async () => {
      emu.startOperation(P, "cycle-offer", "publish", 3600);
      s = await stackFor("cycle-offer", { "e2e:emails": JSON.stringify(["ops@contoso.com"]) });
    });

    it("up neither looks nor stores them", async () => {
      emu.clearRequests();
      await s.up();
      assert.equal(emu.countRequests({ method: "POST", pathIncludes: "/cancel" }), 1);
      const res = (await s.resources()).find((r) => r.type.endsWith(":OfferOperationCancellation"));
      assert.ok(res);
      for (const props of [res.inputs, res.outputs]) {
        assert.ok(props && !("runningNow" in props) && !("__preview" in props), JSON.stringify(props));
      }
      assert.equal(lookups(), 1, "only create's own look at what runs");
    });

    it("a second preview shows no change and makes no request", async () => {
      emu.startOperation(P, "cycle-offer", "publish", 3600);
      emu.clearRequests();
      const { output, result } = await s.preview();
      assert.deepEqual(result.changeSummary, { same: 2 });
      assert.doesNotMatch(output, /runningNow/);
      assert.equal(cpp(), 0);
    });

    it("an in-place update shows no runningNow and makes no request", async () => {
      await s.setConfig("e2e:emails", JSON.stringify(["ops@contoso.com", "release@contoso.com"]));
      emu.clearRequests();
      const { output, result } = await s.preview();
      assert.deepEqual(result.changeSummary, { same: 1, update: 1 });
      assert.doesNotMatch(output, /runningNow/);
      assert.equal(cpp(), 0);
      await s.setConfig("e2e:emails", JSON.stringify(["ops@contoso.com"]));
    });

    it("a replacement (a new cancel) shows what it would cancel, from one request", async () => {
      await s.setConfig("e2e:triggers", JSON.stringify(["publish-2"]));
      emu.clearRequests();
      const { output, result } = await s.preview();
      assert.deepEqual(result.changeSummary, { same: 1, replace: 1 });
      assert.equal(lookups(), 1);
      assert.equal(cpp(), 1);
      const res = (await s.resources()).find((r) => r.type.endsWith(":OfferOperationCancellation"));
      assert.ok(res);
      // In a replacement the diff block marks what the old inputs lacked: "+ runningNow".
      const added = (await runningBlock("cycle-offer")).map((l) =>
        l.startsWith("            ")
          ? `          + ${l.slice(12)}`
          : l.replace(/^ {8}runningNow/, "      + runningNow"),
      );
      const urn = "urn:pulumi:cycle-offer::pmc-e2e";
      const expected = [
        "Previewing update (cycle-offer):",
        "  pulumi:pulumi:Stack: (same)",
        `    [urn=${urn}::pulumi:pulumi:Stack::pmc-e2e-cycle-offer]`,
        "    +-pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation: (replace)",
        `        [id=${res.id}]`,
        `        [urn=${urn}::pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation::stop-publish]`,
        '        apiVersion         : "2017-10-31"',
        `        endpoint           : "${emu.url}"`,
        '        ifNothingToCancel  : "succeed"',
        "        notificationEmails : [",
        '            [0]: "ops@contoso.com"',
        "        ]",
        '        offerId            : "cycle-offer"',
        "        pollIntervalSeconds: {",
        "            max: 1",
        "            min: 0.2",
        "        }",
        '        publisherId        : "contoso"',
        ...added,
        "        timeoutSeconds     : 1800",
        "      + triggers           : [",
        '      +     [0]: "publish-2"',
        "        ]",
        '        when               : "apply"',
        "Resources:",
        "    +-1 to replace",
        "    1 unchanged",
        "",
      ].join("\n");
      assert.equal(output, expected);
      await s.removeConfig("e2e:triggers");
    });
  });
});

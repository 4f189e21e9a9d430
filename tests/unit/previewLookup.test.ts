import { strict as assert } from "node:assert";
import { diffInputs } from "../../provider/kit/diff";
import { UNKNOWN } from "../../provider/kit/checks";
import { FACTS_KEY, PREVIEW_FLAG, reasonOf, takePreviewFlag, wouldCancel } from "../../provider/kit/preview";
import { CPP_AUDIENCE } from "../../provider/core/audience";
import {
  OfferOperationCancellationInputs as CancellationInputs,
  checkOfferOperationInputs as checkInputs,
} from "../../provider/cpp/inputs";
import { OFFER_OPERATION_SPEC } from "../../provider/cpp/inputSpec";
import { recordOfferOperationOutputs as recordOutputs } from "../../provider/cpp/outputs";
import {
  Lister,
  addOfferOperationPreviewFacts as addPreviewFacts,
  offerOperationFacts as describeFacts,
} from "../../provider/cpp/preview";
import { ProviderSettings, resolveSettings } from "../../provider/core/settings";
import type { Submission } from "../../provider/cpp/status";

/**
 * The preview lookup's decisions (OfferOperationCancellation's): when it looks, what the reviewer reads, and that
 * the key carrying the facts is never echoed, stored or diffed. The engine side (what the diff
 * block prints) is tests/e2e/preview.test.ts.
 */
const news = { publisherId: "contoso", offerId: "contoso-offer" };
const checked = (extra: Record<string, unknown> = {}) => checkInputs({ ...news, ...extra });
const inputsOf = (extra: Record<string, unknown> = {}) =>
  checked(extra).inputs as unknown as CancellationInputs;
const settings = (previewLookup = true): ProviderSettings => ({
  ...resolveSettings(() => undefined, {}),
  previewLookup,
});
const running: Submission = {
  id: "op-1",
  submissionType: "publish",
  slot: "preview",
  state: "running",
  changedTime: "2024-05-01T10:00:00Z",
};
const listing =
  (list: Submission[], calls: string[] = []): Lister =>
  async (inputs) => {
    calls.push(`${inputs.publisherId}/${inputs.offerId}`);
    return list;
  };

describe("preview lookup", () => {
  it("takes the preview flag off the inputs before they are checked", () => {
    assert.deepEqual(takePreviewFlag({ ...news, [PREVIEW_FLAG]: true }), { preview: true, news });
    assert.deepEqual(takePreviewFlag({ ...news, [PREVIEW_FLAG]: false }), { preview: false, news });
    assert.equal(
      takePreviewFlag(news).preview,
      false,
      "absent: not a preview (a program without the resource class)",
    );
  });

  it("looks for a create or the engine's re-check of a replacement (empty olds), with when: apply", () => {
    assert.equal(wouldCancel({}, inputsOf()), true);
    assert.equal(wouldCancel({ __provider: "x" }, inputsOf()), true);
    assert.equal(wouldCancel({}, inputsOf({ when: "destroy" })), false);
    assert.equal(wouldCancel(checked().inputs, inputsOf()), false, "an existing resource's first check");
  });

  it("adds the facts in one request; none with failures, olds, or the setting off", async () => {
    const calls: string[] = [];
    const outcome = checked();
    await addPreviewFacts({}, outcome, () => settings(), listing([running], calls));
    assert.deepEqual(outcome.inputs[FACTS_KEY], {
      id: "op-1",
      type: "publish",
      slot: "preview",
      since: "2024-05-01T10:00:00Z",
    });
    for (const [olds, o, s] of [
      [checked().inputs, checked(), settings()],
      [{}, checked({ offerId: "bad/offer" }), settings()],
      [{}, checked(), settings(false)],
    ] as const) {
      await addPreviewFacts(olds, o, () => s, listing([running], calls));
      assert.equal(FACTS_KEY in o.inputs, false);
    }
    assert.deepEqual(calls, ["contoso/contoso-offer"]);
  });

  it("settings that cannot be read, or a failing lister, make one line, never a failure", async () => {
    const outcome = checked();
    await addPreviewFacts({}, outcome, () => {
      throw Object.assign(new Error("x"), { name: "CredentialError" });
    });
    assert.match(String(outcome.inputs[FACTS_KEY]), /^not looked up: the credential settings/);
    const failing = checked();
    const lister: Lister = async () => {
      throw Object.assign(new Error("Bearer abc\u001b[31m"), { name: "HTTPError", status: 503 });
    };
    await addPreviewFacts({}, failing, () => settings(), lister);
    assert.equal(failing.inputs[FACTS_KEY], "not looked up: the service answered HTTP 503");
    assert.deepEqual(failing.failures, []);
  });

  it("does not look with an input not known before apply", async () => {
    const outcome = checked({ offerId: UNKNOWN });
    await addPreviewFacts({}, outcome, () => settings(), listing([running]));
    assert.equal(outcome.inputs[FACTS_KEY], "not looked up: offerId is not known before apply");
  });

  it("judges like up: nothing runs, ifNothingToCancel, the guard", () => {
    assert.equal(describeFacts(inputsOf(), undefined), "nothing runs: up will cancel nothing");
    assert.equal(
      describeFacts(inputsOf({ ifNothingToCancel: "fail" }), undefined),
      'nothing runs: up will fail (ifNothingToCancel is "fail")',
    );
    assert.equal(
      describeFacts(inputsOf({ expectedOperationId: "op-9" }), undefined),
      "warning: nothing runs, not expectedOperationId op-9: up will fail and cancel nothing",
    );
    assert.deepEqual(describeFacts(inputsOf({ expectedOperationId: "op-9" }), running), {
      id: "op-1",
      type: "publish",
      slot: "preview",
      since: "2024-05-01T10:00:00Z",
      warning: "op-1 runs, not expectedOperationId op-9: up will fail and cancel nothing",
    });
    assert.equal(
      "warning" in (describeFacts(inputsOf({ expectedOperationId: "op-1" }), running) as object),
      false,
    );
    assert.equal(
      (describeFacts(inputsOf(), { ...running, submissionType: "golive" }) as { type: string }).type,
      "go-live",
    );
  });

  it("prints no control characters and nothing long from the service", () => {
    const facts = describeFacts(inputsOf(), { ...running, id: `op\u001b[2J${"x".repeat(200)}` }) as {
      id: string;
    };
    assert.equal(facts.id.includes("\u001b"), false);
    assert.ok(facts.id.length <= 61, facts.id);
  });

  it("says why in our own words, never the service's", () => {
    const e = (name: string, extra: Record<string, unknown> = {}) =>
      Object.assign(new Error("Bearer secret-token"), { name, ...extra });
    assert.equal(
      reasonOf(
        e("CredentialError", { message: "No credentials for the Cloud Partner Portal were found." }),
        CPP_AUDIENCE.name,
      ),
      "no credentials for the Cloud Partner Portal (none configured and no Azure login)",
    );
    assert.equal(
      reasonOf(e("HTTPError", { status: 403 }), CPP_AUDIENCE.name),
      "the service refused the credentials (HTTP 403)",
    );
    assert.equal(reasonOf(e("NetworkError"), CPP_AUDIENCE.name), "the service could not be reached");
    assert.equal(reasonOf(e("TimeoutError"), CPP_AUDIENCE.name), "the service did not answer in time");
    for (const r of [
      reasonOf(e("Whatever"), CPP_AUDIENCE.name),
      reasonOf("Bearer secret-token", CPP_AUDIENCE.name),
      reasonOf(undefined, CPP_AUDIENCE.name),
    ])
      assert.doesNotMatch(r, /secret-token/);
  });

  it("the facts are never echoed into outputs and never make a diff", () => {
    const inputs = { ...checked().inputs, [FACTS_KEY]: { id: "op-1" }, [PREVIEW_FLAG]: true };
    const outs = recordOutputs(inputs as unknown as CancellationInputs, { status: "succeeded" });
    assert.equal(FACTS_KEY in outs, false);
    assert.equal(PREVIEW_FLAG in outs, false);
    const d = diffInputs(OFFER_OPERATION_SPEC, { ...checked().inputs, status: "succeeded" }, inputs);
    assert.deepEqual(d, { changes: false, replaces: [], updates: [], deleteBeforeReplace: false });
  });
});

describe("settings: marketplace:previewLookup", () => {
  const cfg = (v: string | undefined) => (key: string) =>
    key === "marketplace:previewLookup" ? v : undefined;
  it("is on by default, off with false, and off for anything it does not read as on", () => {
    assert.equal(resolveSettings(cfg(undefined), {}).previewLookup, true);
    for (const v of ["true", "TRUE", "1", "yes", "on"])
      assert.equal(resolveSettings(cfg(v), {}).previewLookup, true, v);
    for (const v of ["false", "False", "0", "no", "off", "flase"])
      assert.equal(resolveSettings(cfg(v), {}).previewLookup, false, v);
  });
  it("stack config wins over MARKETPLACE_PREVIEW_LOOKUP", () => {
    assert.equal(
      resolveSettings(cfg(undefined), { MARKETPLACE_PREVIEW_LOOKUP: "false" }).previewLookup,
      false,
    );
    assert.equal(resolveSettings(cfg("true"), { MARKETPLACE_PREVIEW_LOOKUP: "false" }).previewLookup, true);
  });
});

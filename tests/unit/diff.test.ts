import { strict as assert } from "node:assert";
import { UNKNOWN } from "../../provider/kit/checks";
import { DiffOutcome, diffInputs as diffBySpec } from "../../provider/kit/diff";
import { checkOfferOperationInputs as checkInputs } from "../../provider/cpp/inputs";
import { OFFER_OPERATION_SPEC } from "../../provider/cpp/inputSpec";

const diffInputs = (olds: Record<string, unknown>, news: Record<string, unknown>): DiffOutcome =>
  diffBySpec(OFFER_OPERATION_SPEC, olds, news);

/** What `create` recorded for these inputs (outputs echo the normalized inputs). */
const recorded = (news: Record<string, unknown>) => ({
  ...checkInputs(news).inputs,
  status: "succeeded",
  httpStatus: 202,
});
const base = { publisherId: "contoso", offerId: "contoso-offer", notificationEmails: ["a@x.com"] };
const diffOf = (change: Record<string, unknown>, old = base) =>
  diffInputs(recorded(old), checkInputs({ ...old, ...change }).inputs);

describe("diff: what re-fires a cancel", () => {
  const replaces: [string, unknown][] = [
    ["publisherId", "fabrikam"],
    ["offerId", "other-offer"],
    ["triggers", ["publish-2"]],
    ["when", "destroy"],
  ];
  for (const [key, value] of replaces) {
    it(`a changed ${key} replaces (a new cancellation)`, () => {
      const d = diffOf({ [key]: value });
      assert.equal(d.changes, true);
      assert.deepEqual(d.replaces, [key]);
    });
  }

  const updates: [string, unknown][] = [
    ["notificationEmails", ["b@y.com"]],
    ["expectedOperationId", "op-2"],
    ["ifNothingToCancel", "fail"],
    ["timeoutSeconds", 60],
    ["pollIntervalSeconds", { min: 2, max: 20 }],
    ["endpoint", "http://127.0.0.1:9999"],
    ["apiVersion", "2018-01-01"],
  ];
  for (const [key, value] of updates) {
    it(`a changed ${key} updates in place without a new cancel`, () => {
      const d = diffOf({ [key]: value });
      assert.equal(d.changes, true);
      assert.deepEqual(d.replaces, []);
      assert.deepEqual(d.updates, [key]);
    });
  }

  const noOps: [string, Record<string, unknown>][] = [
    ["a new access token", { accessToken: "eyJnew-token-value" }],
    ["new provider code", { __provider: "exports.handler = () => ({ changed: true })" }],
    ["the same emails as a comma string", { notificationEmails: "a@x.com" }],
    [
      "explicit defaults",
      { when: "apply", ifNothingToCancel: "succeed", timeoutSeconds: 1800, apiVersion: "2017-10-31" },
    ],
  ];
  for (const [what, change] of noOps) {
    it(`${what} is no change at all`, () => {
      const d = diffOf(change);
      assert.equal(d.changes, false, JSON.stringify(d));
      assert.deepEqual(d.replaces, []);
    });
  }

  it("treats triggers with the same content in another key order as unchanged", () => {
    const old = { ...base, triggers: { a: 1, b: 2 } };
    assert.equal(diffOf({ triggers: { b: 2, a: 1 } }, old).changes, false);
  });

  it("an unknown replace key at preview is shown as a replacement", () => {
    assert.deepEqual(diffInputs(recorded(base), { ...checkInputs(base).inputs, offerId: UNKNOWN }).replaces, [
      "offerId",
    ]);
  });

  it("a pending wait always reaches update, so the next up resumes it", () => {
    const pending = { ...recorded(base), status: "pending" };
    const d = diffInputs(pending, checkInputs(base).inputs);
    assert.equal(d.changes, true);
    assert.deepEqual(d.replaces, []);
  });

  it("replacements delete first, so at most one cancellation of an offer is in flight", () => {
    assert.equal(diffOf({ offerId: "x" }).deleteBeforeReplace, true);
  });
});

import { strict as assert } from "node:assert";
import * as path from "node:path";
import { DEFAULT_CONFIRM_WINDOW_MS, resolveSettings } from "../../provider/core/settings";

/**
 * The tuning settings come from the environment only (they are the operator's, not the stack's);
 * a value that is not a non-negative number is ignored, so a typo never becomes "0 retries".
 */
describe("settings: tuning from the environment", () => {
  const none = () => undefined;

  it("has defaults when nothing is set", () => {
    const s = resolveSettings(none, { PULUMI_HOME: "/p" });
    assert.deepEqual(s.retry, {});
    assert.equal(s.requestTimeoutMs, undefined);
    assert.equal(s.confirmWindowMs, DEFAULT_CONFIRM_WINDOW_MS);
    assert.equal(s.journalDir, path.join("/p", "marketplace-cancel", "inflight"));
  });

  it("reads retries, base delay, request timeout, confirm window and journal directory", () => {
    const s = resolveSettings(none, {
      MARKETPLACE_RETRIES: "0",
      MARKETPLACE_RETRY_BASE_DELAY_MS: "250",
      MARKETPLACE_REQUEST_TIMEOUT_MS: "5000",
      MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS: "1500",
      MARKETPLACE_CANCEL_JOURNAL_DIR: "/j",
    });
    assert.deepEqual(s.retry, { retries: 0, baseDelayMs: 250 });
    assert.equal(s.requestTimeoutMs, 5000);
    assert.equal(s.confirmWindowMs, 1500);
    assert.equal(s.journalDir, "/j");
  });

  for (const typo of ["three", "-1", "", " ", "Infinity"]) {
    it(`ignores ${JSON.stringify(typo)}`, () => {
      const s = resolveSettings(none, {
        MARKETPLACE_RETRIES: typo,
        MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS: typo,
      });
      assert.deepEqual(s.retry, {});
      assert.equal(s.confirmWindowMs, DEFAULT_CONFIRM_WINDOW_MS);
    });
  }

  it("does not take tuning from stack config", () => {
    const s = resolveSettings((key) => (key === "marketplace:retries" ? "0" : undefined), {});
    assert.deepEqual(s.retry, {});
  });
});

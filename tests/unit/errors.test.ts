import { strict as assert } from "node:assert";
import * as errors from "../../provider/core/errors";
import * as cppErrors from "../../provider/cpp/errors";
import { ResourceInitFailedError } from "../../provider/cpp/lifecycle";
import * as ingestionErrors from "../../provider/ingestion/errors";

const OFFER = { publisherId: "contoso", offerId: "offer" };

/**
 * Error names are literals: a bundler or minifier renames classes, and users branch on
 * `err.name` (as they do with ky's `HTTPError`), so the name must not come from the constructor.
 * Every error of the package, whichever API it came from, is a `MarketplaceError`.
 */
describe("error names", () => {
  const instances: [string, Error][] = [
    ["MarketplaceError", new errors.MarketplaceError("x")],
    ["HTTPError", new errors.HTTPError({ method: "GET", path: "/p", status: 500 })],
    ["TimeoutError", new errors.TimeoutError("GET", "/p", 10)],
    ["NetworkError", new errors.NetworkError("GET", "/p", "ECONNRESET", false, "reset")],
    ["ResponseError", new errors.ResponseError("GET", "/p", 200, "not JSON")],
    ["UnsafeLocationError", new errors.UnsafeLocationError("x")],
    ["OperationTimeoutError", new errors.OperationTimeoutError("x", undefined)],
    ["AbortError", new errors.AbortError("the wait")],
    ["CredentialError", new errors.CredentialError("x")],
    ["ResourceInitFailedError", new ResourceInitFailedError("id", {}, ["why"], undefined)],
    ["CancellationError", new cppErrors.CancellationError("x", OFFER)],
    ["GuardMismatchError", new cppErrors.GuardMismatchError("x", OFFER, "op-2", "op-1")],
    ["NothingToCancelError", new cppErrors.NothingToCancelError("x", OFFER)],
    [
      "CancellationFailedError",
      new cppErrors.CancellationFailedError("x", OFFER, { rawStatus: "failed", errors: ["locked"] }),
    ],
    ["JobCancellationError", new ingestionErrors.JobCancellationError("x", "job-1")],
    ["JobAlreadyCompletedError", new ingestionErrors.JobAlreadyCompletedError("x", "job-1", "succeeded")],
    ["CancelRefusedError", new ingestionErrors.CancelRefusedError("x", "job-1", "running/pending")],
    ["JobNotFoundError", new ingestionErrors.JobNotFoundError("x", "job-1")],
  ];

  for (const [name, err] of instances) {
    it(`${name} is named "${name}" whatever its constructor is called`, () => {
      assert.equal(err.name, name);
      assert.ok(err instanceof errors.MarketplaceError);
      assert.match(String(err), new RegExp(`^${name}: `));
    });
  }

  it("survives a renamed constructor (as after minification)", () => {
    class x extends errors.HTTPError {}
    assert.equal(new x({ method: "GET", path: "/p", status: 404 }).name, "HTTPError");
  });

  it("keeps the cause it is given", () => {
    const cause = new Error("socket hang up");
    assert.equal(new errors.MarketplaceError("wrapped", { cause }).cause, cause);
  });
});

/**
 * One class per way a cancellation can end other than declared, each carrying the fields a caller
 * needs; the base class of each API still catches all three of its cases.
 */
describe("cancellation failures", () => {
  it("the CPP cases are CancellationErrors that name the offer", () => {
    const cases = [
      new cppErrors.GuardMismatchError("x", OFFER, "op-2", undefined),
      new cppErrors.NothingToCancelError("x", OFFER),
      new cppErrors.CancellationFailedError("x", OFFER, { rawStatus: "failed", errors: [] }),
    ];
    for (const err of cases) {
      assert.ok(err instanceof cppErrors.CancellationError, err.name);
      assert.deepEqual([err.publisherId, err.offerId], ["contoso", "offer"]);
    }
  });

  it("a guard mismatch keeps both operation ids; nothing running leaves the running one undefined", () => {
    const err = new cppErrors.GuardMismatchError("x", OFFER, "op-2", "op-1");
    assert.deepEqual([err.expectedOperationId, err.runningOperationId], ["op-2", "op-1"]);
    assert.equal(
      new cppErrors.GuardMismatchError("x", OFFER, "op-2", undefined).runningOperationId,
      undefined,
    );
  });

  it("a failed cancellation keeps the service's status and messages", () => {
    const err = new cppErrors.CancellationFailedError("x", OFFER, {
      rawStatus: "Failed",
      errors: ["locked", "try later"],
    });
    assert.equal(err.operationStatus, "Failed");
    assert.deepEqual(err.serviceErrors, ["locked", "try later"]);
  });

  it("the ingestion cases are JobCancellationErrors that name the job", () => {
    const cases = [
      new ingestionErrors.JobAlreadyCompletedError("x", "job-1", "succeeded"),
      new ingestionErrors.CancelRefusedError("x", "job-1", "running/pending"),
      new ingestionErrors.JobNotFoundError("x", "job-1"),
    ];
    for (const err of cases) {
      assert.ok(err instanceof ingestionErrors.JobCancellationError, err.name);
      assert.equal(err.jobId, "job-1");
    }
  });

  it("the two APIs' failures are told apart by class", () => {
    assert.ok(
      !(new cppErrors.NothingToCancelError("x", OFFER) instanceof ingestionErrors.JobCancellationError),
    );
    assert.ok(!(new ingestionErrors.JobNotFoundError("x", "job-1") instanceof cppErrors.CancellationError));
  });
});

import { strict as assert } from "node:assert";
import { normalizeStatus, parseOperation, parseSubmissions } from "../../provider/cpp/status";

describe("status vocabulary (docs/cpp-api.md §2)", () => {
  const cases: [string, string][] = [
    ["not started", "notStarted"],
    ["notStarted", "notStarted"],
    ["NOT_STARTED", "notStarted"],
    ["running", "running"],
    ["Running", "running"],
    ["complete", "succeeded"],
    ["completed", "succeeded"],
    ["Succeeded", "succeeded"],
    ["canceled", "canceled"],
    ["cancelled", "canceled"],
    ["failed", "failed"],
  ];
  for (const [raw, expected] of cases) {
    it(`maps '${raw}' to ${expected}`, () => {
      const n = normalizeStatus(raw);
      assert.equal(n.status, expected);
      assert.equal(n.known, true);
      assert.equal(n.raw, raw);
    });
  }
  it("treats an unknown value as still running, and says it is unknown", () => {
    assert.deepEqual(normalizeStatus("Queued For Review"), {
      status: "running",
      raw: "Queued For Review",
      known: false,
    });
  });
});

describe("operation bodies", () => {
  const op = {
    id: "56615b67-2185-49fe-80d2-c4ddf77bb2e8",
    status: "running",
    cancellationRequestState: "canCancel",
    steps: [
      { stepName: "Validation", status: "complete", progressPercentage: 100, messages: [] },
      {
        stepName: "Certification",
        status: "inProgress",
        progressPercentage: 40,
        messages: [{ messageHtml: "<b>Scanning</b> &amp; testing", level: "information" }],
      },
      { stepName: "Live", status: "notStarted", progressPercentage: 0 },
    ],
  };
  it("reads a single object", () => {
    const s = parseOperation(op);
    assert.equal(s.status.status, "running");
    assert.equal(s.currentStep, "Certification");
    assert.equal(s.percent, 40);
    assert.equal(s.steps[1].messages[0].text, "Scanning & testing");
    assert.equal(s.cancellationRequestState, "canCancel");
  });
  it("reads the one-element array of Microsoft's reference sample", () => {
    assert.equal(parseOperation([op]).currentStep, "Certification");
  });
  it("collects error-level step messages", () => {
    const failed = {
      status: "failed",
      steps: [
        {
          stepName: "Cancellation",
          status: "failed",
          messages: [{ messageHtml: "Offer is locked", level: "error" }],
        },
      ],
    };
    assert.deepEqual(parseOperation(failed).errors, ["Offer is locked"]);
  });
  it("rejects bodies that are not an operation", () => {
    assert.throws(() => parseOperation("nope"), /operation object/);
    assert.throws(() => parseOperation({ id: "x" }), /no `status`/);
    assert.throws(() => parseOperation([]), /operation object/);
  });
});

describe("submissions list (docs/cpp-api.md §3)", () => {
  it("accepts both spellings of the state", () => {
    const list = parseSubmissions([
      {
        id: "a",
        submissionType: "publish",
        submissionState: "running",
        slot: "preview",
        changedTime: "2026-01-01T00:00:00Z",
      },
      { id: "b", status: "canceled", lastActionDateTime: "2025-01-01T00:00:00Z" },
    ]);
    assert.deepEqual(
      list.map((s) => [s.id, s.state]),
      [
        ["a", "running"],
        ["b", "canceled"],
      ],
    );
    assert.equal(list[1].changedTime, "2025-01-01T00:00:00Z");
  });
  it("rejects a body that is not a list", () => assert.throws(() => parseSubmissions({}), /array/));
});

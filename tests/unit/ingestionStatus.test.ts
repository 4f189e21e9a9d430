import { strict as assert } from "node:assert";
import {
  isActiveSubmission,
  isCompleted,
  parseConfigureDetail,
  parseErrorItems,
  parseJobStatus,
  parseProductLookup,
  parseSubmissions,
  sameCode,
  schemaType,
} from "../../provider/ingestion/status";
import { parseErrorBody } from "../../provider/core/http";
import { sanitizerFor } from "../../provider/core/sanitize";

/** Wire samples from docs/ingestion-api.md (§2–§6), literally. */
const GUID = "0c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

describe("ingestion status parsing (docs/ingestion-api.md quirks)", () => {
  it("reads the §2 configure reply: jobId, notStarted/pending, the jobEnd sentinel as no end", () => {
    const s = parseJobStatus({
      $schema: "https://schema.mp.microsoft.com/schema/configure-status/2022-07-01",
      jobId: GUID,
      jobStatus: "notStarted",
      jobResult: "pending",
      jobStart: "2024-05-01T10:00:00.1234567Z",
      jobEnd: "0001-01-01T00:00:00",
      errors: [],
    });
    assert.deepEqual(s, {
      jobId: GUID,
      status: { raw: "notStarted", value: "notStarted" },
      result: { raw: "pending", value: "pending" },
      jobStart: "2024-05-01T10:00:00.1234567Z",
      jobEnd: undefined,
      errors: [],
    });
    assert.equal(isCompleted(s), false);
  });

  it("reads jobID (the 2023 samples' spelling), the azureedge schema host and the date-only sentinel", () => {
    const s = parseJobStatus({
      $schema: " https://product-ingestion.azureedge.net/schema/configure-status/2022-03-01-preview2",
      jobID: GUID,
      jobStatus: "running",
      jobResult: "pending",
      jobEnd: "0001-01-01",
    });
    assert.equal(s.jobId, GUID);
    assert.equal(s.status.value, "running");
    assert.equal(s.jobEnd, undefined);
  });

  it("reads the §4 cancel success: completed/cancelled with a real jobEnd", () => {
    const s = parseJobStatus({
      $schema: "…/configure-status/2022-03-01-preview2",
      jobId: GUID,
      jobStatus: "completed",
      jobResult: "cancelled",
      jobStart: "2024-05-01T10:00:00.1234567Z",
      jobEnd: "2024-05-01T10:04:00.7654321Z",
      errors: [],
    });
    assert.ok(isCompleted(s));
    assert.equal(s.result.value, "cancelled");
    assert.equal(s.jobEnd, "2024-05-01T10:04:00.7654321Z");
  });

  it("compares status, result and codes case-insensitively; an unknown status is not completed", () => {
    const s = parseJobStatus({ jobId: GUID, jobStatus: "Completed", jobResult: "Canceled" });
    assert.ok(isCompleted(s));
    assert.equal(s.result.value, "cancelled");
    assert.equal(s.result.raw, "Canceled");
    const odd = parseJobStatus({ jobId: GUID, jobStatus: "finalizing", jobResult: "pending" });
    assert.equal(odd.status.value, undefined);
    assert.equal(isCompleted(odd), false);
    assert.ok(sameCode("Conflict", "conflict"));
    assert.ok(sameCode("BADREQUEST", "badRequest"));
    assert.ok(!sameCode(undefined, "badRequest"));
  });

  it("refuses a body without jobStatus (the poller's garbled-body path)", () => {
    assert.throws(() => parseJobStatus({ jobId: GUID }), /jobStatus/);
    assert.throws(() => parseJobStatus([]), /configure-status/);
  });

  it("reads job errors with and without details, folding nested ones into one line", () => {
    const errors = parseErrorItems([
      {
        code: "conflict",
        message: "Certification failed",
        resourceId: "submission/x/1",
        details: [
          { code: "invalidResource", message: "The image is not reachable." },
          { code: "invalidState" },
        ],
      },
      { code: "Conflict" },
    ]);
    assert.deepEqual(errors, [
      {
        code: "conflict",
        message: "Certification failed; invalidResource: The image is not reachable.; invalidState",
        resourceId: "submission/x/1",
      },
      { code: "Conflict" },
    ]);
  });

  it("reads the request-level error envelope with and without details (http.ts, shared with CPP)", () => {
    assert.deepEqual(
      parseErrorBody(
        '{"error": {"code": "badRequest", "message": "Cannot cancel job, job has already completed.", "details": []}}',
      ),
      { code: "badRequest", message: "Cannot cancel job, job has already completed." },
    );
    assert.deepEqual(
      parseErrorBody(
        '{"error":{"code":"badRequest","message":"\\"2022-03-01-preview3 is a deprecated schema\\""}}',
      ),
      { code: "badRequest", message: '"2022-03-01-preview3 is a deprecated schema"' },
    );
    assert.deepEqual(parseErrorBody("<html>gateway</html>"), { message: "<html>gateway</html>" });
  });

  it("reads configure-detail: a resources wrapper, or one private-offer object; the type from either schema host", () => {
    assert.deepEqual(
      parseConfigureDetail({
        $schema: "https://schema.mp.microsoft.com/schema/configure-detail/2022-03-01-preview2",
        resources: [
          {
            $schema: "https://schema.mp.microsoft.com/schema/property/2022-03-01-preview2",
            id: "property/p/1",
          },
          {
            $schema:
              "https://product-ingestion.azureedge.net/schema/price-and-availability-plan/2022-03-01-preview2",
            id: "x/2",
          },
        ],
      }),
      [
        { id: "property/p/1", type: "property" },
        { id: "x/2", type: "price-and-availability-plan" },
      ],
    );
    assert.deepEqual(
      parseConfigureDetail({
        $schema: "https://schema.mp.microsoft.com/schema/private-offer/2023-07-15",
        id: "private-offer/1",
      }),
      [{ id: "private-offer/1", type: "private-offer" }],
    );
    assert.deepEqual(parseConfigureDetail({ resources: [] }), []);
    assert.equal(schemaType("not a schema"), undefined);
  });

  it("reads submissions (draft without status) and which are still active", () => {
    const list = parseSubmissions({
      value: [
        { id: `submission/${GUID}/0`, product: `product/${GUID}`, target: { targetType: "draft" } },
        {
          id: `submission/${GUID}/1152921515689847470`,
          target: { targetType: "preview" },
          status: "running",
          result: "pending",
        },
        { id: `submission/${GUID}/2`, target: { targetType: "live" }, status: "completed", result: "failed" },
      ],
    });
    assert.deepEqual(list.map(isActiveSubmission), [false, true, false]);
    assert.equal(list[1].targetType, "preview");
  });

  it("reads a product lookup (empty value: none)", () => {
    assert.equal(
      parseProductLookup({ value: [{ id: `product/${GUID}`, identity: { externalId: "x" } }] }),
      `product/${GUID}`,
    );
    assert.equal(parseProductLookup({ value: [] }), undefined);
  });

  it("passes every string through the sanitizer it is given (a token echoed back is redacted)", () => {
    const token = "secret-token-value-123";
    const clean = sanitizerFor(() => [token]);
    const s = parseJobStatus(
      {
        jobId: GUID,
        jobStatus: "failed\u001b[31m",
        jobResult: `x ${token}`,
        errors: [{ code: "c", message: `Bearer ${token}` }],
      },
      clean,
    );
    assert.equal(s.status.raw, "failed");
    assert.ok(!JSON.stringify(s).includes(token), JSON.stringify(s));
  });
});

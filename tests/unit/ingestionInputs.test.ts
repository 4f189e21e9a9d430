import { strict as assert } from "node:assert";
import { UNKNOWN } from "../../provider/kit/checks";
import { checkIngestionJobInputs as checkIngestionInputs } from "../../provider/ingestion/inputs";

const JOB = "0C1B2A3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D";

/** The one failure of `check` for these inputs: its property and reason. */
function failureOf(news: Record<string, unknown>): { property: string; reason: string } {
  const { failures } = checkIngestionInputs(news);
  assert.equal(failures.length, 1, JSON.stringify(failures));
  return failures[0];
}

describe("IngestionJobCancellation check", () => {
  it("normalizes a GUID jobId to lower case and a product/<guid> likewise", () => {
    const { inputs, failures } = checkIngestionInputs({ jobId: ` ${JOB} `, product: `Product/${JOB}` });
    assert.deepEqual(failures, []);
    assert.equal(inputs.jobId, JOB.toLowerCase());
    assert.equal(inputs.product, `product/${JOB.toLowerCase()}`);
  });

  for (const [what, jobId] of [
    ["missing", undefined],
    ["not a GUID", "123"],
    ["a path", "../configure/x"],
    ["a query", `${JOB}?x=1`],
    ["an escape sequence", `${JOB}\u001b[2J`],
    ["a number", 42],
  ] as const) {
    it(`refuses a jobId that is ${what}, naming jobId and the fix`, () => {
      const f = failureOf({ jobId });
      assert.equal(f.property, "jobId");
      assert.match(f.reason, /POST configure returned/);
      assert.ok(!f.reason.includes("\u001b"), f.reason);
    });
  }

  for (const product of ["a/b", "x?y", "..", " lead", "émoji", "a".repeat(101), "x\u0000"]) {
    it(`refuses product ${JSON.stringify(product.slice(0, 12))}, naming product`, () => {
      const f = failureOf({ jobId: JOB, product });
      assert.equal(f.property, "product");
      assert.match(f.reason, /external id|product\/<guid>/);
    });
  }

  it("refuses a plain-http endpoint off loopback, a path, and a bad $version", () => {
    assert.equal(failureOf({ jobId: JOB, endpoint: "http://graph.microsoft.com" }).property, "endpoint");
    assert.equal(failureOf({ jobId: JOB, endpoint: "https://graph.microsoft.com/rp" }).property, "endpoint");
    assert.equal(failureOf({ jobId: JOB, apiVersion: "latest" }).property, "apiVersion");
    assert.equal(
      failureOf({ jobId: JOB, pollIntervalSeconds: { min: 10, max: 7200 } }).property,
      "pollIntervalSeconds",
    );
    assert.equal(failureOf({ jobId: JOB, ifAlreadyCompleted: "ignore" }).property, "ifAlreadyCompleted");
  });

  it("advises its own origin, $version and token audience, never the Cloud Partner Portal's", () => {
    const endpoint = failureOf({ jobId: JOB, endpoint: "ftp://graph.microsoft.com" }).reason;
    assert.match(endpoint, /Use an origin like "https:\/\/graph\.microsoft\.com"/);
    assert.equal(
      failureOf({ jobId: JOB, apiVersion: "latest" }).reason,
      "apiVersion is the $version of the Product Ingestion API on Microsoft Graph and must look like 2022-03-01-preview2 or 2022-07-01; remove it to use 2022-03-01-preview2.",
    );
    const token = failureOf({ jobId: JOB, accessToken: "short" }).reason;
    assert.match(token, /bearer token string for https:\/\/graph\.microsoft\.com /);
    for (const reason of [endpoint, token]) assert.doesNotMatch(reason, /cloudpartner/);
  });

  it("never echoes an access token it refuses", () => {
    const f = failureOf({ jobId: JOB, accessToken: "Bearer abc defghijkl" });
    assert.equal(f.property, "accessToken");
    assert.ok(!f.reason.includes("defghijkl"));
  });

  it("lets values unknown before apply through", () => {
    const { failures, inputs } = checkIngestionInputs({
      jobId: UNKNOWN,
      product: UNKNOWN,
      endpoint: UNKNOWN,
    });
    assert.deepEqual(failures, []);
    assert.equal(inputs.jobId, UNKNOWN);
  });
});

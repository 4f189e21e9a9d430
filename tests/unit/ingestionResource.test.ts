import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import ingestionProvider = require("../../provider/dynamic/ingestionJobCancellation");
import {
  INGESTION_JOB_CANCELLATION_TYPE_TOKEN,
  IngestionJobCancellation,
} from "../../provider/ingestion/resource";

const JOB = "0c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

describe("IngestionJobCancellation: the serialized provider (__provider in state)", () => {
  let text: string;
  before(async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => ingestionProvider, {
      allowSecrets: true,
    });
    text = serialized.text;
  });

  it("stays small and captures nothing but the module to load (no client, secret, or local path)", () => {
    console.log(`      serialized provider: ${Buffer.byteLength(text)} bytes`);
    assert.ok(Buffer.byteLength(text) < 16 * 1024, `${Buffer.byteLength(text)} bytes`);
    assert.doesNotMatch(text, /node-fetch|grpc|Output|accessToken|clientSecret/);
    assert.match(text, /pulumi-marketplace-cancel\/dist\/provider\/dynamic\/ingestionJobCancellation/);
    assert.ok(!text.includes(process.cwd()), "a local path in the serialized provider");
  });

  it("loads the way the dynamic-provider runtime loads it, and works", async () => {
    const requireFromString = require("require-from-string") as (code: string) => {
      handler: () => typeof ingestionProvider;
    };
    const provider = requireFromString(text).handler();
    const result = await provider.check({}, { jobId: "../x" });
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["jobId"],
    );
  });
});

describe("IngestionJobCancellation wiring (pulumi.runtime.setMocks)", () => {
  const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return {
            id: `${args.name}-id`,
            state: { ...args.inputs, status: "canceled", jobResult: "cancelled" },
          };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
  });

  it("registers its own type token and the inputs", async () => {
    const res = new IngestionJobCancellation("stop-job", {
      jobId: JOB,
      accessToken: "graph-token-from-elsewhere",
    });
    const [status, jobResult] = await new Promise<unknown[]>((resolve) =>
      pulumi.all([res.status, res.jobResult]).apply((v) => resolve(v)),
    );
    assert.deepEqual([status, jobResult], ["canceled", "cancelled"]);
    const reg = registered.find((r) => r.name === "stop-job")!;
    assert.equal(reg.type, INGESTION_JOB_CANCELLATION_TYPE_TOKEN);
    assert.equal(
      INGESTION_JOB_CANCELLATION_TYPE_TOKEN,
      "pulumi-nodejs:dynamic/marketplace:IngestionJobCancellation",
    );
    assert.equal(reg.inputs.jobId, JOB);
    assert.ok(pulumi.Output.isInstance(res.jobId));
  });
});

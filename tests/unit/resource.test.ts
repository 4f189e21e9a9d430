import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import cancellationProvider = require("../../provider/dynamic/offerOperationCancellation");
import {
  OfferOperationCancellation,
  OFFER_OPERATION_CANCELLATION_TYPE_TOKEN,
} from "../../provider/cpp/resource";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

describe("the serialized provider (__provider in state)", () => {
  let text: string;
  before(async () => {
    // Exactly what pulumi.dynamic.Resource does with the provider object.
    const serialized = await pulumi.runtime.serializeFunction(() => cancellationProvider, {
      allowSecrets: true,
    });
    text = serialized.text;
  });

  it("stays under 16 KiB", () => {
    console.log(`      serialized provider: ${Buffer.byteLength(text)} bytes`);
    assert.ok(Buffer.byteLength(text) < 16 * 1024, `${Buffer.byteLength(text)} bytes`);
  });

  it("captures no client, no secret, no pulumi runtime object: only the module to load", () => {
    assert.doesNotMatch(text, /node-fetch|grpc|Output|accessToken|clientSecret/);
    assert.match(text, /pulumi-marketplace-cancel\/dist\/provider\/dynamic\/offerOperationCancellation/);
    // The package resolves by name here (the repository links itself), so no local path is kept.
    assert.doesNotMatch(text, /offerOperationCancellation\.js/);
    assert.ok(!text.includes(process.cwd()), "a local path in the serialized provider");
  });

  it("loads the way the dynamic-provider runtime loads it, and works", async () => {
    const requireFromString = require("require-from-string") as (code: string) => {
      handler: () => typeof cancellationProvider;
    };
    const provider = requireFromString(text).handler();
    const result = await provider.check!({}, { publisherId: "contoso", offerId: "a/b" });
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["offerId"],
    );
  });
});

describe("resource wiring (pulumi.runtime.setMocks)", () => {
  const registered: Registered[] = [];
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: { ...args.inputs, status: "succeeded", httpStatus: 202 } };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
  });

  it("registers the readable type token with the inputs and the serialized provider", async () => {
    const res = new OfferOperationCancellation("stop-publish", {
      publisherId: "contoso",
      offerId: "contoso-offer",
      notificationEmails: ["ops@contoso.com"],
      when: "apply",
      accessToken: "token-from-elsewhere",
    });
    const [status, offerId, httpStatus] = await new Promise<unknown[]>((resolve) =>
      pulumi.all([res.status, res.offerId, res.httpStatus]).apply((v) => resolve(v)),
    );
    assert.deepEqual([status, offerId, httpStatus], ["succeeded", "contoso-offer", 202]);
    const reg = registered.find((r) => r.name === "stop-publish")!;
    assert.equal(reg.type, OFFER_OPERATION_CANCELLATION_TYPE_TOKEN);
    assert.equal(
      OFFER_OPERATION_CANCELLATION_TYPE_TOKEN,
      "pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation",
    );
    assert.equal(reg.inputs.publisherId, "contoso");
    assert.deepEqual(reg.inputs.notificationEmails, ["ops@contoso.com"]);
    assert.equal(typeof reg.inputs.__provider, "string");
  });

  it("makes the access token a secret even when given as a plain string", async () => {
    const res = new OfferOperationCancellation("with-token", {
      publisherId: "contoso",
      offerId: "o",
      accessToken: "plain-token",
    });
    const token = (res as unknown as { accessToken: pulumi.Output<string> }).accessToken;
    assert.equal(await pulumi.isSecret(token), true);
    assert.equal(await pulumi.isSecret(res.offerId), false);
  });
});

import { strict as assert } from "node:assert";

/**
 * What `import ... from "pulumi-marketplace-cancel"` offers, exactly: a Pulumi program needs the
 * resource and the service defaults; the rest is the provider's inside and free to change.
 */
describe("the public API", () => {
  it("exports the two resources, their type tokens and the service defaults, nothing else", () => {
    const api = require("pulumi-marketplace-cancel") as Record<string, unknown>;
    assert.deepEqual(Object.keys(api).sort(), [
      "DEFAULT_API_VERSION",
      "DEFAULT_ENDPOINT",
      "DEFAULT_INGESTION_API_VERSION",
      "DEFAULT_INGESTION_ENDPOINT",
      "INGESTION_RESOURCE_TYPE_TOKEN",
      "IngestionJobCancellation",
      "OfferOperationCancellation",
      "RESOURCE_TYPE_TOKEN",
    ]);
    assert.equal(
      api.INGESTION_RESOURCE_TYPE_TOKEN,
      "pulumi-nodejs:dynamic/marketplace:IngestionJobCancellation",
    );
  });

  it("keeps the emulator under its own subpath", () => {
    const emulator = require("pulumi-marketplace-cancel/emulator") as Record<string, unknown>;
    assert.equal(typeof emulator.startEmulator, "function");
  });

  it("exports no internal module by path but those the serialized providers in state require", () => {
    const pkg = require("pulumi-marketplace-cancel/package.json") as { exports: Record<string, unknown> };
    assert.deepEqual(Object.keys(pkg.exports).sort(), [
      ".",
      "./dist/provider/dynamic/ingestionJobCancellation",
      "./dist/provider/dynamic/offerOperationCancellation",
      "./dist/provider/dynamicProvider",
      "./dist/provider/ingestion/dynamicProvider",
      "./dist/provider/lifecycle",
      "./emulator",
      "./package.json",
    ]);
    assert.throws(() => require("pulumi-marketplace-cancel/dist/provider/cpp/client"), {
      code: "ERR_PACKAGE_PATH_NOT_EXPORTED",
    });
    assert.throws(() => require("pulumi-marketplace-cancel/dist/provider/ingestion/lifecycle"), {
      code: "ERR_PACKAGE_PATH_NOT_EXPORTED",
    });
  });
});

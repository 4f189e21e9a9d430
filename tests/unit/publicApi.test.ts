import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import type * as Api from "pulumi-marketplace-cancel";

/** The value exports: each current name, and the name of 0.3.0 it replaces (if it was renamed). */
const NAMES: [string, string?][] = [
  ["OFFER_OPERATION_CANCELLATION_TYPE_TOKEN", "RESOURCE_TYPE_TOKEN"],
  ["INGESTION_JOB_CANCELLATION_TYPE_TOKEN", "INGESTION_RESOURCE_TYPE_TOKEN"],
  ["DEFAULT_CPP_ENDPOINT", "DEFAULT_ENDPOINT"],
  ["DEFAULT_CPP_API_VERSION", "DEFAULT_API_VERSION"],
  ["DEFAULT_INGESTION_ENDPOINT"],
  ["DEFAULT_INGESTION_API_VERSION"],
];
/** The type exports of 0.3.0 that were renamed. */
const OLD_TYPES = ["CancellationOutputs", "CancellationStatus", "JobCancellationStatus"];

// Compile time: a program written against 0.3.0's type names still builds, and each old type is
// its new one (`npm run build` fails, not this test, when they drift).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertTypesCompile: [
  Equal<Api.CancellationOutputs, Api.OfferOperationCancellationOutputs>,
  Equal<Api.CancellationStatus, Api.OfferOperationCancellationStatus>,
  Equal<Api.JobCancellationStatus, Api.IngestionJobCancellationStatus>,
  Equal<Api.IngestionJobCancellationOutputs["status"], Api.IngestionJobCancellationStatus>,
] = [true, true, true, true];

/**
 * What `import ... from "pulumi-marketplace-cancel"` offers, exactly: a Pulumi program needs the
 * resource and the service defaults; the rest is the provider's inside and free to change.
 */
describe("the public API", () => {
  it("exports the two resources, their type tokens and the service defaults, nothing else", () => {
    const api = require("pulumi-marketplace-cancel") as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(api).sort(),
      [...NAMES.flat(), "IngestionJobCancellation", "OfferOperationCancellation"].sort(),
    );
    assert.equal(
      api.OFFER_OPERATION_CANCELLATION_TYPE_TOKEN,
      "pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation",
    );
    assert.equal(
      api.INGESTION_JOB_CANCELLATION_TYPE_TOKEN,
      "pulumi-nodejs:dynamic/marketplace:IngestionJobCancellation",
    );
    assert.equal(api.DEFAULT_CPP_ENDPOINT, "https://cloudpartner.azure.com");
    assert.equal(api.DEFAULT_INGESTION_ENDPOINT, "https://graph.microsoft.com");
  });

  it("keeps each name of 0.3.0 as a deprecated alias of its new name, with the same value", () => {
    const api = require("pulumi-marketplace-cancel") as Record<string, unknown>;
    for (const [name, old] of NAMES.filter(([, o]) => o !== undefined))
      assert.equal(api[old!], api[name], old);
    const declarations = readFileSync(
      require.resolve("pulumi-marketplace-cancel").replace(/\.js$/, ".d.ts"),
      "utf8",
    );
    for (const old of [...NAMES.map(([, o]) => o), ...OLD_TYPES]) {
      if (old === undefined) continue;
      assert.match(
        declarations,
        new RegExp(`@deprecated Use \\{@link \\w+\\}\\.\\s*\\*/\\s*export (declare const|type) ${old}\\b`),
        old,
      );
    }
    assert.ok(assertTypesCompile.every(Boolean));
  });

  it("keeps the emulator under its own subpath", () => {
    const emulator = require("pulumi-marketplace-cancel/emulator") as Record<string, unknown>;
    assert.equal(typeof emulator.startEmulator, "function");
  });

  it("keeps the native plugin's generated Node SDK under its own subpath", () => {
    const native = require("pulumi-marketplace-cancel/native") as Record<string, unknown>;
    for (const name of ["OfferOperationCancellation", "IngestionJobCancellation", "Provider"]) {
      assert.equal(typeof native[name], "function", name);
    }
  });

  it("exports no internal module by path but the SDK and those the serialized providers in state require", () => {
    const pkg = require("pulumi-marketplace-cancel/package.json") as { exports: Record<string, unknown> };
    assert.deepEqual(Object.keys(pkg.exports).sort(), [
      ".",
      "./dist/provider/dynamic/ingestionJobCancellation",
      "./dist/provider/dynamic/offerOperationCancellation",
      "./dist/provider/dynamicProvider",
      "./dist/provider/ingestion/dynamicProvider",
      "./dist/provider/lifecycle",
      "./emulator",
      "./native",
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

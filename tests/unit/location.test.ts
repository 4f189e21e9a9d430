import { strict as assert } from "node:assert";
import { UnsafeLocationError } from "../../provider/core/errors";
import { offerUrl, operationLocationHeader, resolveOperationLocation } from "../../provider/cpp/location";

const endpoint = new URL("https://cloudpartner.azure.com");
const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });

describe("operation locations (docs/cpp-api.md §1)", () => {
  it("prefers Location, falls back to the legacy Operation-Location", () => {
    assert.equal(operationLocationHeader(headers({ location: "/a", "operation-location": "/b" })), "/a");
    assert.equal(operationLocationHeader(headers({ "operation-location": "/b" })), "/b");
    assert.equal(operationLocationHeader(headers({})), undefined);
  });
  it("resolves the migrated-offer form against the endpoint", () => {
    const url = resolveOperationLocation(
      "/api/publishers/contoso/offers/contoso-offer/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8?api-version=2017-10-31",
      endpoint,
      "2017-10-31",
    );
    assert.equal(
      url.href,
      "https://cloudpartner.azure.com/api/publishers/contoso/offers/contoso-offer/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8?api-version=2017-10-31",
    );
  });
  it("keeps `$` of the non-migrated form exactly as received", () => {
    const url = resolveOperationLocation(
      "/api/operations/contoso$contoso-offer$2$preview?api-version=2017-10-31",
      endpoint,
      "2017-10-31",
    );
    assert.equal(url.pathname, "/api/operations/contoso$contoso-offer$2$preview");
    const encoded = resolveOperationLocation(
      "/api/operations/contoso%24contoso-offer%242%24preview",
      endpoint,
      "2017-10-31",
    );
    assert.equal(encoded.pathname, "/api/operations/contoso%24contoso-offer%242%24preview");
  });
  it("adds api-version to an absolute legacy location that lacks it", () => {
    const url = resolveOperationLocation(
      "https://cloudpartner.azure.com/api/publishers/p/offers/o/operations/1",
      endpoint,
      "2017-10-31",
    );
    assert.equal(url.search, "?api-version=2017-10-31");
    const withQuery = resolveOperationLocation("/api/operations/p$o$1$preview?x=1", endpoint, "2017-10-31");
    assert.equal(withQuery.search, "?x=1&api-version=2017-10-31");
  });
  it("refuses a location on another origin, naming both origins", () => {
    assert.throws(
      () => resolveOperationLocation("https://evil.example/api/operations/x", endpoint, "2017-10-31"),
      (err: Error) =>
        err instanceof UnsafeLocationError &&
        /https:\/\/evil\.example/.test(err.message) &&
        /not sent/.test(err.message),
    );
    assert.throws(
      () => resolveOperationLocation("//evil.example/api/x", endpoint, "2017-10-31"),
      UnsafeLocationError,
    );
    assert.throws(
      () => resolveOperationLocation("http://cloudpartner.azure.com/api/x", endpoint, "2017-10-31"),
      UnsafeLocationError,
    );
  });
  it("refuses locations outside /api/ and with credentials", () => {
    assert.throws(
      () => resolveOperationLocation("/oauth2/token", endpoint, "2017-10-31"),
      UnsafeLocationError,
    );
    assert.throws(
      () => resolveOperationLocation("https://u:p@cloudpartner.azure.com/api/x", endpoint, "2017-10-31"),
      UnsafeLocationError,
    );
  });
});

describe("request URLs", () => {
  it("encodes path segments and adds the api-version and query", () => {
    const url = offerUrl(endpoint, "contoso", "my offer", "submissions/", "2017-10-31", {
      status: "running",
    });
    assert.equal(
      url.href,
      "https://cloudpartner.azure.com/api/publishers/contoso/offers/my%20offer/submissions/?status=running&api-version=2017-10-31",
    );
  });
  it("cannot be steered out of the offer's path: encoded, or refused", () => {
    for (const id of ["..", ".", "../x", "a/../../b", "?x", "#x", "%2e%2e"]) {
      let url: URL;
      try {
        url = offerUrl(endpoint, "contoso", id, "cancel", "2017-10-31");
      } catch (err) {
        assert.ok(err instanceof UnsafeLocationError, `${id}: ${err}`);
        continue;
      }
      assert.ok(url.pathname.startsWith("/api/publishers/contoso/offers/"), url.pathname);
      assert.equal(url.origin, endpoint.origin);
      assert.ok(url.pathname.endsWith("/cancel"), url.pathname);
      assert.equal(url.pathname.split("/").length, 7, url.pathname);
    }
  });
});

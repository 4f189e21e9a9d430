import { strict as assert } from "node:assert";
import * as errors from "../../provider/core/errors";
import { ResourceInitFailedError } from "../../provider/cpp/lifecycle";

/**
 * Error names are literals: a bundler or minifier renames classes, and users branch on
 * `err.name` (as they do with ky's `HTTPError`), so the name must not come from the constructor.
 */
describe("error names", () => {
  const instances: [string, Error][] = [
    ["CppError", new errors.CppError("x")],
    ["HTTPError", new errors.HTTPError({ method: "GET", path: "/p", status: 500 })],
    ["TimeoutError", new errors.TimeoutError("GET", "/p", 10)],
    ["NetworkError", new errors.NetworkError("GET", "/p", "ECONNRESET", false, "reset")],
    ["ResponseError", new errors.ResponseError("GET", "/p", 200, "not JSON")],
    ["UnsafeLocationError", new errors.UnsafeLocationError("x")],
    ["OperationTimeoutError", new errors.OperationTimeoutError("x", undefined)],
    ["AbortError", new errors.AbortError("the wait")],
    ["CredentialError", new errors.CredentialError("x")],
    ["CancellationError", new errors.CancellationError("x")],
    ["ResourceInitFailedError", new ResourceInitFailedError("id", {} as never, ["why"], undefined)],
  ];

  for (const [name, err] of instances) {
    it(`${name} is named "${name}" whatever its constructor is called`, () => {
      assert.equal(err.name, name);
      assert.ok(err instanceof errors.CppError);
      assert.match(String(err), new RegExp(`^${name}: `));
    });
  }

  it("survives a renamed constructor (as after minification)", () => {
    class x extends errors.HTTPError {}
    assert.equal(new x({ method: "GET", path: "/p", status: 404 }).name, "HTTPError");
  });

  it("keeps the cause it is given", () => {
    const cause = new Error("socket hang up");
    assert.equal(new errors.CppError("wrapped", { cause }).cause, cause);
  });
});

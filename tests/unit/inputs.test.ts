import { execFileSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { UNKNOWN } from "../../provider/kit/checks";
import { checkOfferOperationInputs as checkInputs } from "../../provider/cpp/inputs";

const valid = { publisherId: "contoso", offerId: "contoso-offer" };
const failuresOf = (news: Record<string, unknown>) => checkInputs(news).failures;
const onlyFailure = (news: Record<string, unknown>) => {
  const f = failuresOf(news);
  assert.equal(f.length, 1, JSON.stringify(f));
  return f[0];
};

describe("OfferOperationCancellation check", () => {
  it("applies the documented defaults", () => {
    const { inputs, failures } = checkInputs(valid);
    assert.deepEqual(failures, []);
    assert.deepEqual(inputs, {
      publisherId: "contoso",
      offerId: "contoso-offer",
      notificationEmails: [],
      ifNothingToCancel: "succeed",
      when: "apply",
      timeoutSeconds: 1800,
      pollIntervalSeconds: { min: 1, max: 5 },
      apiVersion: "2017-10-31",
    });
  });

  for (const property of ["publisherId", "offerId"]) {
    describe(property, () => {
      it("is required", () => {
        const f = onlyFailure({ ...valid, [property]: "" });
        assert.equal(f.property, property);
        assert.match(f.reason, /required/);
      });
      for (const [bad, why] of [
        ["a/b", "'/'"],
        ["a?b", "'\\?'"],
        ["a#b", "'#'"],
        ["a%2fb", "'%'"],
        ["..", "'\\.\\.'"],
        ["a\u0000b", "control"],
        ["a b", "whitespace"],
        ["a".repeat(101), "at most 100"],
        ["a$b", "'\\$'"],
      ]) {
        it(`rejects ${JSON.stringify(bad).slice(0, 20)} naming the problem and the fix`, () => {
          const f = onlyFailure({ ...valid, [property]: bad });
          assert.equal(f.property, property);
          assert.match(f.reason, new RegExp(why));
          assert.match(f.reason, /letters, digits/);
        });
      }
      it("rejects non-strings", () =>
        assert.equal(onlyFailure({ ...valid, [property]: 42 }).property, property));
    });
  }

  describe("notificationEmails", () => {
    it("accepts a list or one comma-separated string, trimmed and de-duplicated", () => {
      assert.deepEqual(
        checkInputs({ ...valid, notificationEmails: "a@x.com, b@y.org,A@x.com" }).inputs.notificationEmails,
        ["a@x.com", "b@y.org"],
      );
      assert.deepEqual(
        checkInputs({ ...valid, notificationEmails: ["a@x.com", "b@y.org"] }).inputs.notificationEmails,
        ["a@x.com", "b@y.org"],
      );
    });
    it("names each invalid address", () => {
      const f = onlyFailure({ ...valid, notificationEmails: ["ok@x.com", "not-an-email", "a@b"] });
      assert.equal(f.property, "notificationEmails");
      assert.match(f.reason, /"not-an-email"/);
      assert.match(f.reason, /"a@b"/);
      assert.doesNotMatch(f.reason, /ok@x\.com/);
    });
    it("rejects a non-list", () =>
      assert.equal(onlyFailure({ ...valid, notificationEmails: 5 }).property, "notificationEmails"));
  });

  it("rejects unknown enum values for when and ifNothingToCancel", () => {
    assert.match(onlyFailure({ ...valid, when: "later" }).reason, /"apply" or "destroy"/);
    assert.match(onlyFailure({ ...valid, ifNothingToCancel: "maybe" }).reason, /"succeed" or "fail"/);
  });

  it("fails (never throws) on an enum value that has no string form, and quotes it as JSON", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    assert.match(onlyFailure({ ...valid, when: bare }).reason, /got \{"a":1\}\.$/);
    assert.match(onlyFailure({ ...valid, when: 10n }).reason, /got bigint\.$/);
    assert.match(onlyFailure({ ...valid, when: "later" }).reason, /got "later"\.$/);
  });

  it("refuses ids with C1 controls or invisible format characters, and never echoes them", () => {
    for (const hostile of ["contoso\u202egnp.exe", "contoso\u009b31m", "con\u200btoso"]) {
      const failure = onlyFailure({ ...valid, publisherId: hostile });
      assert.equal(failure.property, "publisherId");
      assert.doesNotMatch(failure.reason, /[\u202e\u009b\u200b]/u, JSON.stringify(failure.reason));
    }
  });

  it("rejects negative, zero and absurd timeouts", () => {
    for (const t of [-1, 0, Number.NaN, 1e9, "ten"])
      assert.equal(onlyFailure({ ...valid, timeoutSeconds: t }).property, "timeoutSeconds");
  });

  it("takes pollIntervalSeconds as a ceiling or as { min, max }", () => {
    assert.deepEqual(checkInputs({ ...valid, pollIntervalSeconds: 10 }).inputs.pollIntervalSeconds, {
      min: 1,
      max: 10,
    });
    assert.deepEqual(
      checkInputs({ ...valid, pollIntervalSeconds: { min: 0.5, max: 2 } }).inputs.pollIntervalSeconds,
      { min: 0.5, max: 2 },
    );
    assert.equal(
      onlyFailure({ ...valid, pollIntervalSeconds: { min: 5, max: 1 } }).property,
      "pollIntervalSeconds",
    );
    assert.equal(onlyFailure({ ...valid, pollIntervalSeconds: -3 }).property, "pollIntervalSeconds");
  });

  describe("endpoint", () => {
    it("accepts https origins and loopback http, normalized to the origin", () => {
      assert.equal(
        checkInputs({ ...valid, endpoint: "https://cloudpartner.azure.com/" }).inputs.endpoint,
        "https://cloudpartner.azure.com",
      );
      assert.equal(
        checkInputs({ ...valid, endpoint: "http://127.0.0.1:8080" }).inputs.endpoint,
        "http://127.0.0.1:8080",
      );
      assert.equal(
        checkInputs({ ...valid, endpoint: "http://localhost:1" }).inputs.endpoint,
        "http://localhost:1",
      );
      assert.equal(checkInputs({ ...valid, endpoint: "http://[::1]:1" }).inputs.endpoint, "http://[::1]:1");
    });
    it("refuses plain http that is not loopback, explaining the token would travel unencrypted", () => {
      const f = onlyFailure({ ...valid, endpoint: "http://cloudpartner.azure.com" });
      assert.equal(f.property, "endpoint");
      assert.match(f.reason, /unencrypted/);
    });
    it("advises the CPP origin", () => {
      assert.match(
        onlyFailure({ ...valid, endpoint: "ftp://x.com" }).reason,
        /Use an origin like "https:\/\/cloudpartner\.azure\.com"/,
      );
    });
    it("refuses paths, queries, credentials and other schemes", () => {
      for (const e of [
        "https://x.com/api",
        "https://x.com?a=1",
        "https://u:p@x.com",
        "ftp://x.com",
        "not a url",
      ]) {
        assert.equal(onlyFailure({ ...valid, endpoint: e }).property, "endpoint", e);
      }
    });
  });

  it("rejects a malformed apiVersion, naming the CPP's api-version and its default", () => {
    assert.equal(
      onlyFailure({ ...valid, apiVersion: "v1" }).reason,
      "apiVersion is the api-version of the Cloud Partner Portal and must look like 2017-10-31; remove it to use 2017-10-31.",
    );
  });

  it("never echoes an accessToken in a failure", () => {
    const f = onlyFailure({ ...valid, accessToken: "Bearer secret-token-value" });
    assert.equal(f.property, "accessToken");
    assert.doesNotMatch(f.reason, /secret-token-value/);
  });

  it("rejects unknown properties by name", () => {
    assert.equal(onlyFailure({ ...valid, ofer: "x" }).property, "ofer");
  });

  it("lets unknown values through at preview", () => {
    const { inputs, failures } = checkInputs({
      publisherId: UNKNOWN,
      offerId: UNKNOWN,
      endpoint: UNKNOWN,
      notificationEmails: UNKNOWN,
    });
    assert.deepEqual(failures, []);
    assert.equal(inputs.offerId, UNKNOWN);
  });

  it("reports every failure at once", () => {
    const f = failuresOf({
      publisherId: "",
      offerId: "a/b",
      timeoutSeconds: -1,
      endpoint: "http://example.com",
    });
    assert.deepEqual(f.map((x) => x.property).sort(), [
      "endpoint",
      "offerId",
      "publisherId",
      "timeoutSeconds",
    ]);
  });
});

describe("what check loads", () => {
  it("validates without loading the HTTP stack (preview stays light)", () => {
    // A fresh process: this one has loaded everything already.
    const script =
      "require(process.argv[1]); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node-fetch|[\\\\/]http\\.js$|[\\\\/]client\\.js$/.test(k))))";
    const out = execFileSync(process.execPath, ["-e", script, require.resolve("../../provider/cpp/inputs")], {
      encoding: "utf8",
    });
    assert.deepEqual(JSON.parse(out), []);
  });
});

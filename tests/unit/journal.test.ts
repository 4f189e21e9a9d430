import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  clearInflight,
  hashKey,
  journalEntry,
  readInflight,
  writeInflight,
} from "../../provider/core/journal";
import { journalDir } from "../../provider/core/settings";
import { InflightCancellation, journalKey, restoreSent } from "../../provider/cpp/sentCancellation";

/**
 * The journal: accepted cancellations not yet in Pulumi state, so a `create` after a killed `up`
 * resumes the wait instead of sending a second cancel. Best effort: it never fails a call.
 */
const parts = {
  endpoint: "https://cloudpartner.azure.com",
  publisherId: "contoso",
  offerId: "offer",
  when: "apply",
};
const entry: InflightCancellation = {
  endpoint: parts.endpoint,
  publisherId: "contoso",
  offerId: "offer",
  httpStatus: 202,
  operationLocation: "https://cloudpartner.azure.com/api/publishers/contoso/offers/offer/operations/1",
  canceledOperationId: "op-1",
  requestedAt: "2024-05-01T10:00:00.000Z",
};

describe("journal", () => {
  describe("key (an offer's: cpp/sentCancellation.ts)", () => {
    it("is 32 hex characters and the same for the same declared cancellation", () => {
      assert.match(journalKey(parts), /^[0-9a-f]{32}$/);
      assert.equal(journalKey({ ...parts }), journalKey(parts));
    });

    for (const [what, change] of [
      ["endpoint", { endpoint: "http://127.0.0.1:8080" }],
      ["publisherId", { publisherId: "fabrikam" }],
      ["offerId", { offerId: "other" }],
      ["when", { when: "destroy" }],
      ["triggers", { triggers: ["v2"] }],
    ] as const) {
      it(`differs when the ${what} differs`, () =>
        assert.notEqual(journalKey({ ...parts, ...change }), journalKey(parts)));
    }

    it("treats absent triggers as null, and keeps ids that only differ in where they split apart", () => {
      assert.equal(journalKey({ ...parts, triggers: undefined }), journalKey({ ...parts, triggers: null }));
      assert.notEqual(
        journalKey({ ...parts, publisherId: "a", offerId: "bc" }),
        journalKey({ ...parts, publisherId: "ab", offerId: "c" }),
      );
    });

    it("ignores anything else, such as an access token passed along", () => {
      const withToken = { ...parts, accessToken: "secret-token" } as typeof parts;
      assert.equal(journalKey(withToken), journalKey(parts));
    });
  });

  describe("directory (a setting, settings.ts)", () => {
    it("is MARKETPLACE_CANCEL_JOURNAL_DIR when set", () => {
      assert.equal(journalDir({ MARKETPLACE_CANCEL_JOURNAL_DIR: "/j", PULUMI_HOME: "/p" }), "/j");
    });

    it("else inflight under PULUMI_HOME", () => {
      assert.equal(journalDir({ PULUMI_HOME: "/p" }), path.join("/p", "marketplace-cancel", "inflight"));
    });

    it("else inflight under ~/.pulumi; empty settings count as unset", () => {
      const home = path.join(os.homedir(), ".pulumi", "marketplace-cancel", "inflight");
      assert.equal(journalDir({}), home);
      assert.equal(journalDir({ MARKETPLACE_CANCEL_JOURNAL_DIR: "", PULUMI_HOME: "" }), home);
    });
  });

  describe("entries", () => {
    let dir: string;
    const key = journalKey(parts);
    const file = () => path.join(dir, `${key}.json`);

    beforeEach(() => {
      dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pmc-journal-test-")), "nested", "inflight");
    });
    afterEach(() => {
      fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true, force: true });
    });

    it("reads back what was written, in the configured directory, which it creates", () => {
      writeInflight(dir, key, entry);
      assert.deepEqual(readInflight(dir, key), entry);
      assert.ok(fs.existsSync(file()));
    });

    it("keeps entries private to the user and leaves no temporary file behind", () => {
      writeInflight(dir, key, entry);
      assert.equal(fs.statSync(file()).mode & 0o777, 0o600);
      assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
      assert.deepEqual(fs.readdirSync(dir), [`${key}.json`]);
    });

    it("replaces an entry when written again", () => {
      writeInflight(dir, key, { ...entry, httpStatus: undefined });
      writeInflight(dir, key, entry);
      assert.equal(readInflight<InflightCancellation>(dir, key)?.httpStatus, 202);
    });

    it("stores whatever entry a resource gives it, through one entry bound to its key", () => {
      const job = {
        jobId: "job-1",
        endpoint: parts.endpoint,
        requestedAt: entry.requestedAt,
        answered: false,
      };
      const bound = journalEntry<typeof job>(dir, hashKey(["ingestion", parts.endpoint, "job-1"]));
      bound.write(job);
      assert.deepEqual(bound.read(), job);
      bound.clear();
      assert.equal(bound.read(), undefined);
    });

    it("keeps entries of other keys apart", () => {
      const other = journalKey({ ...parts, offerId: "other" });
      writeInflight(dir, key, entry);
      assert.equal(readInflight(dir, other), undefined);
      clearInflight(dir, other);
      assert.deepEqual(readInflight(dir, key), entry);
    });

    it("forgets an entry once cleared; clearing a missing entry is fine", () => {
      writeInflight(dir, key, entry);
      clearInflight(dir, key);
      assert.equal(readInflight(dir, key), undefined);
      assert.doesNotThrow(() => clearInflight(dir, key));
    });

    it("reads nothing when nothing was written", () => {
      assert.equal(readInflight(dir, key), undefined);
    });

    it("reads a corrupt entry as nothing, and a new write replaces it", () => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file(), '{"endpoint":"https://cloudpart');
      assert.equal(readInflight(dir, key), undefined);
      writeInflight(dir, key, entry);
      assert.deepEqual(readInflight(dir, key), entry);
    });

    it("ignores an entry older than a week: any wait it describes has long ended", () => {
      writeInflight(dir, key, entry);
      const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
      fs.utimesSync(file(), eightDaysAgo, eightDaysAgo);
      assert.equal(readInflight(dir, key), undefined);
      const sixDaysAgo = new Date(Date.now() - 6 * 24 * 3600 * 1000);
      fs.utimesSync(file(), sixDaysAgo, sixDaysAgo);
      assert.deepEqual(readInflight(dir, key), entry);
    });

    it("never fails a call when the directory cannot be written: it only loses its protection", () => {
      // A file where the directory should be: mkdir fails whoever runs the test (root included).
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      fs.writeFileSync(dir, "not a directory");
      assert.doesNotThrow(() => writeInflight(dir, key, entry));
      assert.equal(readInflight(dir, key), undefined);
      assert.doesNotThrow(() => clearInflight(dir, key));
    });
  });

  describe("the sent cancellation an entry restores", () => {
    it("is the entry itself when it names the canceled operation in full", () => {
      const op = { id: "op-1", submissionType: "publish", slot: "preview", state: "running" };
      const sent = restoreSent({ ...entry, canceledOperation: op }, undefined);
      assert.deepEqual(sent, {
        publisherId: "contoso",
        offerId: "offer",
        canceledOperation: op,
        requestedAt: entry.requestedAt,
        httpStatus: 202,
        operationLocation: entry.operationLocation,
      });
    });

    it("completes an entry of 0.1.0 (only canceledOperationId) from the running operation it names", () => {
      const running = { id: "op-1", submissionType: "golive", slot: "production", state: "running" };
      assert.deepEqual(restoreSent(entry, running).canceledOperation, running);
      const idOnly = { id: "op-1", submissionType: undefined, slot: undefined, state: "running" };
      assert.deepEqual(restoreSent(entry, undefined).canceledOperation, idOnly);
      assert.deepEqual(restoreSent(entry, { ...running, id: "op-2" }).canceledOperation, idOnly);
    });
  });
});

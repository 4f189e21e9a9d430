import { strict as assert } from "node:assert";
import type { IngestionClient } from "../../provider/ingestion/client";
import { sentJobCancelOperation } from "../../provider/ingestion/operation";
import type { SentJobCancel } from "../../provider/ingestion/sentCancellation";
import { JobSnapshot, parseJobStatus } from "../../provider/ingestion/status";

/**
 * The rule for a cancel whose answer was lost, on the operation alone (no HTTP, no clock but the
 * `requestedAt` of the state): the job's status is read first; only a job still not completed a
 * confirm window after the lost send gets the cancel again.
 */
const JOB = "0c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const running = parseJobStatus({ jobId: JOB, jobStatus: "running", jobResult: "pending" });
const cancelled = parseJobStatus({ jobId: JOB, jobStatus: "completed", jobResult: "cancelled" });

function fakeClient(statuses: JobSnapshot[]): IngestionClient & { reads: number } {
  const client = {
    reads: 0,
    async getStatus() {
      const snapshot = statuses[Math.min(client.reads, statuses.length - 1)];
      client.reads++;
      return { snapshot, httpStatus: 200, retryAfterMs: undefined };
    },
  };
  return client as unknown as IngestionClient & { reads: number };
}

function watchOf(sent: SentJobCancel, answer: JobSnapshot | undefined) {
  const watch = {
    resends: 0,
    current: () => sent,
    confirmWindowMs: 60_000,
    async resend() {
      watch.resends++;
      return answer;
    },
  };
  return watch;
}

const sentAt = (msAgo: number, answered: boolean): SentJobCancel => ({
  jobId: JOB,
  endpoint: "https://graph.microsoft.com",
  requestedAt: new Date(Date.now() - msAgo).toISOString(),
  answered,
});

describe("ingestion operation: the resend rule after a lost answer", () => {
  it("an answered cancel is never sent again, however long the job runs", async () => {
    const watch = watchOf(sentAt(3_600_000, true), cancelled);
    const poll = await sentJobCancelOperation(fakeClient([running]), watch).poll();
    assert.deepEqual([poll.done, watch.resends], [false, 0]);
  });

  it("a lost answer within the confirm window: status read, no resend", async () => {
    const watch = watchOf(sentAt(1000, false), cancelled);
    const poll = await sentJobCancelOperation(fakeClient([running]), watch).poll();
    assert.deepEqual([poll.done, watch.resends], [false, 0]);
  });

  it("a lost answer and a completed job: done, no resend, whatever the window", async () => {
    const watch = watchOf(sentAt(3_600_000, false), running);
    const poll = await sentJobCancelOperation(fakeClient([cancelled]), watch).poll();
    assert.deepEqual([poll.done, poll.state.rawStatus, watch.resends], [true, "completed/cancelled", 0]);
  });

  it("a lost answer and a job still running past the window: one resend, done on its terminal answer", async () => {
    const watch = watchOf(sentAt(61_000, false), cancelled);
    const client = fakeClient([running]);
    const poll = await sentJobCancelOperation(client, watch).poll();
    assert.deepEqual(
      [poll.done, poll.state.snapshot.result.value, watch.resends, client.reads],
      [true, "cancelled", 1, 1],
    );
  });

  it("a resend whose answer is lost too: still waiting on the status", async () => {
    const watch = watchOf(sentAt(61_000, false), undefined);
    const poll = await sentJobCancelOperation(fakeClient([running]), watch).poll();
    assert.deepEqual([poll.done, watch.resends], [false, 1]);
  });
});

import { strict as assert } from "node:assert";
import { AbortError, OperationTimeoutError, ResponseError } from "../../provider/core/errors";
import { PollableOperation, PollProgress, PollResult, pollUntilDone } from "../../provider/core/poller";

/**
 * The poller is generic over "how to poll"; here the operation is a script of results, so these
 * tests pin the schedule itself. The real CPP operations are tested against the emulator.
 */
function scripted(results: (PollResult<string> | Error)[]): PollableOperation<string> & { times: number[] } {
  const times: number[] = [];
  let i = 0;
  return {
    times,
    async poll() {
      times.push(Date.now());
      const r = results[Math.min(i++, results.length - 1)];
      if (r instanceof Error) throw r;
      return r;
    },
    describe: (s) => `status '${s}'`,
  };
}
const running: PollResult<string> = { state: "running", done: false };
const done: PollResult<string> = { state: "complete", done: true };

describe("poller schedule", () => {
  it("starts at the floor and grows by the factor up to the ceiling", async () => {
    const op = scripted([running, running, running, running, done]);
    const progress: PollProgress<string>[] = [];
    const out = await pollUntilDone(op, {
      timeoutMs: 10_000,
      minIntervalMs: 20,
      maxIntervalMs: 50,
      growth: 2,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(out.state, "complete");
    assert.equal(out.pollCount, 5);
    assert.deepEqual(
      progress.map((p) => p.nextDelayMs),
      [20, 40, 50, 50, undefined],
    );
  });

  it("honours Retry-After over its own schedule, but never below the floor", async () => {
    const op = scripted([{ ...running, retryAfterMs: 120 }, { ...running, retryAfterMs: 1 }, done]);
    const progress: PollProgress<string>[] = [];
    await pollUntilDone(op, {
      timeoutMs: 10_000,
      minIntervalMs: 10,
      maxIntervalMs: 20,
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(
      progress.map((p) => p.nextDelayMs),
      [120, 10, undefined],
    );
    assert.ok(op.times[1] - op.times[0] >= 110, "waited for Retry-After");
  });

  it("caps a service-requested wait at maxRetryAfterMs", async () => {
    const op = scripted([{ ...running, retryAfterMs: 3_600_000 }, done]);
    const progress: PollProgress<string>[] = [];
    await pollUntilDone(op, {
      timeoutMs: 10_000,
      minIntervalMs: 10,
      maxRetryAfterMs: 50,
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(
      progress.map((p) => p.nextDelayMs),
      [50, undefined],
    );
  });

  it("polls immediately when resuming", async () => {
    const op = scripted([done]);
    const start = Date.now();
    await pollUntilDone(op, { timeoutMs: 10_000, minIntervalMs: 5_000, initialDelayMs: 0 });
    assert.ok(op.times[0] - start < 1000);
  });

  it("gives up at the deadline with a message naming the last state", async () => {
    const op = scripted([running]);
    await assert.rejects(
      pollUntilDone(op, { timeoutMs: 120, minIntervalMs: 30, maxIntervalMs: 30, what: "the test op" }),
      (err: Error) =>
        err instanceof OperationTimeoutError &&
        /the test op/.test(err.message) &&
        /status 'running'/.test(err.message),
    );
  });

  it("cuts the last sleep to the deadline instead of oversleeping", async () => {
    const op = scripted([running]);
    const start = Date.now();
    await assert.rejects(
      pollUntilDone(op, { timeoutMs: 100, minIntervalMs: 60, maxIntervalMs: 10_000, growth: 10 }),
      OperationTimeoutError,
    );
    assert.ok(Date.now() - start < 1000, `took ${Date.now() - start} ms`);
  });

  it("stops at once when aborted mid-sleep, long before the next poll would be due", async () => {
    // The next poll is ten minutes away: a poller that noticed the abort only at its next poll,
    // or never, would still be waiting when the bound expires.
    const tenMinutes = 600_000;
    const boundMs = 1000;
    const op = scripted([running]);
    const controller = new AbortController();
    const polling = pollUntilDone(op, {
      timeoutMs: 2 * tenMinutes,
      initialDelayMs: 0,
      minIntervalMs: tenMinutes,
      signal: controller.signal,
      // Abort once the first poll is done and the poller has gone to sleep.
      onProgress: () => setImmediate(() => controller.abort()),
    }).then(
      () => "resolved",
      (e: unknown) => e,
    );
    let bound: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      polling,
      new Promise(
        (resolve) => (bound = setTimeout(() => resolve(`still waiting after ${boundMs} ms`), boundMs)),
      ),
    ]);
    clearTimeout(bound);
    assert.ok(outcome instanceof AbortError, String(outcome));
    assert.equal(op.times.length, 1, "no poll after the abort");
  });

  it("tolerates a few garbled bodies in a row, then fails", async () => {
    const bad = new ResponseError("GET", "/op", 200, "not JSON");
    assert.equal(
      (await pollUntilDone(scripted([bad, bad, done]), { timeoutMs: 5000, minIntervalMs: 1 })).state,
      "complete",
    );
    await assert.rejects(
      pollUntilDone(scripted([bad, bad, bad, done]), { timeoutMs: 5000, minIntervalMs: 1 }),
      ResponseError,
    );
  });

  it("does not swallow other errors", async () => {
    await assert.rejects(
      pollUntilDone(scripted([new Error("boom")]), { timeoutMs: 5000, minIntervalMs: 1 }),
      /boom/,
    );
  });
});

import { strict as assert } from "node:assert";
import { OfferConfigPatch } from "../../emulator";
import { clearTokenCache } from "../../provider/core/credentials";
import { HTTPError, ResponseError } from "../../provider/core/errors";
import { writeInflight } from "../../provider/core/journal";
import { journalKey } from "../../provider/cpp/sentCancellation";
import { journalDir } from "../../provider/core/settings";
import * as lifecycle from "../../provider/cpp/lifecycle";
import { ResourceInitFailedError } from "../../provider/cpp/lifecycle";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { waitFor } from "../emulator/helpers";
import { figures } from "./figures";
import {
  CLIENT,
  CLIENT_SECRET,
  Drive,
  FaultyEmulator,
  P,
  TENANT,
  TOKEN,
  capturePrinter,
  configureProvider,
  driveToEnd,
  inputsFor,
  limited,
  linesOf,
  onceOnLine,
  scanForSecrets,
  startForeignHost,
  startLossyProxy,
  useProviderEnv,
  visibleOutputs,
} from "./helpers";

/**
 * Every fault the emulator can inject (docs/cpp-api.md §7), against the emulator, through the real provider code paths
 * (`lifecycle.create`/`update` exactly as the engine calls them, real HTTP on 127.0.0.1). For
 * each: what the user ends up with (success after retries, or a clear error and then success on
 * the next `up`), that the service accepted exactly one cancel, that every call that ended after
 * the cancel was accepted left a pending state the next `up` resumes, and that no text the user
 * sees holds the token.
 */

/** How long an unanswered cancel gets to show its effect before it is sent again (production: 5 min). */
const CONFIRM_WINDOW_MS = 6000;

interface Ran {
  drive: Drive;
  accepted: number;
  offerId: string;
  operationId: string;
  lines: string[];
  /** Requests to the Azure AD token endpoint. */
  tokenRequests: number;
  /** Anything the scenario wants to check afterwards. */
  extra: Record<string, unknown>;
}

interface Scenario {
  name: string;
  /** Serve https: the provider signs in through @azure/identity (MSAL talks to https only). */
  tls?: boolean;
  offer?: OfferConfigPatch;
  inputs?: Record<string, unknown>;
  /** Faults and servers; may return an endpoint to use instead of the emulator's. */
  arrange?(
    fe: FaultyEmulator,
    offerId: string,
    extra: Record<string, unknown>,
  ): Promise<string | void> | string | void;
  /** What happens between two `pulumi up`s (time passes, a token is renewed, ...). */
  beforeNext?(fe: FaultyEmulator, err: Error, attempt: number): Promise<void> | void;
  cleanup?(extra: Record<string, unknown>): Promise<void> | void;
  /** Faults made outside the emulator's rules (restarts, expiries, lost answers). */
  externalFaults?: (extra: Record<string, unknown>) => number;
  expect(r: Ran): void;
}

async function run(s: Scenario): Promise<Ran> {
  const fe = await FaultyEmulator.start(1, s.tls);
  const { offerId, operationId } = fe.newOffer(s.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 30), s.offer);
  const extra: Record<string, unknown> = {};
  try {
    const endpoint = (await s.arrange?.(fe, offerId, extra)) || fe.url;
    const drive = await driveToEnd(fe, offerId, inputsFor(endpoint, offerId, s.inputs), {
      beforeNext: (err, attempt) => s.beforeNext?.(fe, err, attempt),
    });
    figures.faultScenarios++;
    return {
      drive,
      accepted: fe.acceptedCancels(offerId),
      offerId,
      operationId,
      lines: linesOf(offerId),
      tokenRequests: fe.emu.countRequests({ method: "POST", pathIncludes: "/oauth2/" }),
      extra,
    };
  } finally {
    await fe.settle().catch(() => undefined);
    figures.faultsInjected += s.externalFaults?.(extra) ?? 0;
    await s.cleanup?.(extra);
    await fe.close();
  }
}

/**
 * What every scenario must end with. The status is `succeeded` in all of them: each offer cancels
 * asynchronously, and the emulator ends a cancellation operation `complete` (or, where no Location
 * came back, the publish `canceled`), which the provider reports as succeeded. `canceled` would
 * need a cancellation operation that itself ends canceled, which the emulator never produces.
 */
function common(r: Ran, secrets: string[] = []): void {
  const trail = `calls: ${r.drive.calls.join(", ")}\n${r.lines.join("\n")}`;
  assert.equal(r.drive.outs.status, "succeeded", trail);
  assert.equal(r.accepted, 1, `the service accepted ${r.accepted} cancels\n${trail}`);
  assert.equal(r.drive.outs.canceledOperation?.id, r.operationId, trail);
  const texts = [
    ...r.lines,
    ...r.drive.errors.map((e) => `${e.message}\n${e.stack ?? ""}`),
    ...r.drive.errors
      .filter((e): e is ResourceInitFailedError => e instanceof ResourceInitFailedError)
      .map((e) => `${e.reasons.join(" ")} ${visibleOutputs(e.properties)}`),
    visibleOutputs(r.drive.outs),
  ];
  assert.deepEqual(scanForSecrets("fault scenario", texts, [TOKEN, CLIENT_SECRET, ...secrets]), []);
}

const retried = (r: Ran, method: string, status: number | string) =>
  assert.ok(
    r.lines.some((l) => new RegExp(`retry \\d of ${method} .*(HTTP ${status}|${status})`).test(l)),
    `expected a retry of ${method} after ${status}:\n${r.lines.join("\n")}`,
  );

/** A first `up` that failed before anything was accepted, then a second that cancelled. */
const failedThenCancelled = (r: Ran) =>
  assert.deepEqual(r.drive.calls, ["create: " + r.drive.errors[0].constructor.name, "create: succeeded"]);

/** Clear error: says what happened and what to do, and that nothing was cancelled. */
function saysNothingCancelledRunUpAgain(err: Error, what: RegExp): void {
  assert.match(err.message, what);
  assert.match(err.message, /nothing was cancelled/i, err.message);
  assert.match(err.message, /run `pulumi up` again/, err.message);
}

/** The cancel got no usable answer and was not acted on: confirmed through the list, then sent once more. */
function confirmedThenResent(r: Ran): void {
  assert.deepEqual(r.drive.calls, ["create: succeeded"]);
  assert.ok(
    r.lines.some((l) => /may have reached the service/.test(l)),
    r.lines.join("\n"),
  );
  assert.ok(
    r.lines.some((l) => /sending it again/.test(l)),
    r.lines.join("\n"),
  );
}

/** The cancel was acted on but its answer was lost: confirmed through the list, never sent again. */
function confirmedNotResent(r: Ran): void {
  assert.deepEqual(r.drive.calls, ["create: succeeded"]);
  assert.ok(
    r.lines.some((l) => /may have reached the service/.test(l)),
    r.lines.join("\n"),
  );
  assert.ok(!r.lines.some((l) => /sending it again/.test(l)), r.lines.join("\n"));
}

const inOneUp = (r: Ran) => assert.deepEqual(r.drive.calls, ["create: succeeded"], r.lines.join("\n"));

/** A foreign host for the scenario, kept in `extra.foreign` (its cleanup closes it). */
async function foreignHostIn(extra: Record<string, unknown>) {
  const foreign = await startForeignHost();
  extra.foreign = foreign;
  return foreign;
}

const closeForeignHost = (extra: Record<string, unknown>) =>
  (extra.foreign as { close(): Promise<void> }).close();

/** Cancelled in one `up`, and not one request reached the scenario's foreign host. */
function inOneUpNothingForeign(r: Ran): void {
  inOneUp(r);
  assert.deepEqual((r.extra.foreign as { calls: unknown[] }).calls, [], "the foreign host received nothing");
}

const httpDate = (offsetMs: number) => new Date(Date.now() + offsetMs).toUTCString();

/** Whether the emulator accepts connections (it refuses them while a restart is under way). */
const listening = (fe: FaultyEmulator) =>
  fetch(`${fe.url}/_emulator/health`).then(
    (res) => res.ok,
    () => false,
  );

/**
 * Restarts the emulator once the cancel POST of the offer has reached it (and is held there by a
 * latency fault), so the restart cuts that very request. Resolves when the restart is done.
 */
const restartOnceCancelArrives = (fe: FaultyEmulator, offerId: string, downtimeMs: number) =>
  waitFor("the cancel POST to reach the emulator", () =>
    fe.emu.requests.some((r) => r.method === "POST" && r.path.includes(`/offers/${offerId}/cancel`)),
  ).then(() => fe.emu.restart({ downtimeMs }));

const scenarios: Scenario[] = [
  // --- throttling ------------------------------------------------------------------------------
  {
    name: "429 storm with Retry-After in seconds on the list, the cancel and the polls",
    arrange(fe, o) {
      fe.offerFault(o, "list", { type: "status", status: 429, retryAfter: "0" }, 3);
      fe.offerFault(o, "cancel", { type: "status", status: 429, retryAfter: "1" }, 1);
      fe.offerFault(o, "poll", { type: "status", status: 429, retryAfter: "0" }, 3);
    },
    expect(r) {
      inOneUp(r);
      retried(r, "POST", 429);
      retried(r, "GET", 429);
      assert.ok(
        r.lines.some((l) => /retry 1 of POST .* in 1\.0s/.test(l)),
        "Retry-After: 1 honoured",
      );
    },
  },
  {
    name: "503 with Retry-After as HTTP dates and retry-after-ms",
    arrange(fe, o) {
      fe.offerFault(o, "list", { type: "status", status: 503, retryAfterMs: 50 }, 1);
      fe.offerFault(o, "cancel", { type: "status", status: 503, retryAfter: httpDate(1500) }, 1);
      fe.offerFault(o, "poll", { type: "status", status: 503, retryAfter: httpDate(-60_000) }, 2);
    },
    expect(r) {
      inOneUp(r);
      retried(r, "POST", 503);
      retried(r, "GET", 503);
    },
  },
  {
    name: "a throttling storm longer than the retry budget on the cancel",
    arrange(fe, o) {
      fe.offerFault(o, "cancel", { type: "status", status: 429, retryAfter: "0" }, 4);
    },
    expect(r) {
      failedThenCancelled(r);
      assert.ok(r.drive.errors[0] instanceof HTTPError);
      saysNothingCancelledRunUpAgain(r.drive.errors[0], /HTTP 429/);
    },
  },
  {
    name: "a Retry-After longer than the provider waits (1 hour)",
    arrange(fe, o) {
      fe.offerFault(o, "cancel", { type: "status", status: 503, retryAfter: "3600" }, 1);
    },
    expect(r) {
      failedThenCancelled(r);
      saysNothingCancelledRunUpAgain(r.drive.errors[0], /HTTP 503/);
    },
  },
  // --- 500s ------------------------------------------------------------------------------------
  {
    name: "500s on the list and the polls within the retry budget",
    arrange(fe, o) {
      fe.offerFault(o, "list", { type: "status", status: 500 }, 2);
      fe.offerFault(o, "poll", { type: "status", status: 500 }, 3);
    },
    expect(r) {
      inOneUp(r);
      retried(r, "GET", 500);
    },
  },
  {
    name: "500s on the polls beyond the retry budget",
    arrange(fe, o) {
      fe.offerFault(o, "poll", { type: "status", status: 500 }, 8);
    },
    expect(r) {
      assert.deepEqual(r.drive.calls, [
        "create: ResourceInitFailedError",
        "update: ResourceInitFailedError",
        "update: succeeded",
      ]);
      const err = r.drive.errors[0] as ResourceInitFailedError;
      assert.match(err.reasons[0], /HTTP 500/);
      assert.match(
        err.reasons[0],
        /recorded as pending; run `pulumi up` again to resume waiting \(no second cancel is sent\)/,
      );
    },
  },
  {
    name: "a 500 answer to the cancel POST",
    arrange(fe, o) {
      fe.offerFault(o, "cancel", { type: "status", status: 500 }, 1);
    },
    expect: confirmedThenResent,
  },
  {
    name: "a 504 from a gateway on the cancel POST",
    arrange(fe, o) {
      fe.offerFault(o, "cancel", { type: "status", status: 504, body: "<html>Gateway Timeout</html>" }, 1);
    },
    expect: confirmedThenResent,
  },
  // --- dropped connections --------------------------------------------------------------------
  {
    name: "dropped connections on the list and the polls",
    arrange(fe, o) {
      fe.offerFault(o, "list", { type: "drop" }, 1);
      fe.offerFault(o, "poll", { type: "drop" }, 2);
    },
    expect(r) {
      inOneUp(r);
      retried(r, "GET", "ECONNRESET");
    },
  },
  {
    name: "a dropped connection on the cancel POST, before the service acted",
    arrange(fe, o) {
      fe.offerFault(o, "cancel", { type: "drop" }, 1);
    },
    expect: confirmedThenResent,
  },
  {
    name: "the answer to a cancel the service acted on is lost (connection cut)",
    offer: { cancelSeconds: 0 },
    async arrange(fe, _o, extra) {
      const proxy = await startLossyProxy(fe.url);
      proxy.lose((m, u) => m === "POST" && u.includes("/cancel"), 1);
      extra.proxy = proxy;
      return proxy.origin;
    },
    externalFaults: (extra) => (extra.proxy as { lost(): number }).lost(),
    cleanup: (extra) => (extra.proxy as { close(): Promise<void> }).close(),
    expect: confirmedNotResent,
  },
  // --- hung responses -------------------------------------------------------------------------
  {
    name: "a hung poll",
    arrange(fe, o) {
      fe.offerFault(o, "poll", { type: "hang" }, 1);
    },
    expect(r) {
      inOneUp(r);
      retried(r, "GET", "got no response within 800 ms");
    },
  },
  {
    name: "a hung cancel POST that the service never processed",
    arrange(fe, o) {
      fe.offerFault(o, "cancel", { type: "hang" }, 1);
    },
    expect: confirmedThenResent,
  },
  {
    name: "a cancel POST the service acted on after the provider gave up waiting",
    offer: { cancelSeconds: 0 },
    arrange(fe, o) {
      fe.offerFault(o, "cancel", { type: "latency", ms: 1500 }, 1);
    },
    expect: confirmedNotResent,
  },
  // --- malformed and oversized bodies ---------------------------------------------------------
  {
    name: "malformed JSON on two polls in a row",
    arrange(fe, o) {
      fe.offerFault(o, "poll", { type: "malformedJson" }, 2);
    },
    expect: inOneUp,
  },
  {
    name: "malformed JSON on every poll",
    arrange(fe, o) {
      fe.offerFault(o, "poll", { type: "malformedJson" }, 3);
    },
    expect(r) {
      assert.deepEqual(r.drive.calls, ["create: ResourceInitFailedError", "update: succeeded"]);
      assert.match((r.drive.errors[0] as ResourceInitFailedError).reasons[0], /unusable body: not JSON/);
    },
  },
  {
    name: "a malformed submissions list before the cancel",
    arrange(fe, o) {
      fe.offerFault(o, "list", { type: "malformedJson" }, 1);
    },
    expect(r) {
      failedThenCancelled(r);
      assert.ok(r.drive.errors[0] instanceof ResponseError);
      saysNothingCancelledRunUpAgain(r.drive.errors[0], /unusable body: not JSON/);
    },
  },
  {
    name: "oversized bodies (a 5 MiB poll answer, a 1 MiB error body)",
    arrange(fe, o) {
      fe.offerFault(o, "list", { type: "oversized", bytes: 1024 * 1024, status: 500 }, 1);
      fe.offerFault(o, "poll", { type: "oversized", bytes: 5 * 1024 * 1024 }, 1);
    },
    expect(r) {
      inOneUp(r);
      retried(r, "GET", "body larger than");
    },
  },
  {
    name: "oversized error bodies beyond the retry budget",
    arrange(fe, o) {
      fe.offerFault(o, "list", { type: "oversized", bytes: 1024 * 1024, status: 500 }, 4);
    },
    expect(r) {
      failedThenCancelled(r);
      saysNothingCancelledRunUpAgain(r.drive.errors[0], /HTTP 500/);
      assert.ok(
        r.drive.errors[0].message.length < 1200,
        `error text is capped: ${r.drive.errors[0].message.length}`,
      );
    },
  },
  {
    name: "an oversized answer to the cancel POST",
    arrange(fe, o) {
      fe.offerFault(o, "cancel", { type: "oversized", bytes: 5 * 1024 * 1024, status: 202 }, 1);
    },
    expect: confirmedThenResent,
  },
  // --- locations ------------------------------------------------------------------------------
  {
    name: "a 202 without a location, under throttling",
    offer: { locationHeader: "none" },
    arrange(fe, o) {
      fe.offerFault(o, "list", { type: "status", status: 429, retryAfter: "0" }, 2);
    },
    expect(r) {
      inOneUp(r);
      assert.equal(r.drive.outs.operationLocation, undefined);
      assert.ok(r.lines.some((l) => /without a location; watching the submissions list/.test(l)));
    },
  },
  {
    name: "a 202 whose Location is on another host",
    async arrange(fe, o, extra) {
      const foreign = await foreignHostIn(extra);
      fe.fault({
        match: { pathIncludes: `/offers/${o}/cancel` },
        fault: { type: "foreignLocation", origin: foreign.origin },
      });
    },
    cleanup: closeForeignHost,
    expect(r) {
      inOneUpNothingForeign(r);
      assert.equal(r.drive.outs.operationLocation, undefined);
      // One line: the cancel was accepted, its Location refused, the list watched instead.
      const about = r.lines.filter((l) => /answered|watching the submissions list/i.test(l));
      assert.equal(about.length, 1, r.lines.join("\n"));
      assert.match(
        about[0],
        /warning: the service answered 202 \(the cancel was accepted\)\. The service returned an operation location on another origin .* not followed.* Watching the submissions list instead\.$/,
      );
    },
  },
  // --- operations that never end --------------------------------------------------------------
  {
    name: "an operation that never ends",
    offer: { cancelSeconds: 1_000_000 },
    inputs: { timeoutSeconds: 1 },
    externalFaults: () => 1,
    beforeNext(fe, _err, attempt) {
      if (attempt === 1) fe.emu.advanceClock(1_000_000);
    },
    expect(r) {
      assert.deepEqual(r.drive.calls, [
        "create: ResourceInitFailedError",
        "update: ResourceInitFailedError",
        "update: succeeded",
      ]);
      const err = r.drive.errors[0] as ResourceInitFailedError;
      assert.match(err.reasons[0], /Gave up waiting .* \(timeoutSeconds\)/);
      assert.match(err.reasons[0], /run `pulumi up` again to resume waiting \(no second cancel is sent\)/);
      assert.ok(r.lines.some((l) => /resuming the wait .*no new cancel is sent/.test(l)));
    },
  },
  {
    // After 3 unknown answers in a row the submissions list is asked (operation.ts); the publish
    // was canceled 1 s after the cancel, so a cross-check at or after that ends the wait.
    name: "an operation that reports a status nobody knows, forever",
    arrange(fe, o) {
      fe.offerFault(
        o,
        "poll",
        { type: "status", status: 200, body: '{"status":"Deferred\\u001b[31m","steps":[]}' },
        1_000_000,
      );
    },
    expect(r) {
      inOneUp(r);
      assert.equal(r.drive.outs.operationStatus, "Deferred");
      assert.match(
        r.drive.outs.message ?? "",
        /reported status 'Deferred' \(not a value this provider knows\) \d+ times in a row; the submissions list shows that .* ended 'canceled'/,
      );
      assert.ok(
        r.lines.some((l) => /'Deferred' \(not a value this provider knows\)/.test(l)),
        r.lines.join("\n"),
      );
    },
  },
  {
    // Like a Location on another origin: never followed; the submissions list is watched instead.
    name: "a 302 to another host on every poll",
    async arrange(fe, o, extra) {
      const foreign = await foreignHostIn(extra);
      fe.offerFault(
        o,
        "poll",
        { type: "status", status: 302, headers: { Location: `${foreign.origin}/api/operations/elsewhere` } },
        1_000_000,
      );
    },
    cleanup: closeForeignHost,
    expect(r) {
      inOneUpNothingForeign(r);
      assert.ok(r.drive.outs.operationLocation, "the Location of the accepted cancel stays on record");
      assert.deepEqual(
        r.lines.filter((l) => /warning:/.test(l)).map((l) => l.replace(/^.*?: warning: /, "")),
        [
          `the operation ${r.drive.outs.operationLocation} answered HTTP 302, a redirect; redirects are not followed, so the token stays on ${new URL(r.drive.outs.operationLocation!).origin}; watching the submissions list instead.`,
        ],
      );
    },
  },
  // --- restarts -------------------------------------------------------------------------------
  {
    // Down far longer than the retry budget of a poll (20 ms doubling, 3 retries): the wait is
    // recorded as pending and the next `up` resumes it.
    name: "the service restarts mid-wait (connections refused for 1.5 s)",
    arrange(fe, o) {
      onceOnLine(o, /\(poll 1, next in/, () => void fe.emu.restart({ downtimeMs: 1500 }));
    },
    externalFaults: () => 1,
    // The user looks at the error and runs `pulumi up` again once the service is back.
    beforeNext: (fe) => waitFor("the service to listen again", () => listening(fe)),
    expect(r) {
      assert.deepEqual(r.drive.calls, ["create: ResourceInitFailedError", "update: succeeded"]);
      assert.match((r.drive.errors[0] as ResourceInitFailedError).reasons[0], /ECONNREFUSED/);
    },
  },
  {
    // Back at once: the requests after the cut one never meet the restart.
    name: "the service restarts while the cancel POST is in flight, and is back at once",
    arrange(fe, o, extra) {
      fe.offerFault(o, "cancel", { type: "latency", ms: 3000 }, 1);
      extra.restarted = restartOnceCancelArrives(fe, o, 0);
    },
    cleanup: (extra) => extra.restarted as Promise<void>,
    externalFaults: () => 1,
    expect: confirmedThenResent,
  },
  {
    // Down longer than the retry budget: the first `up` cannot tell whether the cut cancel was
    // acted on, records the wait, and the next `up` confirms through the list and sends it again.
    name: "the service restarts while the cancel POST is in flight, and stays down for 1.5 s",
    arrange(fe, o, extra) {
      fe.offerFault(o, "cancel", { type: "latency", ms: 3000 }, 1);
      extra.restarted = restartOnceCancelArrives(fe, o, 1500);
    },
    beforeNext: (fe) => waitFor("the service to listen again", () => listening(fe)),
    cleanup: (extra) => extra.restarted as Promise<void>,
    externalFaults: () => 1,
    expect(r) {
      assert.deepEqual(r.drive.calls, ["create: ResourceInitFailedError", "update: succeeded"]);
      assert.match((r.drive.errors[0] as ResourceInitFailedError).reasons[0], /may have reached the service/);
      assert.ok(
        r.lines.some((l) => /sending it again/.test(l)),
        r.lines.join("\n"),
      );
    },
  },
];

describe("hardening: faults through the provider code paths", function () {
  this.timeout(120_000);
  useProviderEnv({
    MARKETPLACE_RETRY_BASE_DELAY_MS: "20",
    MARKETPLACE_REQUEST_TIMEOUT_MS: "800",
    MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS: String(CONFIRM_WINDOW_MS),
  });
  capturePrinter();

  describe("each fault on an emulator of its own (run side by side)", () => {
    const results = new Map<string, Promise<PromiseSettledResult<Ran>>>();
    before(async () => {
      clearTokenCache();
      await configureProvider({ "marketplace:accessToken": TOKEN });
      const settled = limited(
        6,
        scenarios.map((s) => () => run(s)),
      );
      scenarios.forEach((s, i) =>
        results.set(
          s.name,
          settled.then((all) => all[i]),
        ),
      );
    });
    after(() => Promise.all(results.values()));

    for (const s of scenarios) {
      it(s.name, async () => {
        const result = await results.get(s.name)!;
        if (result.status === "rejected") throw result.reason;
        common(result.value);
        s.expect(result.value);
      });
    }
  });

  describe("the engine died mid-wait and the cancellation finished meanwhile", () => {
    it("the next up resumes from the journal and records outputs the runtime can send", async () => {
      const fe = await FaultyEmulator.start();
      try {
        await configureProvider({ "marketplace:accessToken": TOKEN });
        const { offerId, operationId } = fe.newOffer("died", { cancelSeconds: 0, locationHeader: "none" });
        const inputs = inputsFor(fe.url, offerId);
        // What a killed `up` leaves behind: the journal entry of an accepted cancel, nothing in state.
        // Written as 0.1.0 wrote it (the canceled operation by id only): entries outlive upgrades.
        const key = journalKey({ ...inputs, endpoint: fe.url });
        writeInflight(journalDir(), key, {
          endpoint: fe.url,
          publisherId: P,
          offerId,
          httpStatus: 202,
          canceledOperationId: operationId,
          requestedAt: new Date().toISOString(),
        });
        const res = await fetch(
          `${fe.url}/api/publishers/${P}/offers/${offerId}/cancel?api-version=2017-10-31`,
          {
            method: "POST",
            headers: { authorization: `Bearer ${TOKEN}` },
          },
        );
        assert.equal(res.status, 202);
        assert.equal(fe.emu.getOffer(P, offerId).currentOperation, undefined, "the cancellation finished");

        const { outs } = await lifecycle.create(inputs);
        assert.equal(outs.status, "succeeded");
        assert.equal(outs.canceledOperation?.id, operationId);
        assert.equal(fe.acceptedCancels(offerId), 1);
        // The dynamic-provider runtime sends outputs as a protobuf Struct, which refuses undefined
        // anywhere ("Unexpected struct type"): the engine would then record nothing.
        assert.doesNotThrow(() => Struct.fromJavaScript(outs as never));
        figures.faultScenarios++;
      } finally {
        await fe.close();
      }
    });
  });

  describe("token expiry mid-wait (alone: it changes the provider's credentials)", () => {
    afterEach(async () => {
      clearTokenCache();
      await configureProvider({ "marketplace:accessToken": TOKEN });
    });

    it("a renewable credential (client secret): a fresh token is fetched, the wait goes on", async () => {
      const r = await run({
        name: "client secret expiry",
        tls: true,
        async arrange(fe, o) {
          clearTokenCache();
          await configureProvider({
            "marketplace:tenantId": TENANT,
            "marketplace:clientId": CLIENT,
            "marketplace:clientSecret": CLIENT_SECRET,
            "marketplace:authorityHost": fe.url,
          });
          onceOnLine(o, /\(poll 1, next in/, () => fe.emu.expireTokens());
        },
        externalFaults: () => 1,
        expect() {},
      });
      common(r);
      inOneUp(r);
      assert.equal(r.tokenRequests, 2, "one token, then one fresh token after the 401");
    });

    it("a fixed token: the wait is recorded as pending with a message naming the setting; a fresh token resumes it", async () => {
      const tokens: string[] = [];
      const r = await run({
        name: "fixed token expiry",
        async arrange(fe, o) {
          tokens.push(fe.emu.issueToken());
          await configureProvider({ "marketplace:accessToken": tokens[0] });
          onceOnLine(o, /\(poll 1, next in/, () => fe.emu.expireTokens());
        },
        async beforeNext(fe) {
          tokens.push(fe.emu.issueToken());
          await configureProvider({ "marketplace:accessToken": tokens[1] });
        },
        externalFaults: () => 1,
        expect() {},
      });
      common(r, tokens);
      assert.deepEqual(r.drive.calls, ["create: ResourceInitFailedError", "update: succeeded"]);
      const reason = (r.drive.errors[0] as ResourceInitFailedError).reasons[0];
      assert.match(reason, /marketplace:accessToken setting was rejected with 401/);
      assert.match(reason, /run `pulumi up` again to resume waiting \(no second cancel is sent\)/);
    });
  });
});

import { strict as assert } from "node:assert";
import { Seed } from "../../emulator";
import {
  HTTPError,
  NetworkError,
  ResponseError,
  TimeoutError,
  UnsafeLocationError,
} from "../../provider/core/errors";
import { locationOperation } from "../../provider/cpp/operation";
import { pollUntilDone } from "../../provider/core/poller";
import { useEmulator } from "../emulator/helpers";
import { P, clientFor, emulatorTokens, ensureRunning } from "./helpers";

const seed: Seed = {
  tenants: { "t-1": { clients: { "client-1": { secret: "client-secret-value-1", publishers: [P] } } } },
  publishers: {
    [P]: {
      offers: {
        migrated: { pcMigrationStatus: "migrated", cancelMode: "async", cancelSeconds: 2 },
        legacy: { pcMigrationStatus: "none", cancelMode: "async", cancelSeconds: 2 },
        sync: { cancelMode: "sync" },
        "old-header": { locationHeader: "operation-location-absolute", cancelSeconds: 1 },
        "no-location": { locationHeader: "none", cancelSeconds: 1 },
        wrapped: { arrayBody: true, vocabulary: "completed", cancelSeconds: 1 },
        faults: {},
      },
    },
    fabrikam: { offers: { "fabrikam-vm": {} } },
  },
};

describe("CPP client against the emulator", function () {
  const ctx = useEmulator({ seed });
  const start = (offer: string) => ensureRunning(ctx.emu, offer);

  beforeEach(() => {
    ctx.emu.clearFaults();
    ctx.emu.clearRequests();
  });

  describe("cancel", () => {
    it("202 on a migrated offer: Location is the GUID form, resolved against the endpoint", async () => {
      start("migrated");
      const res = await clientFor(ctx.emu).cancel(P, "migrated", {
        notificationEmails: ["a@x.com", "b@y.com"],
      });
      assert.equal(res.httpStatus, 202);
      assert.match(
        res.location!.href,
        new RegExp(
          `^${ctx.emu.url}/api/publishers/contoso/offers/migrated/operations/[0-9a-f-]{36}\\?api-version=2017-10-31$`,
        ),
      );
      assert.match(res.requestId ?? "", /^[0-9a-f-]{36}$/);
      const post = ctx.emu.requests.find((r) => r.method === "POST")!;
      assert.equal(post.body, JSON.stringify({ metadata: { "notification-emails": "a@x.com,b@y.com" } }));
      assert.equal(post.headers.authorization, "Bearer <redacted>");
    });

    it("sends no body when no emails are given", async () => {
      start("sync");
      await clientFor(ctx.emu).cancel(P, "sync");
      assert.equal(ctx.emu.requests.find((r) => r.method === "POST")!.body, "");
    });

    it("202 on a non-migrated offer: the `$` form, kept as received, and pollable", async () => {
      start("legacy");
      const client = clientFor(ctx.emu);
      const res = await client.cancel(P, "legacy");
      assert.match(res.location!.pathname, /^\/api\/operations\/contoso\$legacy\$\d+\$preview$/);
      const poll = await client.getOperation(res.location!);
      assert.equal(poll.snapshot.status.status, "running");
    });

    it("200 when the offer cancels synchronously, with no location", async () => {
      start("sync");
      const res = await clientFor(ctx.emu).cancel(P, "sync");
      assert.deepEqual([res.httpStatus, res.location], [200, undefined]);
    });

    it("reads the legacy absolute Operation-Location and adds the missing api-version", async () => {
      start("old-header");
      const res = await clientFor(ctx.emu).cancel(P, "old-header");
      assert.equal(res.location!.origin, ctx.emu.url);
      assert.equal(res.location!.searchParams.get("api-version"), "2017-10-31");
    });

    it("reports a 202 without any location as such", async () => {
      start("no-location");
      const res = await clientFor(ctx.emu).cancel(P, "no-location");
      assert.deepEqual([res.httpStatus, res.location], [202, undefined]);
    });

    it("refuses a Location on a foreign host, so the token is never sent there", async () => {
      start("faults");
      ctx.emu.addFault({
        match: { pathIncludes: "/cancel" },
        fault: { type: "foreignLocation", origin: "http://evil.example:9" },
      });
      await assert.rejects(
        clientFor(ctx.emu).cancel(P, "faults"),
        (e: Error) => e instanceof UnsafeLocationError && /evil\.example/.test(e.message),
      );
    });
  });

  describe("operations", () => {
    it("polls a cancellation until it completes (emulated clock advanced)", async () => {
      start("migrated");
      const client = clientFor(ctx.emu);
      const { location } = await client.cancel(P, "migrated");
      ctx.emu.advanceClock(5);
      const { snapshot } = await client.getOperation(location!);
      assert.equal(snapshot.status.status, "succeeded");
      assert.equal(snapshot.status.raw, "complete");
      assert.equal(ctx.emu.getOffer(P, "migrated").currentOperation, undefined);
    });

    it("accepts the one-element array body and the `completed` vocabulary", async () => {
      start("wrapped");
      const client = clientFor(ctx.emu);
      const { location } = await client.cancel(P, "wrapped");
      ctx.emu.advanceClock(5);
      const { snapshot } = await client.getOperation(location!);
      assert.deepEqual([snapshot.status.status, snapshot.status.raw], ["succeeded", "completed"]);
    });

    it("waits with the poller until done, reporting progress", async () => {
      start("migrated");
      const client = clientFor(ctx.emu);
      const { location } = await client.cancel(P, "migrated");
      const steps: string[] = [];
      const out = await pollUntilDone(locationOperation(client, location!), {
        timeoutMs: 20_000,
        minIntervalMs: 200,
        maxIntervalMs: 500,
        onProgress: (p) => steps.push(`${p.state.status}:${p.state.step}`),
      });
      assert.equal(out.state.status, "succeeded");
      assert.ok(out.pollCount >= 2 && out.pollCount <= 12, `${out.pollCount} polls`);
      assert.ok(
        steps.some((s) => s.startsWith("running:")),
        steps.join(),
      );
    });

    it("a vanished operation is a 404 HTTPError", async () => {
      start("migrated");
      const client = clientFor(ctx.emu);
      const { location } = await client.cancel(P, "migrated");
      const id = location!.pathname.split("/").pop()!;
      ctx.emu.deleteOperation(id);
      await assert.rejects(
        client.getOperation(location!),
        (e: Error) => e instanceof HTTPError && e.status === 404,
      );
    });
  });

  describe("lists", () => {
    it("lists running submissions, newest first", async () => {
      const op = start("faults");
      const list = await clientFor(ctx.emu).listSubmissions(P, "faults", { status: "running" });
      assert.equal(list[0].id, op.id);
      assert.equal(list[0].state, "running");
      assert.equal(
        ctx.emu.requests[0].path.split("?")[0],
        "/api/publishers/contoso/offers/faults/submissions/",
      );
    });
  });

  describe("errors carry status, code, message and request id, never the token", () => {
    it("404 for an unknown offer", async () => {
      const tokens = emulatorTokens(ctx.emu);
      const client = clientFor(ctx.emu, { credential: tokens });
      const err = await clientFor(ctx.emu, { credential: tokens })
        .cancel(P, "nope")
        .catch((e: unknown) => e);
      assert.ok(err instanceof HTTPError);
      assert.equal(err.status, 404);
      assert.match(
        err.message,
        /POST \/api\/publishers\/contoso\/offers\/nope\/cancel\?api-version=2017-10-31 failed with HTTP 404/,
      );
      assert.match(err.message, /request id [0-9a-f-]{36}/);
      assert.ok(!err.message.includes(tokens.issued[0]));
      assert.equal(ctx.emu.countRequests({ method: "POST" }), 1, "a 404 is never retried");
      void client;
    });
    it("403 for a publisher the principal may not touch, with the fix", async () => {
      const err = await clientFor(ctx.emu, { credential: emulatorTokens(ctx.emu, [P]) })
        .cancel("fabrikam", "fabrikam-vm")
        .catch((e: unknown) => e);
      assert.ok(err instanceof HTTPError && err.status === 403, String(err));
      assert.match(err.message, /publisher owner/);
    });
    it("400 InvalidAPIVersion for a bad api-version", async () => {
      const err = await clientFor(ctx.emu, { apiVersion: "2099-01-01" })
        .listSubmissions(P, "faults")
        .catch((e: unknown) => e);
      assert.ok(
        err instanceof HTTPError && err.status === 400 && err.code === "InvalidAPIVersion",
        String(err),
      );
    });
  });

  describe("401: one fresh token, one retry", () => {
    it("recovers from an expired token", async () => {
      const tokens = emulatorTokens(ctx.emu);
      const client = clientFor(ctx.emu, { credential: tokens });
      await client.listSubmissions(P, "faults");
      ctx.emu.expireTokens();
      await client.listSubmissions(P, "faults");
      assert.equal(tokens.refreshes, 1);
      assert.deepEqual(
        ctx.emu.requests.map((r) => r.status),
        [200, 401, 200],
      );
    });
    it("gives up after the fresh token is rejected too", async () => {
      const rejected = { getToken: async () => "not-a-valid-token" };
      const err = await clientFor(ctx.emu, { credential: rejected })
        .listSubmissions(P, "faults")
        .catch((e: unknown) => e);
      assert.ok(err instanceof HTTPError && err.status === 401);
      assert.match(err.message, /rejected twice/);
      assert.equal(ctx.emu.requests.length, 2);
    });
  });

  describe("retries and faults", () => {
    it("429 with Retry-After in seconds is retried after that delay, even for the cancel POST", async () => {
      start("faults");
      ctx.emu.addFault({
        match: { pathIncludes: "/cancel" },
        fault: { type: "status", status: 429, retryAfter: "1" },
      });
      const t0 = Date.now();
      const res = await clientFor(ctx.emu).cancel(P, "faults");
      assert.equal(res.httpStatus, 202);
      assert.ok(Date.now() - t0 >= 900, "waited for Retry-After");
      assert.deepEqual(
        ctx.emu.requests.filter((r) => r.method === "POST").map((r) => r.status),
        [429, 202],
      );
    });
    it("503 with Retry-After as an HTTP date is retried", async () => {
      const when = new Date(Date.now() + 1000).toUTCString();
      ctx.emu.addFault({
        match: { pathIncludes: "/submissions" },
        fault: { type: "status", status: 503, retryAfter: when },
      });
      await clientFor(ctx.emu).listSubmissions(P, "faults");
      assert.deepEqual(
        ctx.emu.requests.map((r) => r.status),
        [503, 200],
      );
    });
    it("500 on a GET is retried with backoff; on the cancel POST it is not", async () => {
      ctx.emu.addFault({ match: { method: "GET" }, times: 2, fault: { type: "status", status: 500 } });
      await clientFor(ctx.emu).listSubmissions(P, "faults");
      assert.deepEqual(
        ctx.emu.requests.map((r) => r.status),
        [500, 500, 200],
      );
      ctx.emu.clearRequests();
      start("faults");
      ctx.emu.addFault({ match: { method: "POST" }, fault: { type: "status", status: 500 } });
      await assert.rejects(
        clientFor(ctx.emu).cancel(P, "faults"),
        (e: Error) => e instanceof HTTPError && e.status === 500,
      );
      assert.equal(ctx.emu.countRequests({ method: "POST" }), 1);
    });
    it("gives up after 3 retries", async () => {
      ctx.emu.addFault({ always: true, fault: { type: "status", status: 502 } });
      await assert.rejects(
        clientFor(ctx.emu).listSubmissions(P, "faults"),
        (e: Error) => e instanceof HTTPError && e.status === 502,
      );
      assert.equal(ctx.emu.requests.length, 4);
    });
    it("a dropped connection is retried for GET, but not for the cancel POST", async () => {
      ctx.emu.addFault({ match: { method: "GET" }, fault: { type: "drop" } });
      await clientFor(ctx.emu).listSubmissions(P, "faults");
      assert.equal(ctx.emu.requests.length, 2);
      ctx.emu.clearRequests();
      start("faults");
      ctx.emu.addFault({ match: { method: "POST" }, fault: { type: "drop" } });
      await assert.rejects(clientFor(ctx.emu).cancel(P, "faults"), NetworkError);
      assert.equal(ctx.emu.countRequests({ method: "POST" }), 1);
    });
    it("a hung response times out per request", async () => {
      ctx.emu.addFault({ always: true, fault: { type: "hang" } });
      const client = clientFor(ctx.emu, { timeoutMs: 150, retry: { retries: 1, baseDelayMs: 10 } });
      await assert.rejects(
        client.listSubmissions(P, "faults"),
        (e: Error) => e instanceof TimeoutError && /150 ms/.test(e.message),
      );
      assert.equal(ctx.emu.requests.length, 2);
    });
    it("a malformed JSON body is an error that says so", async () => {
      ctx.emu.addFault({ always: true, fault: { type: "malformedJson" } });
      await assert.rejects(
        clientFor(ctx.emu).listSubmissions(P, "faults"),
        (e: Error) => e instanceof ResponseError && /not JSON/.test(e.message),
      );
    });
    it("an oversized success body is refused at the cap", async () => {
      ctx.emu.addFault({ always: true, fault: { type: "oversized", bytes: 5 * 1024 * 1024 } });
      const client = clientFor(ctx.emu, { maxBodyBytes: 1024 * 1024, retry: { retries: 0 } });
      await assert.rejects(
        client.listSubmissions(P, "faults"),
        (e: Error) => e instanceof ResponseError && /larger than 1048576 bytes/.test(e.message),
      );
    });
    it("an oversized error body is cut, and the error stays readable", async () => {
      ctx.emu.addFault({ always: true, fault: { type: "oversized", bytes: 5 * 1024 * 1024, status: 400 } });
      const err = await clientFor(ctx.emu)
        .listSubmissions(P, "faults")
        .catch((e: unknown) => e);
      assert.ok(err instanceof HTTPError && err.status === 400, String(err));
      assert.ok(err.message.length < 1000, `message is ${err.message.length} chars`);
    });
  });
});

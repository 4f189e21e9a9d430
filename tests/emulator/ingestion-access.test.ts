// Specification: who may call the ingestion routes (401 for a missing, unknown, expired or
// CPP-audience token; 403 for a principal whose publishers do not include the product's), injected
// faults and the request log on these routes, the admin API under /_emulator/ingestion/, and the
// seed's ingestion section.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

import { defaultSeed, parseSeed, SeedError } from "../../emulator";
import { assertCppError, call, get, postForm, useEmulator } from "./helpers";
import {
  cancel,
  configure,
  EXTERNAL_ID,
  ing,
  PRODUCT_GUID,
  PRODUCT_ID,
  publishBody,
  status,
  submissionStates,
  assertIngestionError,
  type Status,
} from "./ingestion.helpers";

describe("emulator ingestion: authentication", () => {
  const ctx = useEmulator({}, "test");
  const PATH = ing(`/product/${PRODUCT_GUID}`);

  it("no Authorization: 401 unauthorized with a Bearer challenge", async () => {
    const reply = await get(ctx.emu, PATH, { token: null });
    assertIngestionError(reply, 401, "unauthorized", /header is missing/);
    assert.match(
      reply.headers.get("www-authenticate") ?? "",
      /^Bearer authorization_uri="http:\/\/127\.0\.0\.1:\d+\/common/,
    );
  });

  it("a malformed header or an unknown token: 401 with error=invalid_token", async () => {
    const malformed = await call(ctx.emu, "GET", PATH, {
      token: null,
      headers: { Authorization: "Basic abc" },
    });
    assertIngestionError(malformed, 401, "unauthorized", /must be 'Bearer <token>'/);
    const unknown = await get(ctx.emu, PATH, { token: "not-a-token" });
    assertIngestionError(unknown, 401, "unauthorized", /token is invalid/);
    assert.match(unknown.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
  });

  it("an expired token: 401 (lifetime on the emulated clock, and expireTokens)", async () => {
    const token = ctx.emu.issueToken({ audience: "graph", lifetimeSeconds: 60 });
    assert.equal((await get(ctx.emu, PATH, { token })).status, 200);
    ctx.emu.advanceClock(60);
    assertIngestionError(await get(ctx.emu, PATH, { token }), 401, "unauthorized", /has expired/);
    ctx.emu.expireTokens();
    assertIngestionError(await get(ctx.emu, PATH), 401, "unauthorized", /has expired/);
  });

  it("a CPP-audience token is refused here; a Graph one from the token endpoint works, and not on CPP", async () => {
    const cppToken = ctx.emu.issueToken({ audience: "cpp" });
    assertIngestionError(
      await get(ctx.emu, PATH, { token: cppToken }),
      401,
      "unauthorized",
      /another audience than https:\/\/graph\.microsoft\.com/,
    );
    const issued = await postForm(ctx.emu, "/demo-tenant/oauth2/token", {
      grant_type: "client_credentials",
      client_id: "demo-client",
      client_secret: "demo-secret",
      resource: "https://graph.microsoft.com",
    });
    assert.equal(issued.status, 200, issued.text);
    const graph = issued.json<{ access_token: string }>().access_token;
    assert.equal((await get(ctx.emu, PATH, { token: graph })).status, 200);
    assertCppError(
      await get(ctx.emu, "/api/publishers/contoso/offers/contoso-offer?api-version=2017-10-31", {
        token: graph,
      }),
      401,
    );
  });

  it("authentication comes before $version checks and routing", async () => {
    const reply = await get(ctx.emu, ing("/nowhere", "2022-03-01-preview3"), { token: null });
    assert.equal(reply.status, 401);
  });
});

describe("emulator ingestion: access per publisher (403)", () => {
  const ctx = useEmulator({}, "test");

  it("a principal without the product's publisher gets 403 forbidden on every route that touches it", async () => {
    const job = ctx.emu.ingestion.startPublishJob({ product: EXTERNAL_ID });
    const fabrikam = ctx.emu.issueToken({ audience: "graph", publishers: ["fabrikam"] });
    const opts = { token: fabrikam };
    const replies = [
      await get(ctx.emu, ing(`/product?externalId=${EXTERNAL_ID}`), opts),
      await get(ctx.emu, ing(`/product/${PRODUCT_GUID}`), opts),
      await get(ctx.emu, ing(`/submission/${PRODUCT_GUID}`), opts),
      await get(ctx.emu, ing(`/submission/${PRODUCT_GUID}/0`), opts),
      await get(ctx.emu, ing(`/configure/${job.jobId}/status`), opts),
      await get(ctx.emu, ing(`/configure/${job.jobId}`), opts),
      await cancel(ctx.emu, job.jobId, opts),
      await configure(ctx.emu, publishBody(), opts),
    ];
    for (const reply of replies) {
      const error = assertIngestionError(reply, 403, "forbidden");
      assert.equal(error.details?.[0].resourceId, PRODUCT_ID);
    }
    // Nothing happened: the job still runs, no second submission appeared.
    assert.equal((await status(ctx.emu, job.jobId)).jobResult, "pending");
    assert.equal((await submissionStates(ctx.emu)).length, 4);
  });

  it("its own products work, and the unfiltered list shows only those", async () => {
    const fabrikam = ctx.emu.issueToken({ audience: "graph", publishers: ["fabrikam"] });
    const list = (await get(ctx.emu, ing("/product"), { token: fabrikam })).json<{
      value: { identity: { externalId: string } }[];
    }>();
    assert.deepEqual(
      list.value.map((p) => p.identity.externalId),
      ["fabrikam-ingestion-offer"],
    );
    const id = ctx.emu.ingestion.findProduct("fabrikam-ingestion-offer")?.id ?? "";
    const reply = await configure(ctx.emu, publishBody({ product: id }), { token: fabrikam });
    assert.equal(reply.status, 200, reply.text);
  });

  it("a seed client's publishers decide too (demo-client has contoso only)", async () => {
    const issued = await postForm(ctx.emu, "/demo-tenant/oauth2/v2.0/token", {
      grant_type: "client_credentials",
      client_id: "demo-client",
      client_secret: "demo-secret",
      scope: "https://graph.microsoft.com/.default",
    });
    const token = issued.json<{ access_token: string }>().access_token;
    assert.equal((await get(ctx.emu, ing(`/product/${PRODUCT_GUID}`), { token })).status, 200);
    const fabrikamGuid = (ctx.emu.ingestion.findProduct("fabrikam-ingestion-offer")?.id ?? "").slice(
      "product/".length,
    );
    assertIngestionError(await get(ctx.emu, ing(`/product/${fabrikamGuid}`), { token }), 403, "forbidden");
  });
});

describe("emulator ingestion: faults and the request log", () => {
  const ctx = useEmulator({}, "test");

  it("faults match /rp/ paths: 429 + Retry-After on POST configure has no side effect", async () => {
    ctx.emu.addFault({
      match: { method: "POST", pathIncludes: "/rp/product-ingestion/configure" },
      fault: { type: "status", status: 429, retryAfter: "7" },
    });
    const throttled = await configure(ctx.emu, publishBody());
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get("retry-after"), "7");
    assert.deepEqual(Object.keys(throttled.json()), ["error"]);
    assert.equal((await submissionStates(ctx.emu)).length, 3, "no job was started");
    const accepted = await configure(ctx.emu, publishBody());
    assert.equal(accepted.status, 200);
  });

  it("transient 500 then 503 on status, then the real answer", async () => {
    const job = ctx.emu.ingestion.startPublishJob({ product: EXTERNAL_ID });
    ctx.emu.addFault({
      match: { pathPattern: "/configure/[^/]+/status" },
      fault: { type: "status", status: 500 },
    });
    ctx.emu.addFault({
      match: { pathPattern: "/configure/[^/]+/status" },
      fault: { type: "status", status: 503, retryAfter: "1" },
    });
    const path = ing(`/configure/${job.jobId}/status`);
    assert.equal((await get(ctx.emu, path)).status, 500);
    const second = await get(ctx.emu, path);
    assert.equal(second.status, 503);
    assert.equal(second.headers.get("retry-after"), "1");
    assert.equal((await get(ctx.emu, path)).json<Status>().jobId, job.jobId);
  });

  it("a fault on cancel leaves the job running (faults come before the route)", async () => {
    const job = ctx.emu.ingestion.startPublishJob({ product: EXTERNAL_ID });
    ctx.emu.addFault({ match: { pathIncludes: "/cancel" }, fault: { type: "status", status: 503 } });
    assert.equal((await cancel(ctx.emu, job.jobId)).status, 503);
    assert.equal((await status(ctx.emu, job.jobId)).jobResult, "pending");
    assert.equal((await cancel(ctx.emu, job.jobId)).json<Status>().jobResult, "cancelled");
  });

  it("every ingestion request is recorded with method, path, status and a redacted token", async () => {
    ctx.emu.clearRequests();
    const job = ctx.emu.ingestion.startPublishJob({ product: EXTERNAL_ID });
    await cancel(ctx.emu, job.jobId);
    await cancel(ctx.emu, job.jobId);
    await get(ctx.emu, ing(`/configure/${job.jobId}/status`));
    assert.deepEqual(
      ctx.emu.requests.map((r) => [r.method, r.path.split("?")[0], r.status]),
      [
        ["POST", `/rp/product-ingestion/configure/${job.jobId}/cancel`, 200],
        ["POST", `/rp/product-ingestion/configure/${job.jobId}/cancel`, 400],
        ["GET", `/rp/product-ingestion/configure/${job.jobId}/status`, 200],
      ],
    );
    assert.equal(ctx.emu.requests[0].headers.authorization, "Bearer <redacted>");
    assert.equal(ctx.emu.countRequests({ method: "POST", pathIncludes: "/cancel" }), 2);
  });
});

describe("emulator ingestion: admin API under /_emulator/ingestion/", () => {
  const ctx = useEmulator({}, "test");
  const admin = (method: string, p: string, body?: Record<string, unknown>) =>
    call(ctx.emu, method, `/_emulator/ingestion${p}`, { token: null, body });

  it("settings: GET, PATCH (validated: a typo is a 400 naming it)", async () => {
    assert.equal((await admin("GET", "/settings")).json().jobIdField, "jobId");
    const patched = await admin("PATCH", "/settings", { jobIdField: "jobID", cancelMode: "async" });
    assert.equal(patched.status, 200);
    assert.equal(patched.json().jobIdField, "jobID");
    assert.equal(ctx.emu.ingestion.getSettings().cancelMode, "async");
    const typo = await admin("PATCH", "/settings", { cancelmode: "sync" });
    assertCppError(typo, 400);
    assert.match(typo.json<{ error: { message: string } }>().error.message, /cancelmode: unknown property/);
  });

  it("products: POST adds (201), GET by external id or guid, submissions; unknown is a 404", async () => {
    const added = await admin("POST", "/products", { externalId: "new-offer", publisher: "fabrikam" });
    assert.equal(added.status, 201);
    const product = added.json<{ id: string; externalId: string; publisher: string }>();
    assert.equal(product.externalId, "new-offer");
    assert.equal(product.publisher, "fabrikam");
    assert.deepEqual((await admin("GET", "/products/new-offer")).json(), product);
    assert.deepEqual((await admin("GET", `/products/${product.id.slice(8)}`)).json(), product);
    assert.deepEqual((await admin("GET", "/products/new-offer/submissions")).json(), [
      { id: `submission/${product.id.slice(8)}/0`, targetType: "draft" },
    ]);
    assertCppError(await admin("GET", "/products/nope"), 404);
    assertCppError(await admin("POST", "/products", { externalId: "x", publsher: "y" }), 400);
  });

  it("jobs: POST starts a scripted publish (201 job view), GET reads it; bad options are a 400", async () => {
    const started = await admin("POST", "/jobs", {
      product: EXTERNAL_ID,
      targetType: "live",
      notStartedSeconds: 0,
      runningSeconds: 100,
      pointOfNoReturnSeconds: 50,
      resources: [{ type: "listing", finishAfterSeconds: 10 }],
    });
    assert.equal(started.status, 201, started.text);
    const job = started.json<{
      jobId: string;
      jobStatus: string;
      pointOfNoReturnAt: string;
      jobStart: string;
    }>();
    assert.equal(job.jobStatus, "running");
    assert.equal(Date.parse(job.pointOfNoReturnAt) - Date.parse(job.jobStart), 50_000);
    assert.equal((await admin("GET", `/jobs/${job.jobId}`)).json().jobId, job.jobId);
    assertCppError(await admin("GET", "/jobs/00000000-0000-0000-0000-000000000000"), 404);
    const bad = await admin("POST", "/jobs", { product: EXTERNAL_ID, runingSeconds: 1 });
    assertCppError(bad, 400);
    assertCppError(await admin("POST", "/jobs", { product: "no-such-product" }), 400);
    // A second publish while one runs: the 409 of POST configure.
    assertCppError(await admin("POST", "/jobs", { product: EXTERNAL_ID }), 409);
  });
});

describe("emulator ingestion: seed section", () => {
  it("the default seed has the products the demo and the tests use", () => {
    const products = defaultSeed().ingestion?.products ?? {};
    assert.deepEqual(Object.keys(products), [EXTERNAL_ID, "fabrikam-ingestion-offer"]);
    assert.equal(products[EXTERNAL_ID].id, PRODUCT_GUID);
    assert.equal(products[EXTERNAL_ID].publisher, "contoso");
  });

  it("emulator/seed.example.json is a valid seed with the same ingestion section as defaultSeed()", () => {
    const file = path.join(__dirname, "..", "..", "..", "emulator", "seed.example.json");
    const seed = parseSeed(JSON.parse(readFileSync(file, "utf8")) as unknown, "seed");
    assert.deepEqual(seed.ingestion, parseSeed(defaultSeed()).ingestion);
  });

  const bad: [string, unknown, RegExp][] = [
    ["a typo at the top", { products: {}, prodcts: {} }, /seed\.ingestion\.prodcts: unknown property/],
    ["a typo in a product", { products: { a: { publsher: "x" } } }, /seed\.ingestion\.products\.a\.publsher/],
    [
      "a product without publisher",
      { products: { a: {} } },
      /seed\.ingestion\.products\.a\.publisher: must be/,
    ],
    [
      "a bad product id",
      { products: { a: { publisher: "p", id: "123" } } },
      /products\.a\.id: must be a GUID/,
    ],
    [
      "a bad submission target",
      { products: { a: { publisher: "p", submissions: [{ targetType: "draft" }] } } },
      /products\.a\.submissions\[0\]\.targetType/,
    ],
    ["an unknown setting", { settings: { jobIDField: "jobID" } }, /seed\.ingestion\.settings\.jobIDField/],
    [
      "a job for an unknown product",
      { jobs: [{ product: "nope" }] },
      /seed\.ingestion\.jobs\[0\]\.product: names no product/,
    ],
    [
      "a job with a bad id",
      { products: { a: { publisher: "p" } }, jobs: [{ product: "a", id: "x" }] },
      /jobs\[0\]\.id: must be a GUID/,
    ],
    ["an external id with a slash", { products: { "a/b": { publisher: "p" } } }, /not a usable external id/],
  ];
  for (const [what, ingestion, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => parseSeed({ ingestion }),
        (e: unknown) => e instanceof SeedError && message.test(e.message),
      );
    });
  }
});

describe("emulator ingestion: the cpp-emulator CLI serves it too", function () {
  this.timeout(30_000);

  it("prints where the ingestion routes are, and they answer with the default seed", async () => {
    const cli = path.resolve(__dirname, "../../emulator/cli.js");
    const child = spawn(process.execPath, [cli, "--port", "0", "--quiet"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 10_000);
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /^Product Ingestion API at (http:\/\/\S+)\/rp\/product-ingestion\/$/m.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on("exit", (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
      });
      assert.match(out, /^CPP emulator listening on http:\/\/127\.0\.0\.1:\d+$/m);
      const res = await fetch(`${url}/rp/product-ingestion/product?externalId=${EXTERNAL_ID}`, {
        headers: { Authorization: "Bearer emulator-token" },
      });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { value: { id: string }[] }).value[0].id, PRODUCT_ID);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

// Specification: the request log (what tests assert on) and that secrets never enter it.

import assert from "node:assert/strict";

import { cpp, get, offerPath, post, postForm, STATIC_TOKEN, useEmulator } from "./helpers";

const CONTOSO = offerPath("contoso", "contoso-offer");

describe("emulator: request recording", () => {
  const ctx = useEmulator({}, "test");

  it("records every request in arrival order with method, exact path, headers, body, status and time", async () => {
    const before = Date.now();
    await get(ctx.emu, cpp(CONTOSO));
    await post(ctx.emu, cpp(`${CONTOSO}/cancel`), {
      body: { metadata: { "notification-emails": "a@x.com" } },
    });
    await get(ctx.emu, "/api/operations/contoso%24legacy-offer%241%24preview?api-version=2017-10-31");
    const [first, second, third] = ctx.emu.requests;
    assert.equal(ctx.emu.requests.length, 3);

    assert.equal(first.method, "GET");
    assert.equal(first.path, `${CONTOSO}?api-version=2017-10-31`);
    assert.equal(first.status, 200);
    assert.equal(first.body, "");
    assert.equal(first.headers.accept, "application/json");
    assert.ok(Date.parse(first.at) >= before - 5 && Date.parse(first.at) <= Date.now());

    assert.equal(second.method, "POST");
    assert.equal(second.status, 202);
    assert.equal(second.body, '{"metadata":{"notification-emails":"a@x.com"}}');
    assert.equal(second.headers["content-type"], "application/json");

    // The path is kept exactly as received: %24 is not decoded.
    assert.equal(third.path, "/api/operations/contoso%24legacy-offer%241%24preview?api-version=2017-10-31");
    assert.equal(third.status, 404);
  });

  it("replaces the Authorization value with 'Bearer <redacted>' and never stores a token", async () => {
    const token = (
      await postForm(ctx.emu, "/demo-tenant/oauth2/token", {
        grant_type: "client_credentials",
        client_id: "demo-client",
        client_secret: "demo-secret",
        resource: "https://cloudpartner.azure.com",
      })
    ).json<{ access_token: string }>().access_token;
    await get(ctx.emu, cpp(CONTOSO), { token });
    await get(ctx.emu, cpp(CONTOSO));
    const issued = ctx.emu.issueToken();
    await get(ctx.emu, cpp(CONTOSO), { token: issued });

    const [tokenRequest, ...cppRequests] = ctx.emu.requests;
    for (const r of cppRequests) assert.equal(r.headers.authorization, "Bearer <redacted>");
    assert.match(tokenRequest.body, /client_secret=%3Credacted%3E/);
    assert.match(tokenRequest.body, /client_id=demo-client/);
    const everything = JSON.stringify(ctx.emu.requests);
    for (const secret of [token, issued, STATIC_TOKEN, "demo-secret"]) {
      assert.ok(!everything.includes(secret), `the log must not contain ${secret.slice(0, 6)}…`);
    }
  });

  it("caps recorded bodies at 64 KiB", async () => {
    const big = JSON.stringify({ metadata: { "notification-emails": "a@x.com" }, pad: "x".repeat(100_000) });
    const reply = await post(ctx.emu, cpp(`${CONTOSO}/cancel`), { body: big });
    assert.equal(reply.status, 202);
    assert.equal(ctx.emu.requests[0].body.length, 64 * 1024);
    assert.equal(ctx.emu.requests[0].body, big.slice(0, 64 * 1024));
  });

  it("counts requests by method, path substring and pattern, never counting admin requests", async () => {
    await get(ctx.emu, cpp(CONTOSO));
    await post(ctx.emu, cpp(`${CONTOSO}/cancel`));
    await post(ctx.emu, cpp(`${CONTOSO}/cancel`));
    await get(ctx.emu, "/_emulator/health");
    assert.equal(ctx.emu.requests.length, 4);
    assert.equal(ctx.emu.countRequests(), 3);
    assert.equal(ctx.emu.countRequests({ method: "post" }), 2);
    assert.equal(ctx.emu.countRequests({ method: "POST", pathIncludes: "/cancel" }), 2);
    assert.equal(ctx.emu.countRequests({ pathPattern: /contoso-offer\?api-version/g }), 1);
    assert.equal(ctx.emu.countRequests({ pathPattern: /contoso-offer\?api-version/g }), 1);
    assert.equal(ctx.emu.countRequests({ pathIncludes: "/_emulator" }), 0);
  });

  it("clearRequests() empties the log in place", async () => {
    const log = ctx.emu.requests;
    await get(ctx.emu, cpp(CONTOSO));
    ctx.emu.clearRequests();
    assert.equal(log.length, 0);
    await get(ctx.emu, cpp(CONTOSO));
    assert.equal(log.length, 1);
    assert.equal(ctx.emu.countRequests(), 1);
  });
});

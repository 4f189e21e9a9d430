// Specification: authentication, authorization, api-version and the Azure AD token endpoints.

import assert from "node:assert/strict";

import { defaultSeed, startEmulator } from "../../emulator";
import { assertCppError, cpp, get, GUID, offerPath, postForm, STATIC_TOKEN, useEmulator } from "./helpers";

const CONTOSO_OFFER = cpp(offerPath("contoso", "contoso-offer"));
const V1 = "/demo-tenant/oauth2/token";
const V2 = "/demo-tenant/oauth2/v2.0/token";
const V1_FIELDS = {
  grant_type: "client_credentials",
  client_id: "demo-client",
  client_secret: "demo-secret",
  resource: "https://cloudpartner.azure.com",
};
const V2_FIELDS = {
  grant_type: "client_credentials",
  client_id: "demo-client",
  client_secret: "demo-secret",
  scope: "https://cloudpartner.azure.com/.default",
};

describe("emulator: CPP authentication and authorization", () => {
  const ctx = useEmulator({}, "test");

  it("answers 401 with the CPP error shape and a WWW-Authenticate challenge when the token is missing", async () => {
    const reply = await get(ctx.emu, CONTOSO_OFFER, { token: null });
    const error = assertCppError(reply, 401, "Unauthorized");
    assert.match(error.message, /Authorization/);
    assert.match(reply.headers.get("www-authenticate") ?? "", /^Bearer /);
  });

  it("answers 401 for an unknown token and for a non-Bearer scheme", async () => {
    assertCppError(await get(ctx.emu, CONTOSO_OFFER, { token: "not-a-token" }), 401, "Unauthorized");
    const basic = await get(ctx.emu, CONTOSO_OFFER, {
      token: null,
      headers: { Authorization: "Basic Zm9vOmJhcg==" },
    });
    assertCppError(basic, 401, "Unauthorized");
  });

  it("answers 403 when the principal may not touch the publisher, whether or not it exists", async () => {
    const token = ctx.emu.issueToken({ publishers: ["contoso"] });
    assert.equal((await get(ctx.emu, CONTOSO_OFFER, { token })).status, 200);
    const forbidden = await get(ctx.emu, cpp(offerPath("fabrikam", "fabrikam-vm")), { token });
    assert.match(assertCppError(forbidden, 403, "Forbidden").message, /fabrikam/);
    assertCppError(await get(ctx.emu, cpp(offerPath("nobody", "x")), { token }), 403, "Forbidden");
  });

  it("answers 404 for an unknown publisher, offer, operation or route when access is unrestricted", async () => {
    assertCppError(await get(ctx.emu, cpp("/api/publishers/nobody/offers")), 404, "PublisherNotFound");
    assertCppError(await get(ctx.emu, cpp(offerPath("contoso", "nope"))), 404, "OfferNotFound");
    const op = cpp(
      `${offerPath("contoso", "contoso-offer")}/operations/00000000-0000-0000-0000-000000000000`,
    );
    assertCppError(await get(ctx.emu, op), 404, "OperationNotFound");
    assertCppError(await get(ctx.emu, cpp("/api/nothing/here")), 404, "NotFound");
    assertCppError(await get(ctx.emu, "/not-an-api"), 404, "NotFound");
  });

  it("answers 405 with Allow for a known route and the wrong method", async () => {
    const reply = await get(ctx.emu, cpp(`${offerPath("contoso", "contoso-offer")}/cancel`));
    assertCppError(reply, 405, "MethodNotAllowed");
    assert.equal(reply.headers.get("allow"), "POST");
  });

  it("requires api-version=2017-10-31 and answers the documented InvalidAPIVersion body otherwise", async () => {
    const expected = {
      error: { code: "InvalidAPIVersion", message: "Invalid api version. Allowed values are [2017-10-31]" },
    };
    for (const path of [
      offerPath("contoso", "contoso-offer"),
      `${offerPath("contoso", "contoso-offer")}?api-version=2016-08-01`,
      `${offerPath("contoso", "contoso-offer")}?api-version=`,
    ]) {
      const reply = await get(ctx.emu, path);
      assert.equal(reply.status, 400, path);
      assert.deepEqual(reply.json(), expected);
    }
  });

  it("puts a distinct GUID x-ms-request-id on every response, errors included", async () => {
    const ok = await get(ctx.emu, CONTOSO_OFFER);
    const unauthorized = await get(ctx.emu, CONTOSO_OFFER, { token: null });
    const aad = await postForm(ctx.emu, V1, { ...V1_FIELDS, client_secret: "wrong" });
    const admin = await get(ctx.emu, "/_emulator/health", { token: null });
    const ids = [ok, unauthorized, aad, admin].map((r) => r.headers.get("x-ms-request-id") ?? "");
    for (const id of ids) assert.match(id, GUID);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe("emulator: Azure AD v1 token endpoint", () => {
  const ctx = useEmulator({}, "test");

  it("issues a Bearer token with numbers as strings, like the documented sample", async () => {
    const before = Math.floor(Date.now() / 1000);
    const reply = await postForm(ctx.emu, V1, V1_FIELDS);
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json<Record<string, unknown>>();
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, "3599");
    assert.equal(typeof body.expires_on, "string");
    const expiresOn = Number(body.expires_on);
    assert.ok(expiresOn >= before + 3599 && expiresOn <= before + 3601, `expires_on ${expiresOn}`);
    assert.equal(body.resource, "https://cloudpartner.azure.com");
    assert.equal(typeof body.access_token, "string");
    assert.ok((body.access_token as string).length >= 32);
    assert.equal(reply.headers.get("cache-control"), "no-store");
  });

  it("issues tokens limited to the client's publishers", async () => {
    const token = (await postForm(ctx.emu, V1, V1_FIELDS)).json<{ access_token: string }>().access_token;
    assert.equal((await get(ctx.emu, CONTOSO_OFFER, { token })).status, 200);
    assertCppError(
      await get(ctx.emu, cpp(offerPath("fabrikam", "fabrikam-vm")), { token }),
      403,
      "Forbidden",
    );
  });

  it("accepts the resource with a trailing slash and client_secret_basic authentication", async () => {
    assert.equal(
      (await postForm(ctx.emu, V1, { ...V1_FIELDS, resource: "https://cloudpartner.azure.com/" })).status,
      200,
    );
    const basic = Buffer.from("demo-client:demo-secret").toString("base64");
    const reply = await postForm(
      ctx.emu,
      V1,
      { grant_type: "client_credentials", resource: "https://cloudpartner.azure.com" },
      { Authorization: `Basic ${basic}` },
    );
    assert.equal(reply.status, 200, reply.text);
  });

  const failures: [string, Record<string, string>, string, number, string][] = [
    ["a wrong secret", { ...V1_FIELDS, client_secret: "nope" }, V1, 401, "invalid_client"],
    ["a missing secret", { ...V1_FIELDS, client_secret: "" }, V1, 401, "invalid_client"],
    ["an unknown client", { ...V1_FIELDS, client_id: "stranger" }, V1, 401, "invalid_client"],
    ["an unknown tenant", V1_FIELDS, "/other-tenant/oauth2/token", 400, "invalid_request"],
    [
      "another resource",
      { ...V1_FIELDS, resource: "https://management.azure.com" },
      V1,
      400,
      "invalid_resource",
    ],
    ["a missing resource", { ...V1_FIELDS, resource: "" }, V1, 400, "invalid_request"],
    ["an unsupported grant", { ...V1_FIELDS, grant_type: "password" }, V1, 400, "unsupported_grant_type"],
    ["a missing grant_type", { ...V1_FIELDS, grant_type: "" }, V1, 400, "invalid_request"],
  ];
  for (const [what, fields, path, status, error] of failures) {
    it(`rejects ${what} with ${status} ${error} in AAD's error shape`, async () => {
      const reply = await postForm(ctx.emu, path, fields);
      assert.equal(reply.status, status, reply.text);
      const body = reply.json<{ error: string; error_description: string; error_codes: number[] }>();
      assert.equal(body.error, error);
      assert.match(body.error_description, /^AADSTS\d+: /);
      assert.equal(body.error_codes.length, 1);
      assert.ok(!reply.text.includes("demo-secret"), "the secret must not be echoed");
    });
  }

  it("only accepts POST", async () => {
    const reply = await get(ctx.emu, V1, { token: null });
    assert.equal(reply.status, 405);
    assert.equal(reply.json<{ error: string }>().error, "invalid_request");
  });

  it("serves OpenID discovery documents that point at its own token endpoints", async () => {
    const v1 = (await get(ctx.emu, "/demo-tenant/.well-known/openid-configuration", { token: null })).json();
    assert.equal(v1.token_endpoint, `${ctx.emu.url}/demo-tenant/oauth2/token`);
    const v2 = (
      await get(ctx.emu, "/demo-tenant/v2.0/.well-known/openid-configuration", { token: null })
    ).json();
    assert.equal(v2.token_endpoint, `${ctx.emu.url}/demo-tenant/oauth2/v2.0/token`);
  });

  it("has the fields MSAL requires in the v2 discovery document, the issuer on its own origin, and a jwks_uri that answers", async () => {
    const v2 = (
      await get(ctx.emu, "/demo-tenant/v2.0/.well-known/openid-configuration", { token: null })
    ).json<Record<string, string>>();
    const base = `${ctx.emu.url}/demo-tenant`;
    assert.equal(v2.issuer, `${base}/v2.0`);
    assert.equal(v2.authorization_endpoint, `${base}/oauth2/v2.0/authorize`);
    assert.equal(v2.jwks_uri, `${base}/discovery/v2.0/keys`);
    assert.ok((v2.token_endpoint_auth_methods_supported as unknown as string[]).includes("private_key_jwt"));
    const keys = await get(ctx.emu, "/demo-tenant/discovery/v2.0/keys", { token: null });
    assert.equal(keys.status, 200);
    assert.deepEqual(keys.json(), { keys: [] });
    const unknownTenant = await get(ctx.emu, "/nobody/v2.0/.well-known/openid-configuration", {
      token: null,
    });
    assert.equal(unknownTenant.status, 400);
    assert.deepEqual(unknownTenant.json<{ error_codes: number[] }>().error_codes, [90002]);
  });
});

describe("emulator: federated credentials in the seed and the admin API", () => {
  const fedSeed = () => {
    const seed = defaultSeed();
    seed.tenants!["demo-tenant"].clients["fed-only"] = {
      publishers: ["*"],
      federatedCredentials: [{ subject: "system:serviceaccount:ci:deployer" }],
    };
    return seed;
  };
  const ctx = useEmulator({ seed: fedSeed() }, "test");
  const assertionFields = (assertion: string) => ({
    grant_type: "client_credentials",
    client_id: "fed-only",
    scope: "https://cloudpartner.azure.com/.default",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
  });

  it("a client may have federated credentials and no secret; a secret is then refused", async () => {
    const jwt = ctx.emu.mintFederatedToken({ subject: "system:serviceaccount:ci:deployer" });
    const ok = await postForm(ctx.emu, V2, assertionFields(jwt));
    assert.equal(ok.status, 200, ok.text);
    const token = ok.json<{ access_token: string }>().access_token;
    assert.equal((await get(ctx.emu, CONTOSO_OFFER, { token })).status, 200);
    const secret = await postForm(ctx.emu, V2, { ...V2_FIELDS, client_id: "fed-only", client_secret: "x" });
    assert.equal(secret.status, 401);
    assert.deepEqual(secret.json<{ error_codes: number[] }>().error_codes, [7000215]);
  });

  it("the v1 endpoint takes a client assertion too", async () => {
    const jwt = ctx.emu.mintFederatedToken({ subject: "system:serviceaccount:ci:deployer" });
    const { scope: _scope, ...fields } = assertionFields(jwt);
    const reply = await postForm(ctx.emu, V1, { ...fields, resource: "https://cloudpartner.azure.com" });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(typeof reply.json().expires_in, "string");
  });

  it("a seed credential with another issuer or audience must be matched exactly", async () => {
    const seed = defaultSeed();
    seed.tenants!["demo-tenant"].clients.gh = {
      publishers: ["*"],
      federatedCredentials: [
        {
          issuer: "https://token.actions.githubusercontent.com",
          subject: "repo:o/r:ref:refs/heads/main",
          audience: "api://custom",
        },
      ],
    };
    const emu = await startEmulator({ seed });
    try {
      const mint = (issuer: string, audience: string) =>
        emu.mintFederatedToken({ subject: "repo:o/r:ref:refs/heads/main", issuer, audience });
      const ask = (assertion: string) =>
        postForm(emu, V2, { ...assertionFields(assertion), client_id: "gh" });
      assert.equal(
        (await ask(mint("https://token.actions.githubusercontent.com", "api://custom"))).status,
        200,
      );
      assert.equal(
        (await ask(mint("https://token.actions.githubusercontent.com/", "api://custom"))).status,
        400,
      );
      assert.equal(
        (await ask(mint("https://token.actions.githubusercontent.com", "api://AzureADTokenExchange"))).status,
        400,
      );
    } finally {
      await emu.close();
    }
  });

  it("validates federatedCredentials in a seed, naming the path", async () => {
    const bad = defaultSeed();
    bad.tenants!["demo-tenant"].clients.x = {
      publishers: [],
      federatedCredentials: [{ subject: "" }],
    };
    await assert.rejects(startEmulator({ seed: bad }), /clients\.x\.federatedCredentials\[0\]\.subject/);
    const neither = defaultSeed();
    neither.tenants!["demo-tenant"].clients.y = { publishers: [] };
    await assert.rejects(
      startEmulator({ seed: neither }),
      /clients\.y\.secret: is required unless the client has federatedCredentials/,
    );
  });

  it("POST /_emulator/federated-tokens mints a token, and refuses a body without a subject", async () => {
    const post = (body: unknown) =>
      fetch(`${ctx.emu.url}/_emulator/federated-tokens`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const minted = await post({ subject: "system:serviceaccount:ci:deployer", lifetimeSeconds: 60 });
    assert.equal(minted.status, 201);
    const { token } = (await minted.json()) as { token: string };
    assert.equal((await postForm(ctx.emu, V2, assertionFields(token))).status, 200);
    ctx.emu.advanceClock(60);
    const expired = await postForm(ctx.emu, V2, assertionFields(token));
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.json<{ error_codes: number[] }>().error_codes, [700024]);
    assert.equal((await post({ audience: "x" })).status, 400);
    assert.equal((await post({ subject: "s", lifetimeSeconds: -1 })).status, 400);
  });
});

describe("emulator: Azure AD v2 token endpoint", () => {
  const ctx = useEmulator({}, "test");

  it("issues a token for scope https://cloudpartner.azure.com/.default with numbers as numbers", async () => {
    const reply = await postForm(ctx.emu, V2, V2_FIELDS);
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json<Record<string, unknown>>();
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 3599);
    assert.equal(body.ext_expires_in, 3599);
    assert.equal(body.expires_on, undefined);
    assert.equal((await get(ctx.emu, CONTOSO_OFFER, { token: body.access_token as string })).status, 200);
  });

  it("rejects a wrong scope, including the double slash of an endpoint with a trailing slash", async () => {
    for (const scope of [
      "https://cloudpartner.azure.com//.default",
      "https://cloudpartner.azure.com",
      "openid",
    ]) {
      const reply = await postForm(ctx.emu, V2, { ...V2_FIELDS, scope });
      assert.equal(reply.status, 400, scope);
      assert.equal(reply.json<{ error: string }>().error, "invalid_scope");
    }
  });

  it("requires a scope and rejects a bad secret with 401", async () => {
    const noScope = await postForm(ctx.emu, V2, { ...V2_FIELDS, scope: "" });
    assert.equal(noScope.status, 400);
    assert.equal((await postForm(ctx.emu, V2, { ...V2_FIELDS, client_secret: "x" })).status, 401);
  });
});

describe("emulator: token expiry", () => {
  const ctx = useEmulator({}, "test");

  it("rejects a token from the token endpoint once the emulated clock passes its lifetime", async () => {
    const token = (await postForm(ctx.emu, V1, V1_FIELDS)).json<{ access_token: string }>().access_token;
    ctx.emu.advanceClock(3590);
    assert.equal((await get(ctx.emu, CONTOSO_OFFER, { token })).status, 200);
    ctx.emu.advanceClock(11);
    const reply = await get(ctx.emu, CONTOSO_OFFER, { token });
    assert.match(assertCppError(reply, 401, "Unauthorized").message, /expired/);
    assert.match(reply.headers.get("www-authenticate") ?? "", /invalid_token/);
  });

  it("honours a custom lifetime on issueToken", async () => {
    const token = ctx.emu.issueToken({ lifetimeSeconds: 10 });
    assert.equal((await get(ctx.emu, CONTOSO_OFFER, { token })).status, 200);
    ctx.emu.advanceClock(10);
    assert.equal((await get(ctx.emu, CONTOSO_OFFER, { token })).status, 401);
  });

  it("expireTokens() makes every token accepted so far, static ones included, answer 401; new tokens work", async () => {
    const issued = ctx.emu.issueToken();
    const fromEndpoint = (await postForm(ctx.emu, V1, V1_FIELDS)).json<{ access_token: string }>()
      .access_token;
    ctx.emu.expireTokens();
    for (const token of [issued, fromEndpoint, STATIC_TOKEN]) {
      assertCppError(await get(ctx.emu, CONTOSO_OFFER, { token }), 401, "Unauthorized");
    }
    const fresh = (await postForm(ctx.emu, V1, V1_FIELDS)).json<{ access_token: string }>().access_token;
    assert.equal((await get(ctx.emu, CONTOSO_OFFER, { token: fresh })).status, 200);
  });

  it("uses the seed's tokenLifetimeSeconds", async () => {
    const custom = await startEmulator({ seed: { ...defaultSeed(), tokenLifetimeSeconds: 60 } });
    try {
      const reply = await postForm(custom, V1, V1_FIELDS);
      assert.equal(reply.json<{ expires_in: string }>().expires_in, "59");
      const token = reply.json<{ access_token: string }>().access_token;
      custom.advanceClock(60);
      assert.equal((await get(custom, CONTOSO_OFFER, { token })).status, 401);
    } finally {
      await custom.close();
    }
  });
});

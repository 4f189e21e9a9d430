import { strict as assert } from "node:assert";
import * as http from "node:http";
import fc from "fast-check";
import { startEmulator } from "../../emulator";
import { CppClient } from "../../provider/cpp/client";
import { CredentialError, HTTPError, UnsafeLocationError } from "../../provider/core/errors";
import { checkOfferOperationInputs as checkInputs } from "../../provider/cpp/inputs";
import * as lifecycle from "../../provider/cpp/lifecycle";
import { offerUrl, resolveOperationLocation } from "../../provider/cpp/location";
// What counts as loopback is specified on its own, case by case, in tests/unit/loopback.test.ts.
import { isLoopback } from "../../provider/core/loopback";
import { figures } from "./figures";
import {
  UNSAFE_CHARACTER,
  CLIENT,
  CLIENT_SECRET,
  TENANT,
  TOKEN,
  useConfiguredProvider,
  configureProvider,
  scanForSecrets,
  seed,
  startFakeCpp,
  startForeignHost,
} from "./helpers";

/**
 * Hostile input, generated: publisher and offer ids, emails, endpoints and Location headers.
 * What must hold for every generated value: no request leaves
 * `/api/publishers/{p}/offers/{o}/...` (or, for a Location the service sent, `/api/...`) on the
 * configured origin; a Location or redirect to another host never receives the bearer token;
 * plain http is refused unless the host is loopback; every rejected input gets a message naming
 * the property.
 */

const API_VERSION = "2017-10-31";
const ORIGIN = "https://cloudpartner.example";

/** Counts every generated input, so the report's figure is what really ran. */
function counted<A extends unknown[]>(predicate: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    figures.hostileInputs++;
    predicate(...args);
  };
}
function countedAsync<A extends unknown[]>(
  predicate: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    figures.hostileInputs++;
    await predicate(...args);
  };
}

// --- generators ---------------------------------------------------------------------------------

const idFragments = fc.constantFrom(
  "..",
  ".",
  "/",
  "\\",
  "?",
  "#",
  "%",
  "%2e",
  "%2E%2e",
  "%2F",
  "%2f..",
  "$",
  "&",
  "+",
  ":",
  ";",
  "=",
  "@",
  " ",
  "\t",
  "\n",
  "\r",
  "\u0000",
  "\u007f",
  "\u0085",
  "\u2028",
  "\u202e",
  "\ufeff",
  "ａ",
  "é",
  "😀",
  "..%2f",
  "/api/",
  "//evil.example",
  "http://evil.example",
  "%00",
  "~",
  "*",
  "'",
  '"',
  "<",
  ">",
  "`",
  "{",
  "}",
  "|",
  "^",
  "[",
  "]",
  "contoso",
  "offer-1",
  "a.b",
  "A_B",
  "-",
  "_",
);
const hostileId = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,30}$/),
  fc.array(idFragments, { minLength: 1, maxLength: 6 }).map((a) => a.join("")),
  fc.string({ minLength: 95, maxLength: 110, unit: fc.constantFrom("a", "b", "1", ".", "-") }),
  fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined), fc.object(), fc.array(fc.string())),
);

const emailFragments = fc.constantFrom(
  "ops",
  "a",
  "@",
  "@@",
  "contoso.com",
  ".com",
  ".",
  ",",
  ";",
  " ",
  "\n",
  "\r\n",
  '"',
  "'",
  "<",
  ">",
  "(",
  ")",
  "[",
  "]",
  "\\",
  "\u0000",
  "é",
  "😀",
  "\u2028",
  "x".repeat(250),
  "Bcc: evil@evil.example",
);
const emailish = fc.oneof(
  fc.emailAddress(),
  // Addresses that are fine but for one character, e.g. a terminal escape (ESC c resets a terminal).
  fc
    .tuple(
      fc.emailAddress(),
      fc.nat(),
      fc.constantFrom(
        "\u0000",
        "\u0001",
        "\u0007",
        "\u001b",
        "\u001bc",
        "\u007f",
        "\u0085",
        "\u2028",
        " ",
        ",",
        "\r\n",
      ),
    )
    .map(([e, at, c]) => e.slice(0, at % e.length) + c + e.slice(at % e.length)),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.array(emailFragments, { maxLength: 8 }).map((a) => a.join("")),
);
const hostileEmails = fc.oneof(
  emailish,
  fc.array(emailish, { maxLength: 5 }),
  fc.array(fc.oneof(emailish, fc.integer(), fc.constant(null), fc.object()), { maxLength: 3 }),
  fc.integer(),
  fc.object(),
);

const endpointParts = fc.tuple(
  fc.constantFrom("http", "https", "HTTP", "Https", "ftp", "file", "javascript", "ws", "data", ""),
  fc.constantFrom("://", ":/", ":", ":\\\\", "://\\", ":////"),
  fc.constantFrom("", "user@", "user:pass@", "127.0.0.1@", "localhost@", "@", ":@"),
  fc.constantFrom(
    "127.0.0.1",
    "localhost",
    "LOCALHOST",
    "[::1]",
    "127.1",
    "0x7f.1",
    "2130706433",
    "127.255.255.254",
    "0.0.0.0",
    "[::]",
    "[::ffff:127.0.0.1]",
    "localhost.",
    "127.0.0.1.nip.io",
    "localhost.evil.example",
    "evil.example",
    "cloudpartner.azure.com",
    "10.0.0.1",
    "169.254.169.254",
    "[fe80::1]",
    "ｌｏｃａｌｈｏｓｔ",
    "127。0。0。1",
    "",
    " 127.0.0.1",
    "evil.example#@127.0.0.1",
    "evil.example\\@127.0.0.1",
    "evil.example?@127.0.0.1",
  ),
  fc.constantFrom("", ":8080", ":0", ":65535", ":65536", ":-1", ":abc", ":"),
  fc.constantFrom("", "/", "/api", "?x=1", "#frag", "/..", "/%2e%2e/", " ", "\n", "//", "?", "#"),
);
const hostileEndpoint = fc.oneof(
  endpointParts.map((a) => a.join("")),
  fc.webUrl({ validSchemes: ["http", "https"], withQueryParameters: true, withFragments: true }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.oneof(fc.integer(), fc.object()),
);

/** Locations a hostile or broken service (or anything between it and us) could send. */
function hostileLocation(ownHost: string, foreignHost: string) {
  const parts = fc.tuple(
    fc.constantFrom(
      "",
      "/",
      "//",
      "///",
      "\\\\",
      "/\\",
      "\\/",
      "http:",
      "https:",
      "http://",
      "https://",
      "HTTP://",
      "ftp://",
      "javascript:",
      "data:text/plain,",
      "file://",
      "blob:",
      " ",
      "\t",
      "\u0000",
    ),
    fc.constantFrom(
      "",
      ownHost,
      foreignHost,
      "127.0.0.1",
      "127.0.0.1:1",
      "localhost",
      "evil.example",
      `user:pw@${ownHost}`,
      `${ownHost}@${foreignHost}`,
      `${foreignHost}#@${ownHost}`,
      "[::1]",
      `${foreignHost}\\@${ownHost}`,
      `${ownHost}.evil.example`,
    ),
    fc.constantFrom(
      "",
      "/api/publishers/contoso/offers/o/operations/1",
      "/api/operations/contoso$o$2$preview",
      "/api/../_emulator/faults",
      "/api/%2e%2e/x",
      "/api/%2E%2E/%2e%2e/x",
      "/API/x",
      "/apix",
      "api/x",
      "/_emulator/faults",
      "/api/./x",
      "/api//x",
      "/api/x?api-version=1",
      "/api/x#frag",
      "/api/x?y=1&api-version=2017-10-31",
      "/%61pi/x",
      "/api\\..\\x",
    ),
  );
  return fc.oneof(
    parts.map((a) => a.join("")),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.webPath().map((p) => `/api${p}`),
    fc.string({ unit: "binary", maxLength: 60 }),
  );
}

// --- oracles --------------------------------------------------------------------------------------

function assertFailuresNameTheirProperty(failures: { property: string; reason: string }[]): void {
  for (const f of failures) {
    assert.ok(f.reason.includes(f.property), `"${f.reason}" does not name ${f.property}`);
    // Messages are printed by preview: no raw control characters (terminal escapes) in them.
    assert.ok(!UNSAFE_CHARACTER.test(f.reason), JSON.stringify(f.reason));
  }
}

/** The request path must be exactly /api/publishers/{p}/offers/{o}/{rest} on the origin. */
function assertOnOfferPath(url: URL, origin: string, p: string, o: string, rest: string): void {
  assert.equal(url.origin, origin);
  const segments = url.pathname.split("/");
  assert.deepEqual(segments.slice(0, 3), ["", "api", "publishers"]);
  assert.equal(decodeURIComponent(segments[3]), p);
  assert.equal(segments[4], "offers");
  assert.equal(decodeURIComponent(segments[5]), o);
  assert.equal(segments.slice(6).join("/"), rest);
}

function headerSafe(value: string): boolean {
  try {
    http.validateHeaderValue("location", value);
    return value.trim() !== "";
  } catch {
    return false;
  }
}

const tokenSource = { getToken: async () => TOKEN };
const fastClient = (endpoint: string) =>
  new CppClient({
    endpoint,
    credential: tokenSource,
    secrets: () => [TOKEN],
    retry: { retries: 0 },
    timeoutMs: 5000,
  });

describe("hardening: hostile input", function () {
  this.timeout(120_000);
  useConfiguredProvider();

  describe("publisher and offer ids", () => {
    it("never make a request leave /api/publishers/{p}/offers/{o}/ on the origin; rejections name the property", () => {
      fc.assert(
        fc.property(
          hostileId,
          hostileId,
          counted((p: unknown, o: unknown) => {
            const { inputs, failures } = checkInputs({ publisherId: p, offerId: o, endpoint: ORIGIN });
            assertFailuresNameTheirProperty(failures);
            for (const [property, value] of [
              ["publisherId", p],
              ["offerId", o],
            ] as const) {
              const rejected = failures.some((f) => f.property === property);
              assert.equal(inputs[property], rejected ? undefined : value);
            }
            // Defence in depth: even ids that check rejects cannot build a URL outside the prefix.
            if (typeof p === "string" && typeof o === "string") {
              for (const rest of ["cancel", "submissions/", "status"]) {
                let url: URL;
                try {
                  url = offerUrl(new URL(ORIGIN), p, o, rest, API_VERSION, { status: "running" });
                } catch (err) {
                  assert.ok(err instanceof UnsafeLocationError, String(err));
                  assert.ok(failures.length > 0, `valid ids ${JSON.stringify([p, o])} must build a URL`);
                  continue;
                }
                assertOnOfferPath(url, ORIGIN, p, o, rest);
                assert.equal(url.searchParams.get("api-version"), API_VERSION);
              }
            }
          }),
        ),
        { numRuns: 3000 },
      );
    });

    /** Ids as the Cloud Partner Portal shows them: what `check` accepts, every time. */
    const portalId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/).filter((s) => !s.includes(".."));

    it("over the wire: ids as the portal shows them are created, every one, under the offer's path", async () => {
      const fake = await startFakeCpp(() => false);
      const runs = 60;
      let created = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            portalId,
            portalId,
            countedAsync(async (p: string, o: string) => {
              fake.calls.length = 0;
              const { inputs, failures } = checkInputs({
                publisherId: p,
                offerId: o,
                endpoint: fake.origin,
                pollIntervalSeconds: { min: 0.1, max: 0.2 },
              });
              assert.deepEqual(failures, []);
              const { outs } = await lifecycle.create(inputs as never);
              assert.equal(outs.status, "succeeded");
              created++;
              for (const call of fake.calls) {
                const url = new URL(call.url, fake.origin);
                assertOnOfferPath(url, fake.origin, p, o, url.pathname.split("/").slice(6).join("/"));
              }
            }),
          ),
          { numRuns: runs },
        );
        assert.equal(created, runs);
      } finally {
        await fake.close();
      }
    });

    it("over the wire: a full create sends every request under the offer's path, and only there", async () => {
      const fake = await startFakeCpp(() => false);
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(hostileId, portalId),
            fc.oneof(hostileId, portalId),
            countedAsync(async (p: unknown, o: unknown) => {
              fake.calls.length = 0;
              const { inputs, failures } = checkInputs({
                publisherId: p,
                offerId: o,
                endpoint: fake.origin,
                pollIntervalSeconds: { min: 0.1, max: 0.2 },
              });
              assertFailuresNameTheirProperty(failures);
              if (failures.length) return; // check runs at preview: nothing is ever sent
              const { outs } = await lifecycle.create(inputs as never);
              assert.equal(outs.status, "succeeded");
              assert.ok(fake.calls.length >= 2);
              for (const call of fake.calls) {
                const url = new URL(call.url, fake.origin);
                const rest = url.pathname.split("/").slice(6).join("/");
                assert.ok(["cancel", "submissions/"].includes(rest), call.url);
                assertOnOfferPath(url, fake.origin, p as string, o as string, rest);
                assert.equal(call.authorization, `Bearer ${TOKEN}`);
              }
            }),
          ),
          { numRuns: 150 },
        );
      } finally {
        await fake.close();
      }
    });
  });

  describe("notification emails", () => {
    it("are accepted only as plain addresses, travel as JSON, and never touch the URL; rejections name the property", () => {
      fc.assert(
        fc.property(
          hostileEmails,
          counted((emails: unknown) => {
            const { inputs, failures } = checkInputs({
              publisherId: "contoso",
              offerId: "offer",
              notificationEmails: emails,
            });
            assertFailuresNameTheirProperty(failures);
            if (failures.some((f) => f.property === "notificationEmails")) {
              assert.equal(inputs.notificationEmails, undefined);
              return;
            }
            const list = inputs.notificationEmails as string[];
            for (const e of list) {
              assert.equal(e.split("@").length, 2, e);
              assert.doesNotMatch(e, /[\s,;<>"'()[\]\\]/, e);
              assert.ok(!UNSAFE_CHARACTER.test(e), JSON.stringify(e));
              assert.ok(e.length <= 254);
            }
            const body = JSON.stringify({ metadata: { "notification-emails": list.join(",") } });
            const back = (JSON.parse(body) as { metadata: Record<string, string> }).metadata[
              "notification-emails"
            ];
            assert.deepEqual(back === "" ? [] : back.split(","), list);
            const url = offerUrl(new URL(ORIGIN), "contoso", "offer", "cancel", API_VERSION);
            assertOnOfferPath(url, ORIGIN, "contoso", "offer", "cancel");
          }),
        ),
        { numRuns: 3000 },
      );
    });

    it("over the wire: every accepted list reaches the emulator intact and is accepted by it", async () => {
      const emu = await startEmulator({ seed });
      try {
        emu.configureOffer("contoso", "mail", { cancelMode: "sync" });
        const client = fastClient(emu.url);
        await fc.assert(
          fc.asyncProperty(
            hostileEmails,
            countedAsync(async (emails: unknown) => {
              const { inputs, failures } = checkInputs({
                publisherId: "contoso",
                offerId: "mail",
                notificationEmails: emails,
              });
              if (failures.length) return;
              const list = inputs.notificationEmails as string[];
              emu.clearRequests();
              const res = await client.cancel("contoso", "mail", { notificationEmails: list });
              assert.ok(res.httpStatus === 200 || res.httpStatus === 202);
              const [post] = emu.requests;
              assert.equal(
                post.path,
                `/api/publishers/contoso/offers/mail/cancel?api-version=${API_VERSION}`,
              );
              if (list.length)
                assert.deepEqual(JSON.parse(post.body), {
                  metadata: { "notification-emails": list.join(",") },
                });
              else assert.equal(post.body, "");
            }),
          ),
          { numRuns: 150 },
        );
      } finally {
        await emu.close();
      }
    });
  });

  describe("endpoints", () => {
    it("are https origins, or plain http on loopback only; rejections name the property", () => {
      fc.assert(
        fc.property(
          hostileEndpoint,
          counted((endpoint: unknown) => {
            const { inputs, failures } = checkInputs({ publisherId: "contoso", offerId: "offer", endpoint });
            assertFailuresNameTheirProperty(failures);
            const rejected = failures.some((f) => f.property === "endpoint");
            if (rejected || endpoint === "" || endpoint === null) {
              assert.equal(inputs.endpoint, undefined);
              return;
            }
            const origin = inputs.endpoint as string;
            const url = new URL(origin);
            assert.equal(url.origin, origin, "an origin, nothing more");
            assert.ok(
              url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname)),
              `${JSON.stringify(endpoint)} accepted as ${origin}`,
            );
            const given = new URL((endpoint as string).trim());
            assert.deepEqual([given.username, given.password, given.search, given.hash], ["", "", "", ""]);
            assert.ok(given.pathname === "/" || given.pathname === "");
            assertOnOfferPath(
              offerUrl(url, "contoso", "offer", "cancel", API_VERSION),
              origin,
              "contoso",
              "offer",
              "cancel",
            );
          }),
        ),
        { numRuns: 3000 },
      );
    });

    it("plain http is refused unless loopback: the input, marketplace:endpoint, and the authority host", async () => {
      const refused = [
        "http://evil.example",
        "http://10.0.0.1:8080",
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io",
        "http://[::ffff:10.0.0.1]",
        "http://0.0.0.0:8080",
        "http://169.254.169.254",
        "HTTP://cloudpartner.azure.com",
      ];
      for (const endpoint of refused) {
        const { failures } = checkInputs({ publisherId: "contoso", offerId: "offer", endpoint });
        assert.equal(failures.length, 1, endpoint);
        assert.equal(failures[0].property, "endpoint");
        assert.match(
          failures[0].reason,
          /^endpoint uses plain http on .* only allowed on loopback/,
          endpoint,
        );
      }
      for (const endpoint of [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:2",
        "http://[::ffff:127.0.0.1]:3",
        "https://evil.example",
      ]) {
        assert.deepEqual(
          checkInputs({ publisherId: "contoso", offerId: "offer", endpoint }).failures,
          [],
          endpoint,
        );
      }
      figures.hostileInputs += refused.length + 5;

      // The same rule for stack config: it fails before anything is sent.
      const inputs = checkInputs({ publisherId: "contoso", offerId: "offer" }).inputs as never;
      await configureProvider({
        "marketplace:accessToken": TOKEN,
        "marketplace:endpoint": "http://evil.example",
      });
      await assert.rejects(
        lifecycle.create(inputs),
        (e: Error) => e instanceof CredentialError && /marketplace:endpoint uses plain http/.test(e.message),
      );
      // The client secret goes to the authority host: the same rule applies there.
      for (const authorityHost of [
        "http://login.evil.example",
        "ftp://login.microsoftonline.com",
        "https://user:pw@login.example",
      ]) {
        await configureProvider({
          "marketplace:tenantId": TENANT,
          "marketplace:clientId": CLIENT,
          "marketplace:clientSecret": CLIENT_SECRET,
          "marketplace:authorityHost": authorityHost,
        });
        const err = (await lifecycle
          .create(
            checkInputs({ publisherId: "contoso", offerId: "offer", endpoint: "http://127.0.0.1:9" })
              .inputs as never,
          )
          .catch((e: unknown) => e)) as Error;
        assert.ok(err instanceof CredentialError, String(err));
        assert.match(err.message, /marketplace:authorityHost .* must be an https URL/);
        assert.deepEqual(scanForSecrets("authority host error", [err.message]), []);
        figures.hostileInputs++;
      }
      figures.hostileInputs++;
    });
  });

  describe("Location headers and redirects", () => {
    let foreign: Awaited<ReturnType<typeof startForeignHost>>;
    before(async () => {
      foreign = await startForeignHost();
    });
    after(() => foreign.close());
    afterEach(() => {
      assert.deepEqual(foreign.calls, [], "the foreign host must never be contacted");
    });

    it("resolve only to /api/ on the configured origin; anything else is refused with a clear error", () => {
      const endpoint = new URL("http://127.0.0.1:8080");
      fc.assert(
        fc.property(
          hostileLocation("127.0.0.1:8080", new URL(foreign.origin).host),
          counted((location: string) => {
            let url: URL;
            try {
              url = resolveOperationLocation(location, endpoint, API_VERSION);
            } catch (err) {
              assert.ok(err instanceof UnsafeLocationError, String(err));
              assert.match(err.message, /operation location/);
              return;
            }
            assert.equal(url.origin, endpoint.origin, location);
            assert.ok(url.pathname.startsWith("/api/"), `${location} -> ${url.href}`);
            assert.deepEqual([url.username, url.password, url.hash], ["", "", ""]);
            assert.ok(url.searchParams.has("api-version"));
          }),
        ),
        { numRuns: 3000 },
      );
    });

    it("over the wire: whatever Location a 202 carries, the token goes only to the configured origin", async () => {
      let location = "";
      const fake = await startFakeCpp((call, res) => {
        if (call.method === "POST") {
          res.writeHead(202, { location });
          res.end();
          return true;
        }
      });
      try {
        await fc.assert(
          fc.asyncProperty(
            hostileLocation(fake.host, new URL(foreign.origin).host).filter(headerSafe),
            countedAsync(async (loc: string) => {
              location = loc;
              fake.calls.length = 0;
              const client = fastClient(fake.origin);
              let poll: URL | undefined;
              try {
                poll = (await client.cancel("contoso", "offer")).location;
              } catch (err) {
                assert.ok(err instanceof UnsafeLocationError, String(err));
                assert.equal(err.acceptedStatus, 202, "the refusal says the cancel was accepted");
              }
              if (poll) await client.getOperation(poll);
              for (const call of fake.calls)
                assert.ok(new URL(call.url, fake.origin).pathname.startsWith("/api/"), call.url);
            }),
          ),
          { numRuns: 200 },
        );
        // And through the provider: a refused Location is reported, never followed, and the
        // cancellation is confirmed through the submissions list.
        location = `${foreign.origin}/api/publishers/contoso/offers/offer/operations/1`;
        fake.calls.length = 0;
        const { outs } = await lifecycle.create(
          checkInputs({
            publisherId: "contoso",
            offerId: "offer",
            endpoint: fake.origin,
            pollIntervalSeconds: 0.2,
          }).inputs as never,
        );
        assert.equal(outs.status, "succeeded");
        assert.equal(outs.operationLocation, undefined);
        assert.deepEqual(
          fake.calls.map((c) => `${c.method} ${c.url.split("?")[0]}`),
          [
            "GET /api/publishers/contoso/offers/offer/submissions/",
            "POST /api/publishers/contoso/offers/offer/cancel",
            "GET /api/publishers/contoso/offers/offer/submissions/",
          ],
        );
        figures.hostileInputs++;
      } finally {
        await fake.close();
      }
    });

    it("over the wire: redirects to another host are never followed, for any method and status", async () => {
      let redirect = { status: 302, to: "" };
      const fake = await startFakeCpp((_call, res) => {
        res.writeHead(redirect.status, { location: redirect.to });
        res.end();
        return true;
      });
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(301, 302, 303, 307, 308),
            fc.constantFrom("list", "cancel", "poll"),
            fc.webPath(),
            countedAsync(async (status: number, kind: string, path: string) => {
              redirect = { status, to: `${foreign.origin}${path || "/"}` };
              const client = fastClient(fake.origin);
              const call =
                kind === "list"
                  ? client.listSubmissions("contoso", "offer")
                  : kind === "cancel"
                    ? client.cancel("contoso", "offer")
                    : client.getOperation(
                        new URL(
                          `${fake.origin}/api/operations/contoso$offer$1$preview?api-version=${API_VERSION}`,
                        ),
                      );
              const err = (await call.then(
                () => undefined,
                (e: unknown) => e,
              )) as HTTPError;
              assert.ok(err instanceof HTTPError, String(err));
              assert.equal(err.status, status);
              assert.match(
                err.message,
                /Redirects are not followed, so credentials never leave the configured endpoint/,
              );
            }),
          ),
          { numRuns: 100 },
        );
      } finally {
        await fake.close();
      }
    });
  });
});

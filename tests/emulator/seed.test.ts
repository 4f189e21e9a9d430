// Specification: seeds (default, example file, custom, validation) and the emulator lifecycle.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { defaultSeed, parseSeed, SeedError, startEmulator, type Seed } from "../../emulator";
import { cpp, get, offerPath, post, waitFor } from "./helpers";

/** tsc does not copy the JSON file to dist/, so find it in the source tree above this file (or cwd). */
function exampleSeedFile(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, "emulator", "seed.example.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(process.cwd(), "emulator", "seed.example.json");
  }
}

describe("emulator: seeds", () => {
  it("ships seed.example.json identical to defaultSeed()", () => {
    assert.deepEqual(JSON.parse(readFileSync(exampleSeedFile(), "utf8")), defaultSeed());
  });

  it("the default seed has a running publish on contoso-offer and idle legacy and fabrikam offers", async () => {
    const emu = await startEmulator();
    try {
      assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(emu.cpp.getOffer("contoso", "contoso-offer").currentOperation?.status, "running");
      assert.equal(emu.cpp.getOffer("contoso", "legacy-offer").config.cancelMode, "sync");
      assert.equal(emu.cpp.getOffer("fabrikam", "fabrikam-vm").status, "neverPublished");
    } finally {
      await emu.close();
    }
  });

  it("starts from a custom seed", async () => {
    const seed: Seed = {
      staticTokens: { "t-1": { publishers: ["acme"] } },
      publishers: {
        acme: {
          offers: {
            rocket: { running: { submissionType: "golive" }, operationSeconds: 30, cancelMode: "sync" },
          },
        },
      },
    };
    const emu = await startEmulator({ seed });
    try {
      const path = offerPath("acme", "rocket");
      const subs = (await get(emu, cpp(`${path}/submissions/`), { token: "t-1" })).json<
        { submissionType: string }[]
      >();
      assert.deepEqual(
        subs.map((s) => s.submissionType),
        ["golive"],
      );
      assert.equal((await post(emu, cpp(`${path}/cancel`), { token: "t-1" })).status, 200);
      // The default static token does not exist in this seed.
      assert.equal((await get(emu, cpp(path))).status, 401);
    } finally {
      await emu.close();
    }
  });

  const invalid: [string, unknown, RegExp][] = [
    ["a non-object", [], /must be an object/],
    ["an unknown top-level key", { publisher: {} }, /seed\.publisher: unknown property/],
    [
      "a typo in an offer",
      { publishers: { p: { offers: { o: { cancelmode: "sync" } } } } },
      /publishers\.p\.offers\.o\.cancelmode/,
    ],
    [
      "a bad enum",
      { publishers: { p: { offers: { o: { vocabulary: "done" } } } } },
      /vocabulary: must be one of "complete", "completed"/,
    ],
    ["negative seconds", { publishers: { p: { offers: { o: { cancelSeconds: -1 } } } } }, /cancelSeconds/],
    ["an id with a $", { publishers: { a$b: {} } }, /not a usable id/],
    [
      "a client without a secret",
      { tenants: { t: { clients: { c: { publishers: [] } } } } },
      /clients\.c\.secret/,
    ],
    ["a bad token lifetime", { tokenLifetimeSeconds: 0 }, /tokenLifetimeSeconds/],
  ];
  for (const [what, seed, message] of invalid) {
    it(`rejects ${what} with a message naming the path`, () => {
      assert.throws(
        () => parseSeed(seed),
        (e: Error) => e instanceof SeedError && message.test(e.message),
      );
    });
  }

  it("startEmulator validates a seed given in code", async () => {
    await assert.rejects(
      startEmulator({ seed: { publishers: { p: { offers: { o: { cancelMode: "later" as "sync" } } } } } }),
      /cancelMode/,
    );
  });

  it("configureOffer validates the patch and null resets a setting to its default", async () => {
    const emu = await startEmulator();
    try {
      assert.throws(
        () => emu.cpp.configureOffer("contoso", "contoso-offer", { cancelSeconds: -5 }),
        /cancelSeconds/,
      );
      emu.cpp.configureOffer("contoso", "contoso-offer", { cancelSeconds: 50 });
      assert.equal(emu.cpp.getOffer("contoso", "contoso-offer").config.cancelSeconds, 50);
      emu.cpp.configureOffer("contoso", "contoso-offer", { cancelSeconds: null });
      assert.equal(emu.cpp.getOffer("contoso", "contoso-offer").config.cancelSeconds, 5);
    } finally {
      await emu.close();
    }
  });
});

describe("emulator: lifecycle", () => {
  it("close() is prompt with idle keep-alive connections and may be called twice", async () => {
    const emu = await startEmulator();
    await get(emu, cpp(offerPath("contoso", "contoso-offer"))); // leaves a keep-alive socket open
    const started = Date.now();
    await emu.close();
    await emu.close();
    assert.ok(Date.now() - started < 1000);
    await assert.rejects(fetch(`${emu.url}/_emulator/health`));
  });

  it("several emulators run side by side without sharing state", async () => {
    const a = await startEmulator();
    const b = await startEmulator();
    try {
      assert.notEqual(a.url, b.url);
      a.advanceClock(600);
      assert.equal(a.cpp.getOffer("contoso", "contoso-offer").status, "succeeded");
      assert.equal(b.cpp.getOffer("contoso", "contoso-offer").status, "running");
      assert.equal(
        (await get(b, cpp(offerPath("contoso", "contoso-offer")), { token: a.issueToken() })).status,
        401,
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("listens on the requested port and fails clearly when it is taken", async () => {
    const a = await startEmulator();
    const port = Number(new URL(a.url).port);
    try {
      await assert.rejects(startEmulator({ port }), /EADDRINUSE/);
    } finally {
      await a.close();
    }
    const b = await startEmulator({ port });
    try {
      assert.equal(b.url, `http://127.0.0.1:${port}`);
    } finally {
      await b.close();
    }
  });

  it("logs one line per request when not quiet, without tokens", async () => {
    const lines: string[] = [];
    const emu = await startEmulator({ quiet: false, log: (l) => lines.push(l) });
    try {
      await get(emu, cpp(offerPath("contoso", "contoso-offer")));
      // The line is written once the response has finished, which may be after the client read it.
      await waitFor("the request's log line", () => lines.length > 0);
      assert.equal(lines.length, 1);
      assert.match(
        lines[0],
        /GET \/api\/publishers\/contoso\/offers\/contoso-offer\?api-version=2017-10-31 200 \d+ms$/,
      );
      assert.ok(!lines[0].includes("emulator-token"));
    } finally {
      await emu.close();
    }
  });
});

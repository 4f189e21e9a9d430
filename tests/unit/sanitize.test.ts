import { strict as assert } from "node:assert";
import fc from "fast-check";
import { MESSAGE_LENGTH, NAME_LENGTH, containsSecret, sanitize } from "../../provider/core/sanitize";
import { UNSAFE_CHARACTER } from "../hardening/helpers";

/**
 * The one sanitizer for text from the service (docs/design.md "Text from the service"): what it
 * removes, what it redacts, in which order, and where it cuts.
 */

const TOKEN = "eyJ0eXAiOiJKV1QifQ-secret-token_0123456789";
const SECRET = "client~secret.value";

describe("sanitize: text from the service", () => {
  describe("terminal escape sequences and control characters", () => {
    const cases: [string, string, string][] = [
      ["a CSI colour", "\x1b[31mFailed\x1b[0m", "Failed"],
      ["a CSI screen clear and cursor move", "a\x1b[2J\x1b[1;1Hb", "ab"],
      ["an 8-bit CSI", "a\x9b31mb", "ab"],
      ["an OSC window title ended by BEL", "\x1b]0;pwned\x07Running", "Running"],
      ["an OSC 8 hyperlink ended by ST", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"],
      ["an 8-bit OSC ended by an 8-bit ST", "a\x9d0;t\x9cb", "ab"],
      ["a DCS string", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"],
      ["an unterminated OSC (swallows to the end, like a terminal)", "ok\x1b]0;title", "ok"],
      ["a lone ESC and a two-byte escape", "a\x1bcb\x1b", "ab"],
      ["NUL, BEL, backspace, DEL, a C1 control", "a\x00b\x07c\x08d\x7fe\x85f", "abcde f"],
      [
        "carriage returns and newlines (read as spaces)",
        "line one\r\nline two\rthree",
        "line one line two three",
      ],
      ["bidi overrides and zero-width characters", "a\u202eb\u2066c\u200bd\ufeffe", "abcde"],
    ];
    for (const [what, input, expected] of cases) {
      it(`removes ${what}`, () => assert.equal(sanitize(input), expected));
    }

    it("keeps ordinary text, accents and emoji", () => {
      assert.equal(
        sanitize("Certification failed: café ✓ 🚀 (step 2/3)"),
        "Certification failed: café ✓ 🚀 (step 2/3)",
      );
    });
  });

  describe("credentials", () => {
    it("redacts every secret given, wherever it appears", () => {
      assert.equal(
        sanitize(`token ${TOKEN} and ${SECRET}, again ${TOKEN}`, [TOKEN, SECRET]),
        "token <redacted> and <redacted>, again <redacted>",
      );
    });

    it("redacts a token right after an escape introducer that would swallow its first letters", () => {
      assert.equal(sanitize(`got \x1b[${TOKEN}`, [TOKEN]), "got edacted>");
    });

    it("redacts a token split by an escape sequence or a zero-width character (strips first, then redacts)", () => {
      const split = `${TOKEN.slice(0, 10)}\x1b[0m${TOKEN.slice(10, 20)}\u200b${TOKEN.slice(20)}`;
      assert.equal(sanitize(`got ${split}`, [TOKEN]), "got <redacted>");
    });

    it("redacts the longer of two overlapping secrets whole", () => {
      assert.equal(sanitize(`x ${TOKEN} y`, [TOKEN.slice(0, 12), TOKEN]), "x <redacted> y");
    });

    it("redacts credentials by shape: a bearer header, token fields, a JWT it was never told about", () => {
      assert.equal(sanitize("Authorization: Bearer abc.def-ghi"), "Authorization: Bearer <redacted>");
      assert.equal(
        sanitize('{"access_token":"abcdef","client_secret":"s3cr3t"}'),
        '{"access_token":"<redacted>","client_secret":"<redacted>"}',
      );
      assert.equal(sanitize("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"), "jwt <redacted-jwt>");
    });

    it("ignores secrets of a few characters, which would blank out ordinary words", () => {
      assert.equal(sanitize("the run failed", ["run"]), "the run failed");
    });

    it("containsSecret says whether a text holds a secret", () => {
      assert.equal(containsSecret(`https://x/api/op?sig=${TOKEN}`, [TOKEN]), true);
      assert.equal(containsSecret("https://x/api/op", [TOKEN]), false);
    });
  });

  describe("length", () => {
    it(`caps messages at ${MESSAGE_LENGTH} characters and names at ${NAME_LENGTH}, marking the cut`, () => {
      assert.equal(sanitize("x".repeat(10_000)), `${"x".repeat(MESSAGE_LENGTH)}…`);
      assert.equal(sanitize("y".repeat(300), [], { maxLength: NAME_LENGTH }), `${"y".repeat(NAME_LENGTH)}…`);
    });

    it("cuts after redacting: a token at the cut is redacted, never cut in two", () => {
      const text = `${"a".repeat(MESSAGE_LENGTH - 5)} ${TOKEN}`;
      const out = sanitize(text, [TOKEN]);
      assert.ok(!out.includes(TOKEN.slice(0, 5)), out.slice(-20));
    });

    it("never splits a surrogate pair", () => {
      assert.equal(sanitize("🚀".repeat(600)), `${"🚀".repeat(MESSAGE_LENGTH)}…`);
    });
  });

  it("property: whatever the text, no secret and no unsafe character comes out, and it stays capped", () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9._~+/-]{16,60}$/);
    const fragment = (secrets: string[]) =>
      fc.oneof(
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.constantFrom(
          "\x1b[",
          "\x1b]",
          "\x9b",
          "\x9d",
          "\x07",
          "\x1b\\",
          "\x9c",
          "\x1b",
          "\u202e",
          "\r\n",
          "Bearer ",
        ),
        fc.constantFrom(...secrets),
        // A secret with an escape sequence or an invisible character in it.
        fc
          .tuple(
            fc.constantFrom(...secrets),
            fc.nat(),
            fc.constantFrom("\x1b[0m", "\x1b]0;x\x07", "\u200b", "\x00"),
          )
          .map(([s, at, junk]) => `${s.slice(0, at % s.length)}${junk}${s.slice(at % s.length)}`),
      );
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 3 }).chain((secrets) =>
          fc.tuple(
            fc.constant(secrets),
            fc.array(fragment(secrets), { maxLength: 30 }).map((f) => f.join("")),
          ),
        ),
        ([secrets, text]) => {
          const out = sanitize(text, secrets);
          for (const s of secrets) assert.ok(!out.includes(s), JSON.stringify({ text, out }));
          assert.doesNotMatch(out, UNSAFE_CHARACTER, JSON.stringify(out));
          assert.ok([...out].length <= MESSAGE_LENGTH + 1);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

import { execFileSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as diff from "../../provider/diff";
import { CancellationInputs, UNKNOWN, checkInputs } from "../../provider/inputs";
import {
  DEFAULTS,
  INPUTS,
  INPUT_NAMES,
  InputName,
  InputSpec,
  OnChange,
  REPLACE_KEYS,
  SECRET_KEYS,
  StoredInputName,
  UPDATE_KEYS,
  hasDefault,
} from "../../provider/inputSpec";
// Types only: the resource module loads @pulumi/pulumi, which this test does not need.
import type { OfferOperationCancellationArgs } from "../../provider/resource";

// ---- Compile time: the TypeScript shapes name exactly the spec's inputs -------------------------
// (`npm run build` fails, not this test, when they drift.)
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type RequiredInputName = Extract<(typeof INPUTS)[number], { required: true }>["name"];

const argsKeysAreTheSpec: Equal<keyof OfferOperationCancellationArgs, InputName> = true;
const argsRequiredAreTheSpec: Equal<RequiredKeys<OfferOperationCancellationArgs>, RequiredInputName> = true;
const checkedKeysAreTheSpec: Equal<keyof CancellationInputs, InputName> = true;
// After check, an input is always present when it is required or has a default.
const checkedAlwaysStored: Equal<RequiredKeys<CancellationInputs>, StoredInputName> = true;

const README = path.join(__dirname, "..", "..", "..", "README.md");
const valid = { publisherId: "contoso", offerId: "contoso-offer" };

/** A value for each input that differs from `valid` and from the default (typed: one per input). */
const changed: Record<InputName, unknown> = {
  publisherId: "fabrikam",
  offerId: "other-offer",
  notificationEmails: ["b@y.com"],
  expectedOperationId: "op-2",
  ifNothingToCancel: "fail",
  when: "destroy",
  triggers: ["publish-2"],
  timeoutSeconds: 60,
  pollIntervalSeconds: { min: 2, max: 20 },
  endpoint: "http://127.0.0.1:9999",
  apiVersion: "2018-01-01",
  accessToken: "eyJnew-token-value",
};

// ---- The README's rendering of the spec ----------------------------------------------------------
const ON_CHANGE_TEXT: Record<OnChange, string> = {
  replace: "replace",
  update: "update in place",
  nothing: "never a change",
};

/** A default as a TypeScript reader would write it: `"apply"`, `[]`, `{ min: 1, max: 5 }`. */
function literal(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(literal).join(", ")}]`;
  if (v && typeof v === "object")
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${literal(x)}`)
      .join(", ")} }`;
  return JSON.stringify(v);
}

function expectedRow(i: InputSpec): string[] {
  const dflt = i.required
    ? "required"
    : i.defaultDoc !== undefined
      ? i.defaultDoc
      : i.default !== undefined
        ? `\`${literal(i.default)}\``
        : "—";
  return [
    `\`${i.name}\``,
    `\`${i.type}\`${i.secret ? ", secret" : ""}`,
    dflt,
    ON_CHANGE_TEXT[i.onChange],
    i.doc,
  ];
}

const HEADER = ["Input", "Type", "Default", "On change", ""];

/** Cells of a Markdown table row; `\|` is a literal pipe (as inside a code span). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, "|"));
}

/** The first table under "## Inputs": header, then rows (the separator line dropped). */
function readmeInputsTable(): string[][] {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf("\n## Inputs\n");
  assert.ok(start >= 0, "README.md has no '## Inputs' section");
  const section = text.slice(start + 1).split(/\n## /)[0];
  const lines = section.split("\n");
  const first = lines.findIndex((l) => l.trim().startsWith("|"));
  assert.ok(first >= 0, "no table in README.md '## Inputs'");
  const table: string[] = [];
  for (const l of lines.slice(first)) {
    if (!l.trim().startsWith("|")) break;
    table.push(l);
  }
  return table.filter((l) => !/^\|[\s|:-]+\|$/.test(l.trim())).map(cells);
}

/** Markdown for the expected table, printed on failure so the fix is a paste (then `prettier --write`). */
function markdownTable(rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  return [HEADER, HEADER.map(() => "---"), ...rows].map((r) => `| ${r.map(esc).join(" | ")} |`).join("\n");
}

describe("the input specification (inputSpec.ts) is the one list", () => {
  it("has each input once, with a one-line doc", () => {
    assert.equal(new Set(INPUT_NAMES).size, INPUTS.length);
    for (const i of INPUTS as readonly InputSpec[]) {
      assert.ok(i.doc.length > 0 && !i.doc.includes("\n"), `${i.name}: doc must be one line`);
      assert.ok(!(i.required && "default" in i), `${i.name}: required and defaulted`);
      if (i.values) assert.ok(i.values.includes(i.default as string), `${i.name}: default not a value`);
    }
    assert.ok(argsKeysAreTheSpec && argsRequiredAreTheSpec && checkedKeysAreTheSpec && checkedAlwaysStored);
  });

  it("the README's Inputs table lists exactly the spec's inputs, defaults and docs", () => {
    const [header, ...rows] = readmeInputsTable();
    const expected = (INPUTS as readonly InputSpec[]).map(expectedRow);
    const hint = `\nREADME.md "## Inputs" should hold:\n\n${markdownTable(expected)}\n`;
    assert.deepEqual(header, HEADER, hint);
    assert.deepEqual(
      rows.map((r) => r[0]),
      expected.map((r) => r[0]),
      `the rows must name exactly the spec's inputs, in its order${hint}`,
    );
    assert.deepEqual(rows, expected, hint);
  });

  describe("check", () => {
    it("accepts every spec input, and no other key", () => {
      for (const name of INPUT_NAMES) {
        const { failures } = checkInputs({ ...valid, [name]: changed[name] });
        assert.deepEqual(failures, [], `${name}: ${JSON.stringify(failures)}`);
      }
      const [unknown] = checkInputs({ ...valid, bogus: 1 }).failures;
      assert.equal(unknown.property, "bogus");
      assert.ok(
        unknown.reason.endsWith(`Known properties: ${INPUT_NAMES.join(", ")}.`),
        `lists other keys than the spec: ${unknown.reason}`,
      );
    });

    it("stores the spec's default for an absent input, and nothing for one without a default", () => {
      const { inputs } = checkInputs(valid);
      for (const i of INPUTS as readonly InputSpec[]) {
        if (i.required) continue;
        if ("default" in i) assert.deepEqual(inputs[i.name], i.default, i.name);
        else assert.ok(!(i.name in inputs), `${i.name} stored without a default`);
      }
      assert.deepEqual(Object.keys(inputs).sort(), [...Object.keys(valid), ...Object.keys(DEFAULTS)].sort());
    });

    it("hands out copies of object defaults (the spec's are shared)", () => {
      const a = checkInputs(valid).inputs;
      (a.notificationEmails as string[]).push("x@y.com");
      (a.pollIntervalSeconds as { max: number }).max = 99;
      const b = checkInputs(valid).inputs;
      assert.deepEqual(b.notificationEmails, []);
      assert.deepEqual(b.pollIntervalSeconds, DEFAULTS.pollIntervalSeconds);
    });
  });

  describe("diff", () => {
    it("uses the spec's replace and update sets", () => {
      assert.deepEqual([...diff.REPLACE_KEYS], [...REPLACE_KEYS]);
      assert.deepEqual([...diff.UPDATE_KEYS], [...UPDATE_KEYS]);
      assert.deepEqual(
        [...REPLACE_KEYS, ...UPDATE_KEYS].sort(),
        INPUT_NAMES.filter((n) => !SECRET_KEYS.includes(n)).sort(),
        "every input but the secret one is either replace or update",
      );
    });

    const recorded = { ...checkInputs(valid).inputs, status: "succeeded", httpStatus: 202 };
    for (const i of INPUTS as readonly InputSpec[]) {
      const name = i.name as InputName;
      it(`a changed ${name} is: ${i.onChange}`, () => {
        const d = diff.diffInputs(recorded, checkInputs({ ...valid, [name]: changed[name] }).inputs);
        assert.deepEqual(d.replaces, i.onChange === "replace" ? [name] : [], JSON.stringify(d));
        assert.deepEqual(d.updates, i.onChange === "update" ? [name] : [], JSON.stringify(d));
        assert.equal(d.changes, i.onChange !== "nothing");
      });
    }

    it("reads an input absent from old state as its default, for every input that has one", () => {
      for (const name of INPUT_NAMES.filter(hasDefault)) {
        const old: Record<string, unknown> = { ...recorded };
        delete old[name];
        const d = diff.diffInputs(old, checkInputs(valid).inputs);
        assert.equal(d.changes, false, `${name}: ${JSON.stringify(d)}`);
        // And the other way round: new inputs that lack it (never from check, but cheap to hold).
        assert.equal(diff.diffInputs(recorded, old).changes, false, name);
      }
    });

    it("still shows an unknown value as a change", () => {
      const d = diff.diffInputs(recorded, { ...checkInputs(valid).inputs, timeoutSeconds: UNKNOWN });
      assert.deepEqual(d.updates, ["timeoutSeconds"]);
    });
  });

  it("the resource marks exactly the spec's secret inputs secret", () => {
    assert.deepEqual([...SECRET_KEYS], ["accessToken"]);
    const source = readFileSync(path.join(__dirname, "..", "..", "..", "provider", "resource.ts"), "utf8");
    assert.doesNotMatch(
      source,
      /additionalSecretOutputs: \[\s*"/,
      "secret keys written by hand in resource.ts",
    );
  });

  it("loads nothing but cppService (check runs at preview)", () => {
    const script =
      "const before = new Set(Object.keys(require.cache)); require(process.argv[1]); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => !before.has(k)).map((k) => require('path').basename(k))))";
    const out = execFileSync(process.execPath, ["-e", script, require.resolve("../../provider/inputSpec")], {
      encoding: "utf8",
    });
    assert.deepEqual(JSON.parse(out), ["inputSpec.js", "cppService.js"]);
  });
});

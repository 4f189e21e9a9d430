import { execFileSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as diff from "../../provider/kit/diff";
import { CancellationInputs, UNKNOWN, checkInputs } from "../../provider/kit/checks";
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
} from "../../provider/kit/inputSpec";
// Types only: the resource module loads @pulumi/pulumi, which this test does not need.
import type { OfferOperationCancellationArgs } from "../../provider/cpp/resource";
import type { IngestionJobCancellationArgs } from "../../provider/ingestion/resource";
import { IngestionInputs, checkIngestionInputs } from "../../provider/ingestion/inputs";
import {
  INGESTION_DEFAULTS,
  INGESTION_INPUTS,
  INGESTION_INPUT_NAMES,
  INGESTION_REPLACE_KEYS,
  INGESTION_SECRET_KEYS,
  INGESTION_UPDATE_KEYS,
  IngestionInputName,
  StoredIngestionInputName,
} from "../../provider/ingestion/inputSpec";

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
// The same for IngestionJobCancellation and its spec.
type RequiredIngestionName = Extract<(typeof INGESTION_INPUTS)[number], { required: true }>["name"];
const ingestionArgsKeys: Equal<keyof IngestionJobCancellationArgs, IngestionInputName> = true;
const ingestionArgsRequired: Equal<RequiredKeys<IngestionJobCancellationArgs>, RequiredIngestionName> = true;
const ingestionCheckedKeys: Equal<keyof IngestionInputs, IngestionInputName> = true;
const ingestionAlwaysStored: Equal<RequiredKeys<IngestionInputs>, StoredIngestionInputName> = true;

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

/** The first table under "## Inputs" (or another heading): header, then rows (the separator line dropped). */
function readmeInputsTable(heading = "## Inputs"): string[][] {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README.md has no '${heading}' section`);
  const section = text.slice(start + 1).split(/\n##+ /)[0];
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
    assert.ok(ingestionArgsKeys && ingestionArgsRequired && ingestionCheckedKeys && ingestionAlwaysStored);
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
    const source = readFileSync(
      path.join(__dirname, "..", "..", "..", "provider", "cpp", "resource.ts"),
      "utf8",
    );
    assert.doesNotMatch(
      source,
      /additionalSecretOutputs: \[\s*"/,
      "secret keys written by hand in resource.ts",
    );
  });

  it("loads nothing but the CPP service facts (check runs at preview)", () => {
    const script =
      "const before = new Set(Object.keys(require.cache)); require(process.argv[1]); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => !before.has(k)).map((k) => require('path').basename(k))))";
    const out = execFileSync(
      process.execPath,
      ["-e", script, require.resolve("../../provider/kit/inputSpec")],
      {
        encoding: "utf8",
      },
    );
    assert.deepEqual(JSON.parse(out), ["inputSpec.js", "service.js"]);
  });
});

describe("the IngestionJobCancellation input specification (ingestion/inputSpec.ts) is its one list", () => {
  const validJob = { jobId: "0c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" };
  const changedJob: Record<IngestionInputName, unknown> = {
    jobId: "9e0f1a2b-3c4d-4a6b-8c7d-0c1b2a3d4e5f",
    product: "contoso-offer",
    ifAlreadyCompleted: "fail",
    when: "destroy",
    triggers: ["publish-2"],
    timeoutSeconds: 60,
    pollIntervalSeconds: { min: 90, max: 600 },
    endpoint: "http://127.0.0.1:9999",
    apiVersion: "2022-07-01",
    accessToken: "eyJnew-token-value",
  };
  const diffSpec = {
    replaceKeys: INGESTION_REPLACE_KEYS,
    updateKeys: INGESTION_UPDATE_KEYS,
    defaults: INGESTION_DEFAULTS,
  };

  it("has each input once, with a one-line doc", () => {
    assert.equal(new Set(INGESTION_INPUT_NAMES).size, INGESTION_INPUTS.length);
    for (const i of INGESTION_INPUTS as readonly InputSpec[]) {
      assert.ok(i.doc.length > 0 && !i.doc.includes("\n"), `${i.name}: doc must be one line`);
      if (i.values) assert.ok(i.values.includes(i.default as string), `${i.name}: default not a value`);
    }
  });

  it("the README's 'Inputs of IngestionJobCancellation' table lists exactly the spec's inputs, defaults and docs", () => {
    const [header, ...rows] = readmeInputsTable("### Inputs of IngestionJobCancellation");
    const expected = (INGESTION_INPUTS as readonly InputSpec[]).map(expectedRow);
    const hint = `\nREADME.md "### Inputs of IngestionJobCancellation" should hold:\n\n${markdownTable(expected)}\n`;
    assert.deepEqual(header, HEADER, hint);
    assert.deepEqual(rows, expected, hint);
  });

  it("check accepts every spec input, and no other key; stores the defaults", () => {
    for (const name of INGESTION_INPUT_NAMES) {
      const { failures } = checkIngestionInputs({ ...validJob, [name]: changedJob[name] });
      assert.deepEqual(failures, [], `${name}: ${JSON.stringify(failures)}`);
    }
    const [unknown] = checkIngestionInputs({ ...validJob, publisherId: "contoso" }).failures;
    assert.equal(unknown.property, "publisherId");
    assert.ok(
      unknown.reason.endsWith(`Known properties: ${INGESTION_INPUT_NAMES.join(", ")}.`),
      unknown.reason,
    );
    const { inputs } = checkIngestionInputs(validJob);
    assert.deepEqual(
      Object.keys(inputs).sort(),
      [...Object.keys(validJob), ...Object.keys(INGESTION_DEFAULTS)].sort(),
    );
    assert.deepEqual(inputs.pollIntervalSeconds, { min: 60, max: 120 });
  });

  const recorded = { ...checkIngestionInputs(validJob).inputs, status: "canceled" };
  for (const i of INGESTION_INPUTS as readonly InputSpec[]) {
    const name = i.name as IngestionInputName;
    it(`a changed ${name} is: ${i.onChange}`, () => {
      const d = diff.diffBySpec(
        diffSpec,
        recorded,
        checkIngestionInputs({ ...validJob, [name]: changedJob[name] }).inputs,
      );
      assert.deepEqual(d.replaces, i.onChange === "replace" ? [name] : [], JSON.stringify(d));
      assert.deepEqual(d.updates, i.onChange === "update" ? [name] : [], JSON.stringify(d));
      assert.equal(d.changes, i.onChange !== "nothing");
    });
  }

  it("reads an input absent from old state as its default", () => {
    for (const name of Object.keys(INGESTION_DEFAULTS)) {
      const old: Record<string, unknown> = { ...recorded };
      delete old[name];
      assert.equal(
        diff.diffBySpec(diffSpec, old, checkIngestionInputs(validJob).inputs).changes,
        false,
        name,
      );
    }
  });

  it("marks exactly accessToken secret, and the resource takes its secret keys from the spec", () => {
    assert.deepEqual([...INGESTION_SECRET_KEYS], ["accessToken"]);
    const source = readFileSync(
      path.join(__dirname, "..", "..", "..", "provider", "ingestion", "resource.ts"),
      "utf8",
    );
    assert.doesNotMatch(source, /additionalSecretOutputs: \[\s*"/);
  });
});

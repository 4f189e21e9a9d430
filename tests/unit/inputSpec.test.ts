import { execFileSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { diffInputs } from "../../provider/kit/diff";
import { CheckOutcome, UNKNOWN } from "../../provider/kit/checks";
import {
  InputNameOf,
  InputSpec,
  OnChange,
  RequiredInputNameOf,
  SpecFacts,
  StoredInputNameOf,
} from "../../provider/kit/inputSpec";
// Types only: the resource modules load @pulumi/pulumi, which this test does not need.
import type { OfferOperationCancellationArgs } from "../../provider/cpp/resource";
import type { IngestionJobCancellationArgs } from "../../provider/ingestion/resource";
import { OfferOperationCancellationInputs, checkOfferOperationInputs } from "../../provider/cpp/inputs";
import { OFFER_OPERATION_SPEC } from "../../provider/cpp/inputSpec";
import { IngestionJobCancellationInputs, checkIngestionJobInputs } from "../../provider/ingestion/inputs";
import { INGESTION_JOB_SPEC } from "../../provider/ingestion/inputSpec";

// ---- Compile time: the TypeScript shapes name exactly the spec's inputs -------------------------
// (`npm run build` fails, not this test, when they drift.)
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

type OfferSpec = typeof OFFER_OPERATION_SPEC;
type OfferOperationInputName = InputNameOf<OfferSpec>;
const offerArgsKeys: Equal<keyof OfferOperationCancellationArgs, OfferOperationInputName> = true;
const offerArgsRequired: Equal<
  RequiredKeys<OfferOperationCancellationArgs>,
  RequiredInputNameOf<OfferSpec>
> = true;
const offerCheckedKeys: Equal<keyof OfferOperationCancellationInputs, OfferOperationInputName> = true;
// After check, an input is always present when it is required or has a default.
const offerAlwaysStored: Equal<
  RequiredKeys<OfferOperationCancellationInputs>,
  StoredInputNameOf<OfferSpec>
> = true;

type JobSpec = typeof INGESTION_JOB_SPEC;
type IngestionJobInputName = InputNameOf<JobSpec>;
const jobArgsKeys: Equal<keyof IngestionJobCancellationArgs, IngestionJobInputName> = true;
const jobArgsRequired: Equal<RequiredKeys<IngestionJobCancellationArgs>, RequiredInputNameOf<JobSpec>> = true;
const jobCheckedKeys: Equal<keyof IngestionJobCancellationInputs, IngestionJobInputName> = true;
const jobAlwaysStored: Equal<RequiredKeys<IngestionJobCancellationInputs>, StoredInputNameOf<JobSpec>> = true;

const README = path.join(__dirname, "..", "..", "..", "README.md");

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

/** One resource, as this specification test sees it. */
interface Resource {
  type: string;
  spec: SpecFacts;
  check(news: Record<string, unknown>): CheckOutcome;
  /** Its heading in the README, over its Inputs table. */
  readmeHeading: string;
  /** Its folder under provider/. */
  folder: string;
  /** The least valid inputs. */
  valid: Record<string, unknown>;
  /** A value for each input that differs from `valid` and from the default (typed: one per input). */
  changed: Record<string, unknown>;
  /** A status recorded after a finished cancel. */
  doneStatus: string;
  typesMatch: boolean;
}

const offerChanged: Record<OfferOperationInputName, unknown> = {
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

const jobChanged: Record<IngestionJobInputName, unknown> = {
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

const RESOURCES: Resource[] = [
  {
    type: "OfferOperationCancellation",
    spec: OFFER_OPERATION_SPEC,
    check: checkOfferOperationInputs,
    readmeHeading: "## Inputs",
    folder: "cpp",
    valid: { publisherId: "contoso", offerId: "contoso-offer" },
    changed: offerChanged,
    doneStatus: "succeeded",
    typesMatch: offerArgsKeys && offerArgsRequired && offerCheckedKeys && offerAlwaysStored,
  },
  {
    type: "IngestionJobCancellation",
    spec: INGESTION_JOB_SPEC,
    check: checkIngestionJobInputs,
    readmeHeading: "### Inputs of IngestionJobCancellation",
    folder: "ingestion",
    valid: { jobId: "0c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" },
    changed: jobChanged,
    doneStatus: "canceled",
    typesMatch: jobArgsKeys && jobArgsRequired && jobCheckedKeys && jobAlwaysStored,
  },
];

/** The seven inputs both resources share, specified once in kit/inputSpec.ts. */
const SHARED = [
  "when",
  "triggers",
  "timeoutSeconds",
  "pollIntervalSeconds",
  "endpoint",
  "apiVersion",
  "accessToken",
];

for (const r of RESOURCES) {
  const { spec, check, valid, changed } = r;
  const inputs = spec.inputs as readonly InputSpec[];

  describe(`the ${r.type} input specification (${r.folder}/inputSpec.ts) is its one list`, () => {
    it("has each input once, with a one-line doc; the TypeScript shapes name exactly these", () => {
      assert.equal(new Set(spec.names).size, inputs.length);
      for (const i of inputs) {
        assert.ok(i.doc.length > 0 && !i.doc.includes("\n"), `${i.name}: doc must be one line`);
        assert.ok(!(i.required && "default" in i), `${i.name}: required and defaulted`);
        if (i.values) assert.ok(i.values.includes(i.default as string), `${i.name}: default not a value`);
      }
      assert.ok(r.typesMatch);
    });

    it("ends with the seven shared inputs, in the same order as the other resource", () => {
      assert.deepEqual(spec.names.slice(-SHARED.length), SHARED);
    });

    it(`the README's '${r.readmeHeading}' table lists exactly the spec's inputs, defaults and docs`, () => {
      const [header, ...rows] = readmeInputsTable(r.readmeHeading);
      const expected = inputs.map(expectedRow);
      const hint = `\nThe README table under ${r.readmeHeading} should hold:\n\n${markdownTable(expected)}\n`;
      assert.deepEqual(header, HEADER, hint);
      assert.deepEqual(
        rows.map((row) => row[0]),
        expected.map((row) => row[0]),
        `the rows must name exactly the spec's inputs, in its order${hint}`,
      );
      assert.deepEqual(rows, expected, hint);
    });

    describe("check", () => {
      it("accepts every spec input, and no other key", () => {
        for (const name of spec.names) {
          const { failures } = check({ ...valid, [name]: changed[name] });
          assert.deepEqual(failures, [], `${name}: ${JSON.stringify(failures)}`);
        }
        const [unknown] = check({ ...valid, bogus: 1 }).failures;
        assert.equal(unknown.property, "bogus");
        assert.ok(
          unknown.reason.endsWith(`Known properties: ${spec.names.join(", ")}.`),
          `lists other keys than the spec: ${unknown.reason}`,
        );
      });

      it("stores the spec's default for an absent input, and nothing for one without a default", () => {
        const stored = check(valid).inputs;
        for (const i of inputs) {
          if (i.required) continue;
          if ("default" in i) assert.deepEqual(stored[i.name], i.default, i.name);
          else assert.ok(!(i.name in stored), `${i.name} stored without a default`);
        }
        assert.deepEqual(
          Object.keys(stored).sort(),
          [...Object.keys(valid), ...Object.keys(spec.defaults)].sort(),
        );
      });

      it("hands out copies of object defaults (the spec's are shared)", () => {
        const objects = Object.keys(spec.defaults).filter((k) => typeof spec.defaults[k] === "object");
        assert.ok(objects.includes("pollIntervalSeconds"), objects.join());
        const first = check(valid).inputs;
        for (const k of objects) {
          const v = first[k] as Record<string, unknown> | unknown[];
          if (Array.isArray(v)) v.push("x@y.com");
          else v.max = 99;
        }
        const second = check(valid).inputs;
        for (const k of objects) assert.deepEqual(second[k], spec.defaults[k], k);
      });
    });

    describe("diff", () => {
      it("every input but the secret ones is either replace or update", () => {
        assert.deepEqual(
          [...spec.replaceKeys, ...spec.updateKeys].sort(),
          spec.names.filter((n) => !spec.secretKeys.includes(n)).sort(),
        );
      });

      const recorded = { ...check(valid).inputs, status: r.doneStatus };
      for (const i of inputs) {
        it(`a changed ${i.name} is: ${i.onChange}`, () => {
          const d = diffInputs(spec, recorded, check({ ...valid, [i.name]: changed[i.name] }).inputs);
          assert.deepEqual(d.replaces, i.onChange === "replace" ? [i.name] : [], JSON.stringify(d));
          assert.deepEqual(d.updates, i.onChange === "update" ? [i.name] : [], JSON.stringify(d));
          assert.equal(d.changes, i.onChange !== "nothing");
        });
      }

      it("reads an input absent from old state as its default, for every input that has one", () => {
        for (const name of Object.keys(spec.defaults)) {
          const old: Record<string, unknown> = { ...recorded };
          delete old[name];
          const d = diffInputs(spec, old, check(valid).inputs);
          assert.equal(d.changes, false, `${name}: ${JSON.stringify(d)}`);
          // And the other way round: new inputs that lack it (never from check, but cheap to hold).
          assert.equal(diffInputs(spec, recorded, old).changes, false, name);
        }
      });

      it("still shows an unknown value as a change", () => {
        const d = diffInputs(spec, recorded, { ...check(valid).inputs, timeoutSeconds: UNKNOWN });
        assert.deepEqual(d.updates, ["timeoutSeconds"]);
      });
    });

    it("marks exactly accessToken secret, and the resource takes its secret keys from the spec", () => {
      assert.deepEqual([...spec.secretKeys], ["accessToken"]);
      const source = readFileSync(
        path.join(__dirname, "..", "..", "..", "provider", r.folder, "resource.ts"),
        "utf8",
      );
      assert.doesNotMatch(source, /additionalSecretOutputs: \[\s*"/, "secret keys written by hand");
    });

    it("loads nothing but the service facts and the spec machinery (check runs at preview)", () => {
      const script =
        "const before = new Set(Object.keys(require.cache)); require(process.argv[1]); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => !before.has(k))))";
      const file = require.resolve(`../../provider/${r.folder}/inputSpec`);
      const out = execFileSync(process.execPath, ["-e", script, file], { encoding: "utf8" });
      const root = path.join(path.dirname(file), "..");
      assert.deepEqual(
        (JSON.parse(out) as string[]).map((f) => path.relative(root, f).replace(/\\/g, "/")).sort(),
        ["core/audience.js", "kit/inputSpec.js", `${r.folder}/inputSpec.js`, `${r.folder}/service.js`].sort(),
      );
    });
  });
}

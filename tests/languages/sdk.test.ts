import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageSchema } from "../../provider/plugin/schema";
import { tokenOf } from "../../provider/plugin/schemaTypes";
import { findRepoPath, run } from "../../tools/engine/goBuild";
import { ensurePulumi } from "../../tools/engine/ensurePulumi";
import { SCHEMA_FILE, SDK_LANGUAGES, generateSdk, sdkDir } from "../../tools/sdk/generate";
import { schemaDrift } from "./schemaDrift";

/**
 * The native plugin's package schema and the SDKs generated from it (docs/design.md §4 "Two
 * fronts over one lifecycle"): the schema says what the specs say; the committed `sdk/` is what
 * `npm run sdk` generates now; the Python SDK compiles, the Go SDK vets and builds against the
 * oldest supported Pulumi SDK; the plugin serves this very schema.
 */
type Json = Record<string, unknown>;

const REPO = path.dirname(findRepoPath("package.json"));
const GO_MODULE = "github.com/pulumi-marketplace-cancel/pulumi-marketplace-cancel/sdk/go";
const OFFER = tokenOf("OfferOperationCancellation");

function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pmc-${prefix}-`));
}

/** Files under `dir`, relative and `/`-separated, sorted. */
function filesUnder(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? filesUnder(full, base) : [path.relative(base, full).split(path.sep).join("/")];
    })
    .sort();
}

/** The generated part of an SDK directory: the schema and each language's tree. */
function generatedFiles(root: string): string[] {
  const schema = fs.existsSync(path.join(root, SCHEMA_FILE)) ? [SCHEMA_FILE] : [];
  return [...schema, ...SDK_LANGUAGES.flatMap((l) => filesUnder(path.join(root, l)).map((f) => `${l}/${f}`))];
}

/** The oldest `@pulumi/pulumi` this package supports (its peer range's floor): the Go SDK builds against it. */
function oldestPulumiSdk(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
    peerDependencies: Record<string, string>;
  };
  return pkg.peerDependencies["@pulumi/pulumi"].replace(/^\^/, "");
}

describe("languages: the package schema and the generated SDKs", function () {
  this.timeout(900_000);

  describe("the schema says what the specs say", () => {
    it("every input, default, enumeration, secret, description, output and setting of the specs, and nothing else", () => {
      assert.deepEqual(schemaDrift(packageSchema()), []);
    });

    it("a schema that drifts from the specs is caught, one line per drift", () => {
      // As served (JSON), where no two properties share an object.
      const schema = JSON.parse(JSON.stringify(packageSchema())) as Json;
      const offer = (schema.resources as Record<string, Json>)[OFFER];
      const inputs = offer.inputProperties as Record<string, Json>;
      inputs.when.default = "destroy";
      delete inputs.accessToken.secret;
      const ifNothing = (schema.types as Record<string, Json>)[tokenOf("IfNothingToCancel")];
      (ifNothing.enum as Json[]).push({ value: "retry" });
      const variables = (schema.config as { variables: Record<string, Json> }).variables;
      delete variables.clientSecret.secret;
      const drift = schemaDrift(schema);
      const about = (needle: string) => drift.filter((line) => line.includes(needle));
      assert.equal(about("inputProperties.when: default").length, 1, drift.join("\n"));
      assert.equal(about("inputProperties.accessToken: secret").length, 1, drift.join("\n"));
      assert.equal(about("inputProperties.ifNothingToCancel: enumeration").length, 1, drift.join("\n"));
      assert.equal(about("config.variables.clientSecret: secret").length, 1, drift.join("\n"));
      assert.equal(drift.length, 4, drift.join("\n"));
    });
  });

  it("the committed sdk/ is byte for byte what `npm run sdk` generates from the specs now", async () => {
    const fresh = scratchDir("sdk");
    try {
      await generateSdk(fresh);
      const committed = sdkDir();
      const expected = generatedFiles(fresh);
      const actual = generatedFiles(committed);
      const advice = "sdk/ is stale: run `npm run sdk` and commit sdk/";
      assert.deepEqual(actual, expected, `${advice} (files differ)`);
      const differing = expected.filter(
        (f) => !fs.readFileSync(path.join(fresh, f)).equals(fs.readFileSync(path.join(committed, f))),
      );
      assert.deepEqual(differing, [], `${advice} (contents differ)`);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("every generated Python file compiles (python3 -m py_compile)", async () => {
    const python = path.join(sdkDir(), "python");
    const files = filesUnder(python).filter((f) => f.endsWith(".py"));
    assert.ok(files.includes("pulumi_marketplace/offer_operation_cancellation.py"), files.join(", "));
    const cache = scratchDir("pycache");
    try {
      // The bytecode goes to a scratch directory: nothing is written into sdk/.
      await run("python3", ["-m", "py_compile", ...files], {
        cwd: python,
        env: { ...process.env, PYTHONPYCACHEPREFIX: cache },
      });
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it("the Go SDK passes go vet and builds against the oldest supported Pulumi SDK", async () => {
    const dir = scratchDir("gosdk");
    try {
      const goMod = [
        "module offercancel.local/sdkcheck",
        "",
        "go 1.25",
        "",
        `require ${GO_MODULE} v0.0.0`,
        `require github.com/pulumi/pulumi/sdk/v3 v${oldestPulumiSdk()}`,
        "",
        `replace ${GO_MODULE} => ${path.join(sdkDir(), "go")}`,
        "",
      ].join("\n");
      fs.writeFileSync(path.join(dir, "go.mod"), goMod);
      const imports = ["marketplace", "marketplace/config"].map((p) => `\t_ "${GO_MODULE}/${p}"`).join("\n");
      fs.writeFileSync(
        path.join(dir, "main.go"),
        `package main\n\nimport (\n${imports}\n)\n\nfunc main() {}\n`,
      );
      // go.sum from the module proxy (or the module cache); Go's build cache makes a second run quick.
      await run("go", ["mod", "tidy"], { cwd: dir });
      await run("go", ["vet", `${GO_MODULE}/...`], { cwd: dir });
      await run("go", ["build", `${GO_MODULE}/...`, "./..."], { cwd: dir });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("`pulumi package get-schema` on the plugin executable returns packageSchema()", async function () {
    const plugin = path.join(REPO, "bin", "pulumi-resource-marketplace");
    if (!fs.existsSync(plugin)) this.skip(); // the plugin executable is not in this checkout yet
    const engine = await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) });
    const home = scratchDir("pulumi-home");
    try {
      const { stdout } = await run(engine.binary, ["package", "get-schema", plugin], {
        env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" },
      });
      assert.deepStrictEqual(JSON.parse(stdout), packageSchema());
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

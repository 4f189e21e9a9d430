import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findRepoPath } from "../../tools/engine/goBuild";
import { packageSchema } from "../../provider/plugin/schema";

/**
 * Specification: the per-language examples of the native plugin (README "Usage per language") are
 * correct as far as this machine can tell, each as a user would build it (docs/design.md §11 says
 * which languages can run here):
 *
 * - `examples/native-typescript` type-checks with its own `tsconfig.json` (`module: nodenext`, as
 *   `pulumi new typescript` writes), so `pulumi-marketplace-cancel/native` resolves through the
 *   package's `exports` to the generated SDK's declarations, and every name it uses exists there;
 * - `examples/python` compiles (`python3 -m py_compile`), and every keyword argument and output it
 *   uses is one the generated `pulumi_marketplace` classes declare (read from their source: no
 *   Python `pulumi` package is installed here to import them);
 * - `examples/yaml` and `examples/csharp` name only resource types, inputs and outputs of the
 *   package schema, required inputs included. The C# program is compile-checked nowhere here (no
 *   .NET generator, README "Supported versions"); YAML programs run in `yaml.test.ts`;
 * - `examples/go` passes `go vet` (which type-checks it) against the generated Go SDK, through the
 *   `replace` in its go.mod and the go.sum it ships; `go.test.ts` runs a Go program on that SDK.
 */

const ROOT = path.dirname(findRepoPath("package.json"));
const EXAMPLES = path.join(ROOT, "examples");

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { ...opts, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const exitCode = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ exitCode, stdout, stderr });
    });
  });
}

const said = (r: Run) => `exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`;

interface SchemaResource {
  inputProperties?: Record<string, unknown>;
  requiredInputs?: string[];
  properties?: Record<string, unknown>;
}

function schemaResources(): Record<string, SchemaResource> {
  return (packageSchema().resources ?? {}) as Record<string, SchemaResource>;
}

/** The resource of `token`, failing with the tokens the schema has. */
function schemaResource(token: string): SchemaResource {
  const resources = schemaResources();
  assert.ok(token in resources, `the schema has no ${token}: ${Object.keys(resources).join(", ")}`);
  return resources[token];
}

const camel = (pascal: string) => pascal[0].toLowerCase() + pascal.slice(1);

/** js-yaml, through @pulumi/pulumi, which depends on it (the repository declares no YAML parser). */
function parseYaml(text: string): unknown {
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const yaml = require(require.resolve("js-yaml", { paths: [pulumiDir] })) as { load(text: string): unknown };
  return yaml.load(text);
}

describe("the native plugin's examples per language", function () {
  this.timeout(5 * 60_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-examples-"));

  after(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("examples/native-typescript type-checks against pulumi-marketplace-cancel/native with its own tsconfig", async function () {
    const project = path.join(EXAMPLES, "native-typescript");
    const tsc = require.resolve("typescript/bin/tsc");
    const result = await run(process.execPath, [tsc, "-p", path.join(project, "tsconfig.json"), "--noEmit"], {
      cwd: project,
    });
    assert.equal(result.exitCode, 0, said(result));
  });

  it("examples/python compiles, and uses only arguments and outputs the generated pulumi_marketplace declares", async function () {
    const program = path.join(EXAMPLES, "python", "__main__.py");
    // The bytecode goes to a directory of the test's, not into the example.
    const env = { ...process.env, PYTHONPYCACHEPREFIX: path.join(tmp, "pycache") };
    const compiled = await run("python3", ["-m", "py_compile", program], { env });
    assert.equal(compiled.exitCode, 0, said(compiled));

    const checker = findRepoPath(path.join("tests", "languages", "pythonNames.py"));
    const sdk = path.join(ROOT, "sdk", "python", "pulumi_marketplace");
    const names = await run("python3", [checker, sdk, program], { env });
    assert.equal(names.exitCode, 0, said(names));
    // The checker prints what it compared, so a program that used nothing of the SDK fails here.
    assert.match(
      names.stdout,
      /^checked marketplace\.OfferOperationCancellation: \d+ arguments, \d+ outputs$/m,
    );
  });

  it("examples/go passes go vet against the generated Go SDK (its go.mod replaces the module by sdk/go)", async function () {
    // -mod=readonly: the example's go.mod and go.sum must be complete as shipped; nothing is rewritten.
    const env = { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false" };
    const result = await run("go", ["vet", "./..."], { cwd: path.join(EXAMPLES, "go"), env });
    assert.equal(result.exitCode, 0, said(result));
  });

  it("examples/yaml declares only schema resources, with their required inputs, and reads only their outputs", function () {
    const project = parseYaml(fs.readFileSync(path.join(EXAMPLES, "yaml", "Pulumi.yaml"), "utf8")) as {
      plugins?: { providers?: { name: string; path: string }[] };
      resources: Record<string, { type: string; properties?: Record<string, unknown> }>;
      outputs: Record<string, string>;
    };
    assert.deepEqual(project.plugins?.providers, [
      { name: "marketplace", path: "node_modules/pulumi-marketplace-cancel/bin" },
    ]);
    const declared = Object.entries(project.resources);
    assert.ok(declared.length > 0, "the YAML example declares no resource");
    for (const [name, resource] of declared) {
      const schema = schemaResource(resource.type);
      const given = Object.keys(resource.properties ?? {});
      for (const input of given) {
        assert.ok(
          input in (schema.inputProperties ?? {}),
          `${name}: ${input} is not an input of ${resource.type}`,
        );
      }
      for (const required of schema.requiredInputs ?? []) {
        assert.ok(given.includes(required), `${name}: the required input ${required} is missing`);
      }
    }
    for (const [output, expression] of Object.entries(project.outputs)) {
      const match = /^\$\{([\w-]+)\.(\w+)\}$/.exec(expression);
      assert.ok(match, `output ${output}: ${expression} is not \${resource.output}`);
      const [, resourceName, property] = match;
      const resource = project.resources[resourceName];
      assert.ok(resource, `output ${output} reads ${resourceName}, which the program does not declare`);
      assert.ok(
        property in (schemaResource(resource.type).properties ?? {}),
        `output ${output}: ${property} is not an output of ${resource.type}`,
      );
    }
  });

  it("examples/csharp names only schema resources, inputs and outputs (compile-checked nowhere here)", function () {
    const program = fs.readFileSync(path.join(EXAMPLES, "csharp", "Program.cs"), "utf8");
    const constructions = [
      ...program.matchAll(/var (\w+) = new (\w+)\("[^"]*", new \2Args\s*\{([\s\S]*?)\}\);/g),
    ];
    assert.ok(constructions.length > 0, "the C# example constructs no resource");
    for (const [, variable, className, body] of constructions) {
      const token = `marketplace:index:${className}`;
      const schema = schemaResource(token);
      const given = [...body.matchAll(/^\s*(\w+)\s*=/gm)].map((m) => camel(m[1]));
      assert.ok(given.length > 0, `${className}: no input given`);
      for (const input of given) {
        assert.ok(
          input in (schema.inputProperties ?? {}),
          `${className}: ${input} is not an input of ${token}`,
        );
      }
      for (const required of schema.requiredInputs ?? []) {
        assert.ok(given.includes(required), `${className}: the required input ${required} is missing`);
      }
      const read = [...program.matchAll(new RegExp(`\\b${variable}\\.(\\w+)`, "g"))].map((m) => camel(m[1]));
      assert.ok(read.length > 0, `${className}: no output read`);
      for (const output of read) {
        assert.ok(
          output in (schema.properties ?? {}),
          `${className}: ${output} is not an output of ${token}`,
        );
      }
    }
  });
});

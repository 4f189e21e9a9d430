import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findRepoPath } from "../../tools/engine/goBuild";
import { ensureActionlint } from "../../tools/engine/goTools";

/**
 * Specification: the GitHub Actions workflows the README offers publishers (README "Keyless CI with
 * GitHub Actions" and "Pull requests") are the files in `examples/github-actions/`, and actionlint
 * (built from the Go module proxy and cached like the engine, docs/design.md §11) finds nothing wrong
 * in them: expressions, contexts, permission scopes, and the inputs of the actions they use
 * (actionlint knows `pulumi/actions@v6`'s). The README links the files and carries no copy that
 * could drift from what is linted.
 *
 * That the linter looks at all is proved on broken copies: each breaks one line of a real workflow
 * the way an edit could, and must fail with that one error.
 */

const WORKFLOW_DIR = path.dirname(findRepoPath(path.join("examples", "github-actions", "up.yml")));
const README = findRepoPath("README.md");

/** `pulumi up` on main, and `pulumi preview --diff` as a pull-request comment. */
const WORKFLOWS = ["preview.yml", "up.yml"];

interface LintError {
  message: string;
  filepath: string;
  line: number;
  kind: string;
}

interface LintResult {
  exitCode: number;
  errors: LintError[];
  stderr: string;
}

let actionlint: string | undefined;

/**
 * actionlint over exactly `files`. Its shellcheck and pyflakes passes are switched off: neither is
 * installed here, and actionlint silently skips each one it cannot find, so leaving them on would
 * make the verdict depend on the machine.
 */
function lint(files: string[]): Promise<LintResult> {
  const args = ["-shellcheck=", "-pyflakes=", "-no-color", "-format", "{{json .}}", ...files];
  return new Promise((resolve) => {
    execFile(actionlint!, args, { cwd: os.tmpdir() }, (err, stdout, stderr) => {
      const exitCode = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      const text = stdout.trim();
      resolve({ exitCode, errors: text === "" ? [] : (JSON.parse(text) as LintError[]), stderr });
    });
  });
}

const describeErrors = (r: LintResult): string =>
  `exit ${r.exitCode}: ${r.errors.map((e) => `${e.filepath}:${e.line} [${e.kind}] ${e.message}`).join("; ")} ${r.stderr}`;

/** One edit that breaks one line of a real workflow, and the one error actionlint must report. */
interface Break {
  what: string;
  file: string;
  from: string;
  to: string;
  kind: string;
  says: RegExp;
}

const BREAKS: Break[] = [
  {
    what: "a misspelled input of pulumi/actions",
    file: "preview.yml",
    from: "comment-on-pr:",
    to: "comment-on-pull-request:",
    kind: "action",
    says: /input "comment-on-pull-request" is not defined in action "pulumi\/actions@v6"/,
  },
  {
    what: "a context that does not exist",
    file: "up.yml",
    from: "${{ vars.PULUMI_STACK }}",
    to: "${{ var.PULUMI_STACK }}",
    kind: "expression",
    says: /undefined variable "var"/,
  },
  {
    what: "a permission scope that does not exist",
    file: "preview.yml",
    from: "pull-requests: write",
    to: "pull-request: write",
    kind: "permissions",
    says: /unknown permission scope "pull-request"/,
  },
  {
    what: "an unterminated expression",
    file: "preview.yml",
    from: "${{ github.event.pull_request.number }}",
    to: "${{ github.event.pull_request.number }",
    kind: "expression",
    says: /unexpected EOF while lexing end marker }}/,
  },
];

describe("the GitHub Actions workflows in examples/github-actions", function () {
  this.timeout(10 * 60_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-workflows-"));

  before(async function () {
    actionlint = (await ensureActionlint({ log: (line) => process.stderr.write(`[actionlint] ${line}\n`) }))
      .binary;
  });

  after(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("are exactly the pull-request workflow and the up workflow", function () {
    const found = fs
      .readdirSync(WORKFLOW_DIR)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort();
    assert.deepEqual(found, WORKFLOWS);
  });

  it("pass actionlint", async function () {
    const result = await lint(WORKFLOWS.map((name) => path.join(WORKFLOW_DIR, name)));
    assert.deepEqual(result.errors, [], describeErrors(result));
    assert.equal(result.exitCode, 0, describeErrors(result));
  });

  for (const broken of BREAKS) {
    it(`fail actionlint with ${broken.what} (${broken.file}: ${broken.from} → ${broken.to})`, async function () {
      const original = fs.readFileSync(path.join(WORKFLOW_DIR, broken.file), "utf8");
      const at = original.indexOf(broken.from);
      assert.ok(at >= 0, `${broken.file} no longer contains ${broken.from}: update this break`);
      const line = original.slice(0, at).split("\n").length;
      const dir = fs.mkdtempSync(path.join(tmp, "broken-"));
      const file = path.join(dir, broken.file);
      fs.writeFileSync(file, original.slice(0, at) + broken.to + original.slice(at + broken.from.length));

      const result = await lint([file]);
      assert.equal(result.exitCode, 1, describeErrors(result));
      assert.equal(result.errors.length, 1, describeErrors(result));
      const [error] = result.errors;
      assert.equal(error.kind, broken.kind, describeErrors(result));
      assert.equal(error.line, line, describeErrors(result));
      assert.match(error.message, broken.says);
    });
  }

  it("are linked from the README, which carries no copy of either", function () {
    const readme = fs.readFileSync(README, "utf8");
    for (const name of WORKFLOWS) {
      assert.ok(readme.includes(`examples/github-actions/${name}`), `the README does not link ${name}`);
    }
    const yamlBlocks = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]);
    const workflowCopies = yamlBlocks.filter((block) => /^jobs:/m.test(block) && /^on:/m.test(block));
    assert.deepEqual(workflowCopies, [], "a workflow in the README would drift from the linted file");
  });
});

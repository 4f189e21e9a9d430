import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Specification: every document the code cites exists, and says what the citation claims.
 *
 * Comments point readers to `docs/` (docs/design.md "Layout"), so a citation that names a file
 * that is not in the repository, a section number the document does not have, or a section title
 * that is not one of its headings sends the reader nowhere. So does "issue N": the issues are not
 * in the repository. The citation syntax this test reads:
 *
 *   docs/cpp-api.md §1                 a numbered section: a `## 1. …` or `## §1 …` heading
 *   docs/cpp-api.md §2–§4, §6–7        a range: every number in it
 *   docs/design.md "Credentials"       a title: any heading of the document, without its number
 *   docs/design.md §5 "Resume"         both: the title is a heading within that section
 *   §3                                 a bare number: the document cited last before it in the file
 *                                      (in a document of docs/, that document itself)
 *
 * A `*.md` path is looked up from the repository root, then from the citing file's folder.
 * Titles compare without backticks, `#` marks, case and repeated spaces; a heading also answers
 * to its part before a colon or a trailing parenthesis (`"Fleet"` finds `## 2. Fleet: N stacks`,
 * `"Layout"` finds `## Layout (top level)`, and the other way round). A title may run onto the
 * next comment line.
 */

const ROOT = path.join(__dirname, "..", "..", "..");
/** This file quotes broken citations on purpose (the fixtures below), so it is not scanned. */
const SELF = "tests/unit/docReferences.test.ts";
const SCANNED_FOLDERS = ["provider", "emulator", "tests", "tools", "bench", "examples", "docs"];

export interface SourceFile {
  /** Repository-relative, `/`-separated. */
  path: string;
  text: string;
}

/** How the check sees the repository: which files exist, and the text of a document. */
export interface Repository {
  exists(repoPath: string): boolean;
  read(repoPath: string): string;
}

interface Heading {
  title: string;
  /** The `##` section it belongs to (its own number for a `##` heading). */
  section?: number;
}

const MD_PATH = /(?<![\w/.-])((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w-]+\.md)\b/g;
const SECTION = /§\s*(\d+)(?:\s*[–—-]\s*§?\s*(\d+))?/g;
const ISSUE = /\bissues?\s+#?\d+/gi;
/** `owner/repo issue 12` names another project's tracker, which is a place a reader can go. */
const EXTERNAL_TRACKER = /[\w.-]+\/[\w.-]+\s*$/;

/** A comment's continuation marker, so that a quoted title may run onto the next line. */
const COMMENT_LEAD = /^\s*(?:\/\*\*?|\*|\/\/)?\s?/;

const normalizeTitle = (t: string) =>
  t
    .replace(/^#+\s*/, "")
    .replace(/`/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
/** A title's short forms: without a trailing parenthesis, and its part before a colon. */
const shortForms = (t: string) => [t.replace(/\s*\([^()]*\)$/, ""), t.replace(/:\s.*$/, "")];
const sameTitle = (heading: string, cited: string) =>
  heading === cited || shortForms(heading).includes(cited) || shortForms(cited).includes(heading);

/** The headings of a Markdown document, outside fenced code, with the `##` section each is in. */
export function headingsOf(markdown: string): Heading[] {
  const out: Heading[] = [];
  let fenced = false;
  let section: number | undefined;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const numbered = /^(?:§\s*(\d+)\.?|(\d+)\.)\s+(.*)$/.exec(m[2]);
    if (m[1].length <= 2)
      section = numbered && m[1].length === 2 ? Number(numbered[1] ?? numbered[2]) : undefined;
    out.push({ title: normalizeTitle(numbered ? numbered[3] : m[2]), section });
  }
  return out;
}

/** Where a cited `*.md` is: from the root, else from the citing file's folder. */
function resolveDoc(repo: Repository, citing: string, cited: string): string | undefined {
  const candidates = [path.posix.normalize(cited), path.posix.join(path.posix.dirname(citing), cited)];
  return candidates.find((c) => !c.startsWith("..") && repo.exists(c));
}

/**
 * Every dangling reference in `files`, as `path:line: what is wrong`. Lines are joined (comment
 * markers dropped) so that a citation split over two comment lines is still one citation.
 */
export function danglingReferences(files: readonly SourceFile[], repo: Repository): string[] {
  const failures: string[] = [];
  const headingCache = new Map<string, Heading[]>();
  const headings = (doc: string) => {
    if (!headingCache.has(doc)) headingCache.set(doc, headingsOf(repo.read(doc)));
    return headingCache.get(doc)!;
  };

  for (const file of files) {
    const isDoc = file.path.endsWith(".md");
    const lines = file.text.split("\n");
    const starts: number[] = [];
    let flat = "";
    for (const line of lines) {
      starts.push(flat.length);
      // An escape such as `\n` in a string literal is no part of a name: blank it, same length.
      flat += (isDoc ? line : line.replace(COMMENT_LEAD, "").replace(/\\[nrt]/g, "  ")) + "\n";
    }
    const lineOf = (offset: number) => {
      let i = 0;
      while (i + 1 < starts.length && starts[i + 1] <= offset) i++;
      return i + 1;
    };
    const fail = (offset: number, why: string) => failures.push(`${file.path}:${lineOf(offset)}: ${why}`);

    // Document citations, in order: each one is the context of the bare `§N` after it.
    const citations: { at: number; end: number; doc?: string }[] = [];
    for (const m of flat.matchAll(MD_PATH)) {
      const at = m.index!;
      const doc = resolveDoc(repo, file.path, m[1]);
      if (!doc) fail(at, `${m[1]} is not a file of the repository`);
      citations.push({ at, end: at + m[1].length, doc });
    }

    const sectionOf = (doc: string, n: number) => headings(doc).some((h) => h.section === n);
    const checkNumber = (doc: string, n: number, at: number) => {
      if (!sectionOf(doc, n)) fail(at, `${doc} has no section §${n}`);
    };

    for (const m of flat.matchAll(SECTION)) {
      const at = m.index!;
      // In code, the last document cited before; in a document, one cited right before, else itself.
      const before = citations.filter((c) => c.end <= at);
      const last = before[before.length - 1];
      const adjacent = last && /^[\s,]*$/.test(flat.slice(last.end, at));
      const context = isDoc ? (adjacent ? last : { doc: file.path }) : last;
      if (!context) {
        fail(at, `${m[0]} cites no document (write docs/<name>.md ${m[0]})`);
        continue;
      }
      if (!context.doc) continue; // the missing document has been reported
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : Number(m[2]);
      for (let n = Math.min(from, to); n <= Math.max(from, to); n++) checkNumber(context.doc, n, at);
    }

    // Quoted titles right after a citation: `docs/x.md "T"`, `docs/x.md, "T"`, `docs/x.md §N "T"`.
    for (const c of citations) {
      if (!c.doc) continue;
      const tail = /^(?:[ \t\n]+|,[ \t\n]*)(?:§\s*(\d+)[ \t\n]*)?"([^"\n]+(?:\n[^"\n]+)?)"/.exec(
        flat.slice(c.end),
      );
      if (!tail) continue;
      const title = normalizeTitle(tail[2]);
      const section = tail[1] === undefined ? undefined : Number(tail[1]);
      const found = headings(c.doc).some(
        (h) => sameTitle(h.title, title) && (section === undefined || h.section === section),
      );
      if (!found) {
        const where = section === undefined ? "" : ` within §${section}`;
        fail(c.at, `${c.doc} has no heading "${tail[2].replace(/\s+/g, " ")}"${where}`);
      }
    }

    if (!isDoc) {
      for (const m of flat.matchAll(ISSUE)) {
        if (EXTERNAL_TRACKER.test(flat.slice(Math.max(0, m.index! - 80), m.index!))) continue;
        fail(m.index!, `"${m[0]}" cites an issue tracker the reader does not have: cite docs/ instead`);
      }
    }
  }
  return failures;
}

/** Source and test files (`.ts`, `README.md`) and the documents of docs/, as the work tree has them. */
function repositoryFiles(): SourceFile[] {
  const listed = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ...SCANNED_FOLDERS],
    { cwd: ROOT, encoding: "utf8" },
  )
    .split("\0")
    .filter(Boolean);
  const wanted = (p: string) =>
    p !== SELF &&
    (p.endsWith(".ts") || path.posix.basename(p) === "README.md" || /^docs\/.*\.md$/.test(p)) &&
    fs.existsSync(path.join(ROOT, p));
  return [...new Set(listed)]
    .filter(wanted)
    .map((p) => ({ path: p, text: fs.readFileSync(path.join(ROOT, p), "utf8") }));
}

const workTree: Repository = {
  exists: (p) => !p.split("/").includes("node_modules") && fs.existsSync(path.join(ROOT, p)),
  read: (p) => fs.readFileSync(path.join(ROOT, p), "utf8"),
};

/** An in-memory repository for the self-test. */
function memory(docs: Record<string, string>): Repository {
  return {
    exists: (p) => p in docs,
    read: (p) => docs[p] ?? "",
  };
}

describe("document references", () => {
  it("every document, section and title the code and docs/ cite exists", () => {
    const files = repositoryFiles();
    assert.ok(
      files.some((f) => f.path.startsWith("provider/")),
      "no provider source was found to scan",
    );
    const failures = danglingReferences(files, workTree);
    assert.deepEqual(failures, [], `dangling references:\n${failures.join("\n")}`);
  });

  describe("the check itself, on a small in-memory repository", () => {
    const repo = memory({
      "docs/api.md": [
        "# The API",
        "## Where facts come from",
        "## 1. Cancel",
        "### How the client reads it",
        "```",
        "## 9. Not a heading: inside a fence",
        "```",
        "## §2 Get one `operation`",
        "## 3. Open questions",
      ].join("\n"),
      "tools/README.md": "# Tools",
    });
    const check = (text: string, file = "provider/x.ts") => danglingReferences([{ path: file, text }], repo);

    it("accepts citations that resolve: numbers, ranges, titles, bare numbers after a citation", () => {
      const text = [
        "/**",
        ' * See docs/api.md §1 "How the client reads it", docs/api.md §2–§3 and docs/api.md "Get one operation";',
        ' * later (§3) means docs/api.md; docs/api.md, "Where facts come from (with a remark)" finds its heading.',
        ' * tools/README.md is a file; a quote further on is no title: tools/README.md is "anything".',
        " */",
        'const hint = `\\ntools/README.md "Tools" should hold`;',
      ].join("\n");
      assert.deepEqual(check(text), []);
    });

    it("fails on a Markdown file that is not in the repository, bare or with a path", () => {
      assert.deepEqual(check("// design.md\n// see docs/gone.md §1"), [
        "provider/x.ts:1: design.md is not a file of the repository",
        "provider/x.ts:2: docs/gone.md is not a file of the repository",
      ]);
    });

    it("resolves a bare name from the citing file's folder", () => {
      assert.deepEqual(check("// README.md", "tools/run.ts"), []);
      assert.deepEqual(check("// README.md", "provider/run.ts"), [
        "provider/run.ts:1: README.md is not a file of the repository",
      ]);
    });

    it("fails on a section number the cited document does not have, fenced headings excluded", () => {
      assert.deepEqual(check("// docs/api.md §9"), ["provider/x.ts:1: docs/api.md has no section §9"]);
      assert.deepEqual(check("// docs/api.md §2–§4"), ["provider/x.ts:1: docs/api.md has no section §4"]);
      assert.deepEqual(check("// docs/api.md\n\n// (§7)"), [
        "provider/x.ts:3: docs/api.md has no section §7",
      ]);
    });

    it("fails on a section number with no document cited before it", () => {
      assert.deepEqual(check("// as §1 says"), [
        "provider/x.ts:1: §1 cites no document (write docs/<name>.md §1)",
      ]);
    });

    it("finds a heading by its short forms, and by nothing shorter", () => {
      const doc = { "docs/b.md": "## 1. Fleet: N stacks (measured)\n## 2. Layout\n" };
      const at = (text: string) => danglingReferences([{ path: "provider/x.ts", text }], memory(doc));
      assert.deepEqual(at('// docs/b.md "Fleet" and docs/b.md "Layout (top level)"'), []);
      assert.deepEqual(at('// docs/b.md "Fleet: N stacks" and docs/b.md "## Layout"'), []);
      assert.deepEqual(at('// docs/b.md "Fle"'), ['provider/x.ts:1: docs/b.md has no heading "Fle"']);
    });

    it("fails on a quoted title that is no heading, and on a title outside the cited section", () => {
      assert.deepEqual(check('// docs/api.md "Retries"'), [
        'provider/x.ts:1: docs/api.md has no heading "Retries"',
      ]);
      assert.deepEqual(check('// docs/api.md §2 "Cancel"'), [
        'provider/x.ts:1: docs/api.md has no heading "Cancel" within §2',
      ]);
    });

    it("reads a title that runs onto the next comment line", () => {
      assert.deepEqual(check('/**\n * docs/api.md, "Get one\n * `operation`"\n */'), []);
      assert.deepEqual(check('/**\n * docs/api.md, "Get two\n * operations"\n */'), [
        'provider/x.ts:2: docs/api.md has no heading "Get two operations"',
      ]);
    });

    it('fails on "issue N" in code, but not on another project\'s tracker', () => {
      assert.deepEqual(check("// decided in issue 11\n// see Issue #4"), [
        'provider/x.ts:1: "issue 11" cites an issue tracker the reader does not have: cite docs/ instead',
        'provider/x.ts:2: "Issue #4" cites an issue tracker the reader does not have: cite docs/ instead',
      ]);
      assert.deepEqual(check("// as quoted in Azure/Some-Repo issue #622"), []);
    });

    it("reads a bare § in a document as its own section, and checks it", () => {
      const doc = { path: "docs/api.md", text: repo.read("docs/api.md") + "\nsee §3 and §8\n" };
      assert.deepEqual(danglingReferences([doc], repo), ["docs/api.md:10: docs/api.md has no section §8"]);
    });
  });
});

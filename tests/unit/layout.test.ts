import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/**
 * The import boundaries of the source tree, checked on the TypeScript sources themselves:
 * - `provider/core/` is shared machinery: it imports nothing of the package outside itself;
 * - `provider/kit/` is what both resources use: it imports only itself and `core/`;
 * - `provider/cpp/` and `provider/ingestion/` never import each other;
 * - `emulator/core/` imports neither API folder (`emulator/cpp/`, `emulator/ingestion/`) nor the
 *   emulator's root modules, which compose the folders;
 * - `emulator/cpp/` and `emulator/ingestion/` never import each other;
 * - nothing under `provider/` or `emulator/` is part of an import cycle.
 * Every kind of import counts: `import`, `import type`, `export … from`, `require("…")`,
 * `import("…")` and `typeof import("…")`. Packages are outside the rules; only relative imports
 * that name a source file of the tree are edges.
 */

/** Source files by path relative to the repository root, `/`-separated. */
type SourceTree = ReadonlyMap<string, string>;

interface Boundary {
  /** Which files the rule constrains. */
  applies(file: string): boolean;
  /** Whether importing `target` from such a file crosses the boundary. */
  forbids(target: string): boolean;
  why: string;
}

const under = (dir: string) => (file: string) => file.startsWith(dir);
const isEmulatorRoot = (file: string) => /^emulator\/[^/]+$/.test(file);

const BOUNDARIES: readonly Boundary[] = [
  {
    applies: under("provider/core/"),
    forbids: (t) => !t.startsWith("provider/core/"),
    why: "core/ imports only core/",
  },
  {
    applies: under("provider/kit/"),
    forbids: (t) => !t.startsWith("provider/kit/") && !t.startsWith("provider/core/"),
    why: "kit/ imports only kit/ and core/",
  },
  {
    applies: under("provider/cpp/"),
    forbids: under("provider/ingestion/"),
    why: "one API folder never imports the other",
  },
  {
    applies: under("provider/ingestion/"),
    forbids: under("provider/cpp/"),
    why: "one API folder never imports the other",
  },
  {
    applies: under("emulator/core/"),
    forbids: (t) => t.startsWith("emulator/cpp/") || t.startsWith("emulator/ingestion/") || isEmulatorRoot(t),
    why: "the emulator's core/ imports neither API folder nor the emulator root",
  },
  {
    applies: under("emulator/cpp/"),
    forbids: under("emulator/ingestion/"),
    why: "one API folder never imports the other",
  },
  {
    applies: under("emulator/ingestion/"),
    forbids: under("emulator/cpp/"),
    why: "one API folder never imports the other",
  },
];

/** Edges of the import graph: each file to the source files it imports, in source order. */
function importGraph(tree: SourceTree): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of tree) {
    const targets = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((ref) => resolveImport(tree, file, ref.fileName))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The source file a relative specifier names (`./x` as `x.ts` or `x/index.ts`); packages: none. */
function resolveImport(tree: SourceTree, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.posix.join(path.posix.dirname(from), specifier);
  return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => tree.has(candidate));
}

/** Every crossed boundary (`file -> import: why`) and every cycle, sorted. */
function layoutViolations(tree: SourceTree): string[] {
  const graph = importGraph(tree);
  const found: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const crossed = BOUNDARIES.find((b) => b.applies(file) && b.forbids(target));
      if (crossed) found.push(`${file} -> ${target}: ${crossed.why}`);
    }
  }
  const checked = (f: string) => f.startsWith("provider/") || f.startsWith("emulator/");
  for (const cycle of cyclesOf(graph, checked)) found.push(`cycle: ${cycle.join(" -> ")}`);
  return found.sort();
}

/**
 * One cycle per strongly connected component of the checked files (Tarjan): the shortest that
 * runs through the component's first file, named from that file back to it. Removing the edges a
 * report names and running again shows any other cycle of the same component.
 */
function cyclesOf(graph: Map<string, string[]>, checked: (file: string) => boolean): string[][] {
  const edges = (f: string) => (graph.get(f) ?? []).filter(checked);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (f: string): void => {
    index.set(f, index.size);
    low.set(f, index.get(f)!);
    stack.push(f);
    onStack.add(f);
    for (const t of edges(f)) {
      if (!index.has(t)) {
        visit(t);
        low.set(f, Math.min(low.get(f)!, low.get(t)!));
      } else if (onStack.has(t)) low.set(f, Math.min(low.get(f)!, index.get(t)!));
    }
    if (low.get(f) !== index.get(f)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== f);
    components.push(component);
  };
  for (const f of [...graph.keys()].filter(checked).sort()) if (!index.has(f)) visit(f);

  return components
    .filter((c) => c.length > 1 || edges(c[0]).includes(c[0]))
    .map((c) => shortestCycle(c.sort()[0], new Set(c), edges));
}

/** Breadth first from `start` within `members`, back to `start`. */
function shortestCycle(start: string, members: Set<string>, edges: (f: string) => string[]): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const f = queue.shift()!;
    for (const t of edges(f).filter((x) => members.has(x))) {
      if (t === start) {
        const path = [f];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
        return [...path, start];
      }
      if (!cameFrom.has(t)) {
        cameFrom.set(t, f);
        queue.push(t);
      }
    }
  }
  throw new Error(`no cycle through ${start}`); // unreachable for a strongly connected component
}

/** The TypeScript sources under `dirs` of the repository (not `.d.ts`). */
function readTree(root: string, dirs: readonly string[]): Map<string, string> {
  const tree = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        tree.set(child, fs.readFileSync(path.join(root, child), "utf8"));
      }
    }
  };
  for (const dir of dirs) walk(dir);
  return tree;
}

describe("layout: import boundaries", () => {
  describe("the checker", () => {
    const fixture: SourceTree = new Map([
      // Within bounds: core and packages from kit, a type from core, kit from an API folder.
      ["provider/core/http.ts", 'import * as http from "node:http";\nexport const get = http.get;\n'],
      ["provider/kit/texts.ts", 'import { get } from "../core/http";\nexport const t = get;\n'],
      [
        "provider/cpp/client.ts",
        'import type { t } from "../kit/texts";\nexport const c: typeof t = 0 as never;\n',
      ],
      // A shared module that reaches into an API folder, lazily, and through a comment that is no import.
      [
        "provider/kit/context.ts",
        '// import { c } from "../ingestion/client";\nexport const ctx = () => require("../cpp/client");\n',
      ],
      // Two API folders that know each other, by type only.
      ["provider/ingestion/client.ts", 'export type { c } from "../cpp/client";\n'],
      // A cycle through a type-only import and a dynamic import.
      ["provider/cpp/status.ts", 'import type { Op } from "./operation";\nexport type S = Op;\n'],
      ["provider/cpp/operation.ts", 'export type Op = 1;\nexport const s = () => import("./status");\n'],
      // The emulator's shared core importing its root module, which composes the folders.
      ["emulator/core/http.ts", 'import { start } from "../server";\nexport const h = start;\n'],
      ["emulator/server.ts", 'import { r } from "./cpp/routes";\nexport const start = r;\n'],
      ["emulator/cpp/routes.ts", "export const r = 1;\n"],
    ]);

    it("reports exactly each crossed boundary, as file -> import, and each cycle", () => {
      assert.deepEqual(layoutViolations(fixture), [
        "cycle: provider/cpp/operation.ts -> provider/cpp/status.ts -> provider/cpp/operation.ts",
        "emulator/core/http.ts -> emulator/server.ts: the emulator's core/ imports neither API folder nor the emulator root",
        "provider/ingestion/client.ts -> provider/cpp/client.ts: one API folder never imports the other",
        "provider/kit/context.ts -> provider/cpp/client.ts: kit/ imports only kit/ and core/",
      ]);
    });

    it("reports nothing once those imports are gone", () => {
      const fixed = new Map(fixture);
      fixed.set("provider/kit/context.ts", "export const ctx = 1;\n");
      fixed.set("provider/ingestion/client.ts", "export const i = 1;\n");
      fixed.set("provider/cpp/operation.ts", "export type Op = 1;\n");
      fixed.set("emulator/core/http.ts", "export const h = 1;\n");
      assert.deepEqual(layoutViolations(fixed), []);
    });

    it("names the shortest cycle through a file, across folders", () => {
      const tree: SourceTree = new Map([
        ["emulator/a.ts", 'import "./b";\n'],
        ["emulator/b.ts", 'import "./c";\nimport "./a";\n'],
        ["emulator/c.ts", 'import "./a";\n'],
      ]);
      assert.deepEqual(layoutViolations(tree), ["cycle: emulator/a.ts -> emulator/b.ts -> emulator/a.ts"]);
    });
  });

  describe("this repository", () => {
    // Run from dist/tests/unit: the sources are those of the checkout dist was built from.
    const root = path.resolve(__dirname, "..", "..", "..");
    let violations: string[];
    before(() => {
      violations = layoutViolations(readTree(root, ["provider", "emulator"]));
    });
    const inTree = (prefix: string) => violations.filter((v) => v.replace(/^cycle: /, "").startsWith(prefix));

    it("provider/ keeps its boundaries and has no import cycle", () => {
      assert.deepEqual(inTree("provider/"), []);
    });

    it("emulator/ keeps its boundaries and has no import cycle", () => {
      assert.deepEqual(inTree("emulator/"), []);
    });
  });
});

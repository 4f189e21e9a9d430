/**
 * A run of some sections only (`BENCH_SECTIONS=…`) into a results.md that already holds a run:
 * the sections this run measured replace those of the page (or go in before its settings), each
 * with a line under its heading saying which run it comes from, and the rest of the page stays as
 * its own run wrote it. So the page never mixes runs without saying so.
 */
import type { BenchResults } from "./results";
import { fmt } from "./stats";

const KEPT_FROM_PAGE = new Set(["## Machine", "## Settings of this run"]);
const SETTINGS = "## Settings of this run";
const NOTE_MARK = "Measured apart from the run described at the top:";
const PAGE_NOTE =
  "Sections measured in a separate run say so under their heading, with that run's command, code and machine load.";

/** The page split at its `## ` headings: [preamble, ...sections], each section starting at its heading. */
function split(md: string): string[] {
  const lines = md.split("\n");
  const parts: string[][] = [[]];
  for (const line of lines) {
    if (line.startsWith("## ")) parts.push([]);
    parts[parts.length - 1].push(line);
  }
  return parts.map((p) => p.join("\n"));
}

const heading = (section: string) => section.split("\n", 1)[0];
/** "## 6. Native …" → "## 6."; an unnumbered heading is its own key. */
const key = (h: string) => /^## \d+\./.exec(h)?.[0] ?? h;

/** The line put under each spliced section's heading. */
export function runNote(r: BenchResults): string {
  const m = r.machine;
  return (
    `*${NOTE_MARK} \`${r.command}\` started ${r.startedAt}, ${fmt(r.wallS / 60)} min; code ${m.code}; ` +
    `Node ${m.node}, engine v${m.engineVersion}, @pulumi/pulumi ${m.pulumiSdk}; ${m.nproc} CPUs, load average ` +
    `${m.loadStart.map((x) => x.toFixed(2)).join(" ")} at start, ${m.loadEnd?.map((x) => x.toFixed(2)).join(" ") ?? "–"} at end.*`
  );
}

/** `page` with the measured sections of `partial` in place, each under `note`. */
export function spliceSections(page: string, partial: string, note: string): string {
  const parts = split(page);
  const fresh = split(partial)
    .slice(1)
    .filter((s) => !KEPT_FROM_PAGE.has(heading(s)));
  for (const section of fresh) {
    const lines = section.split("\n");
    const noted = [lines[0], "", note, ...lines.slice(1)].join("\n");
    const at = parts.findIndex((p, i) => i > 0 && key(heading(p)) === key(heading(section)));
    if (at > 0) parts[at] = noted;
    else {
      const settings = parts.findIndex((p, i) => i > 0 && heading(p) === SETTINGS);
      parts.splice(settings > 0 ? settings : parts.length, 0, noted);
    }
  }
  if (!parts[0].includes(PAGE_NOTE)) {
    // After the page's first paragraph (the run it was produced by).
    const pre = parts[0].split("\n\n");
    pre.splice(Math.min(2, pre.length), 0, PAGE_NOTE);
    parts[0] = pre.join("\n\n");
  }
  return parts.join("\n");
}

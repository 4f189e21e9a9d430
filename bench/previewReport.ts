/**
 * Section 3 of results.md, "Preview": the text for what bench/preview.ts (and the deployed-stack
 * preview of bench/fleet.ts) measures.
 */
import { KIND_LOOKUP, KIND_NO_LOOKUP, ratioTo } from "./preview";
import type { BenchResults } from "./results";
import { fmt, max, median, min } from "./stats";

/** Section 3: the preview series bench/preview.ts measured, with the asserted request counts. */
export function previewSection(L: string[], r: BenchResults): void {
  L.push(`## 3. Preview`);
  L.push("");
  L.push(
    "`pulumi preview --diff` through the Automation API, three kinds of N new resources in the same run, their runs " +
      "alternating: cancellations with the preview lookup (`check` makes one read-only request per resource and shows " +
      "`runningNow` in its diff block), the same with `marketplace:previewLookup` = `false` (no request), and no-op dynamic " +
      "resources (`check` echoes; the engine's own floor for N dynamic resources). *Deployed stack*: right after the fleet " +
      "`up` of the same N (`check` + `diff`, nothing changed): no request. The request counts are asserted.",
  );
  L.push("");
  L.push("| stack | N | runs | wall (s), median (min–max) | requests to the service | expected |");
  L.push("|---|---:|---:|---:|---:|---|");
  for (const p of r.previews) {
    const ok = p.requests.every((n) => n === p.expectedRequests);
    L.push(
      `| ${p.kind} | ${p.n} | ${p.wallS.length} | ${fmt(median(p.wallS))} (${fmt(min(p.wallS))}–${fmt(max(p.wallS))}) | ${p.requests.join(", ")} | ${p.expectedRequests} per run ${ok ? "✓ asserted" : "✗ FAILED"} |`,
    );
  }
  L.push("");
  const on = ratioTo(r.previews, KIND_LOOKUP);
  const off = ratioTo(r.previews, KIND_NO_LOOKUP);
  const onOff = ratioTo(r.previews, KIND_LOOKUP, KIND_NO_LOOKUP);
  if (on !== undefined && off !== undefined && onOff !== undefined) {
    L.push(
      `Ratios of median walls: lookup on ÷ no-op floor **${fmt(on)}**, lookup off ÷ floor **${fmt(off)}**, ` +
        `lookup on ÷ off **${fmt(onOff)}** (the lookup's own cost: one request per resource, inside \`check\`).`,
    );
    L.push("");
  }
}

/**
 * Section 4 of results.md, "State": the text for what `stateFacts` in bench/fleet.ts measures.
 */
import { StateFacts } from "./fleet";
import { bytes, fmt } from "./stats";

/** Section 4: the state of the deployed fleet stack. */
export function stateSection(L: string[], s: StateFacts): void {
  L.push("## 4. State");
  L.push("");
  L.push(
    `From \`exportStack()\` of the deployed ${s.n}-resource stack. Bytes per resource = (deployment JSON − the same deployment without our resources) / N.`,
  );
  L.push("");
  L.push("| measure | value |");
  L.push("|---|---|");
  L.push(`| resources | ${s.n} |`);
  L.push(`| exported deployment (JSON) | ${bytes(s.deploymentBytes)} |`);
  L.push(
    `| **bytes per resource** | **${fmt(s.bytesPerResource, 4)} B** (median single resource: ${fmt(s.resourceBytesMedian, 4)} B) |`,
  );
  L.push(`| serialized provider (\`__provider\` string length) | **${s.providerChars} characters** |`);
  L.push(
    `| \`__provider\` copies per resource (inputs + outputs) | ${s.providerCopies} → ${fmt(s.providerChars * s.providerCopies, 4)} characters, ${fmt((100 * s.providerChars * s.providerCopies) / s.bytesPerResource, 2)}% of each resource |`,
  );
  if (s.checkpointFileBytes !== undefined)
    L.push(`| checkpoint file on disk (file backend, plain JSON) | ${bytes(s.checkpointFileBytes)} |`);
  const installedPerResource =
    s.bytesPerResource - s.providerCopies * (s.providerChars - s.installedProviderChars);
  L.push(
    `| serialized provider **as installed** (a \`require\` of the package, measured) | **${s.installedProviderChars} characters** |`,
  );
  L.push(
    `| **bytes per resource as installed** (the above with ${s.providerCopies} × the installed \`__provider\`) | **${fmt(installedPerResource, 4)} B** (${fmt((100 * installedPerResource) / s.bytesPerResource, 2)}% of this checkout's) |`,
  );
  L.push("");
  L.push(
    "This checkout reaches itself through a symlink, so its stacks store the provider's functions by value (the first rows: what 0.1.0 stored everywhere). Installed under node_modules, 0.2.0's provider module is stored as a `require` of the package instead; the last rows measure that text and put it in place of the stored copies.",
  );
  L.push("");
}

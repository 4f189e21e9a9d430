/**
 * `npm run sdk`: the native provider's package schema and the SDKs generated from it, committed
 * under `sdk/` (docs/design.md §4 "Two fronts over one lifecycle"):
 *
 * - `sdk/schema.json`: `packageSchema()` (`provider/plugin/schema.ts`), what the plugin's
 *   GetSchema returns;
 * - `sdk/nodejs`, `sdk/python`, `sdk/go`: written by `tools/sdkgen` (Pulumi's own code generators,
 *   built from the Go module proxy and cached by `ensureSdkgen()`), each directory replaced whole.
 *
 * .NET is not generated: its generator lives in the pulumi/pulumi-dotnet repository, whose Go
 * module the proxy reachable here does not serve (`tools/sdkgen/README.md`). Deterministic: the
 * same specs give the same bytes, which `tests/languages/sdk.test.ts` holds the committed `sdk/`
 * to. `npm run build` compiles `sdk/nodejs` into `dist/sdk/nodejs` (`tsconfig.sdk.json`), shipped
 * as `pulumi-marketplace-cancel/native`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { packageSchema } from "../../provider/plugin/schema";
import { ensureSdkgen } from "../engine/goTools";
import { findRepoPath, formatDuration, run } from "../engine/goBuild";

/** The languages generated here, each into `<out>/<language>`. */
export const SDK_LANGUAGES = ["nodejs", "python", "go"] as const;

export const SCHEMA_FILE = "schema.json";

/** Why there is no `sdk/dotnet`, for the log of `npm run sdk`. */
export const DOTNET_NOTE =
  "no .NET SDK: its generator (github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet) is not served by the Go module proxy here; see tools/sdkgen/README.md";

/** The committed `sdk/` directory. */
export function sdkDir(): string {
  return path.join(path.dirname(findRepoPath("package.json")), "sdk");
}

/** The schema as committed: two-space JSON with a final newline, so diffs read well. */
export function schemaText(): string {
  return `${JSON.stringify(packageSchema(), null, 2)}\n`;
}

export interface Generated {
  /** How long the sdkgen build (or cache hit) took, in ms. */
  sdkgenMs: number;
  sdkgenSource: string;
  /** How long writing the schema and the SDKs took, in ms. */
  generateMs: number;
}

/** Writes `<out>/schema.json` and `<out>/<language>` for every language of {@link SDK_LANGUAGES}. */
export async function generateSdk(out: string, log: (line: string) => void = () => undefined): Promise<Generated> {
  const started = Date.now();
  const sdkgen = await ensureSdkgen({ log });
  const built = Date.now();
  fs.mkdirSync(out, { recursive: true });
  const schemaFile = path.join(out, SCHEMA_FILE);
  fs.writeFileSync(schemaFile, schemaText());
  const { stderr } = await run(sdkgen.binary, [
    "-schema",
    schemaFile,
    "-out",
    out,
    "-languages",
    SDK_LANGUAGES.join(","),
  ]);
  for (const line of stderr.split("\n").filter(Boolean)) log(line);
  return { sdkgenMs: built - started, sdkgenSource: sdkgen.source, generateMs: Date.now() - built };
}

async function main(): Promise<void> {
  const out = sdkDir();
  const timing = await generateSdk(out, (line) => console.log(line));
  console.log(
    `sdk: sdkgen ${timing.sdkgenSource} in ${formatDuration(timing.sdkgenMs)}; ` +
      `schema and SDKs written to ${out} in ${formatDuration(timing.generateMs)}`,
  );
  console.log(`sdk: ${DOTNET_NOTE}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}

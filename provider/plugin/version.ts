/**
 * The plugin's version: the package's own (`package.json`), so the engine, the schema and the
 * SDKs, which ask for exactly that plugin version, agree (docs/design.md §10).
 */
import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "pulumi-marketplace-cancel";

let version: string | undefined;

/** Found by walking up from this file: `provider/plugin/` in a checkout, `dist/provider/plugin/` built. */
export function packageVersion(): string {
  if (version !== undefined) return version;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && pkg.version) return (version = pkg.version);
    }
    if (path.dirname(dir) === dir)
      throw new Error(`${PACKAGE_NAME}: package.json not found above ${__dirname}`);
  }
}

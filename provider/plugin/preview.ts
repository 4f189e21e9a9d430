/**
 * Whether this plugin runs for `pulumi preview`: what `check` needs to add the preview lookup's
 * facts (docs/design.md "The preview lookup"; `kit/preview.ts` reads the flag this sets).
 *
 * The dynamic resources learn it from a flag the program sets (`pulumi.runtime.isDryRun()`); an
 * SDK generated from the schema cannot set one. What the real engine offers a native plugin
 * (read in pulumi/pulumi v3.276.0, `sdk/go/common/resource/plugin/provider_plugin.go`,
 * `pkg/resource/deploy/step.go`, `pkg/backend/display/object_diff.go`):
 * - Nothing in CheckRequest, ConfigureRequest or the handshake says "preview", and the plugin's
 *   environment carries no dry-run variable (only Construct and Call, for components, get DryRun).
 * - With `supportsPreview` answered by Configure, a preview calls Create/Update with
 *   `preview: true` after `check`, but `--diff` does not print what they return: outputs are
 *   printed during planning only for reads, imports, refreshes and the stack
 *   (`getResourceOutputsPropertiesString`); the diff block prints the inputs `check` returned,
 *   and is rendered before Create runs. So the facts must still come out of `check`.
 * - What does tell: the engine runs inside the CLI that starts the plugin (the `sh` launcher
 *   `exec`s node, so our parent is `pulumi` itself), and that process's command is `preview`
 *   (also from the Automation API, pulumi/actions and `comment-on-pr` workflows), or `up`, whose
 *   own preview phase then makes no lookup and stores nothing extra.
 * Chosen: the parent's command line. Costs: read from `/proc` on Linux and `ps` on macOS; on
 * Windows, or when the plugin is started by hand (`PULUMI_DEBUG_PROVIDERS`), the preview is not
 * recognized and shows no facts (never a wrong request in `up`).
 * Configure answers `supportsPreview: false`, so no Create or Update is ever called in a preview:
 * no code path of a preview can reach the cancel.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/** The CLI's commands (and alias) that run a preview only. */
const PREVIEW_COMMANDS = new Set(["preview", "pre"]);

/** Global flags of the CLI that take their value as the next argument. */
const FLAGS_WITH_VALUE = new Set([
  "-C",
  "--cwd",
  "--color",
  "--memprofilerate",
  "--profiling",
  "--tracing",
  "--tracing-header",
  "-v",
  "--verbose",
]);

let cached: boolean | undefined;

/** True when the process that started this plugin is a `pulumi preview`. Read once. */
export function runsForPreview(): boolean {
  cached ??= isPreviewCommand(parentCommandLine());
  return cached;
}

/** The command of a `pulumi` command line (argv[0] is the binary): its first positional argument. */
export function isPreviewCommand(argv: readonly string[] | undefined): boolean {
  if (!argv || argv.length < 2 || !/(^|[\\/])pulumi(\.exe)?$/i.test(argv[0])) return false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (FLAGS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return PREVIEW_COMMANDS.has(arg);
  }
  return false;
}

function parentCommandLine(): string[] | undefined {
  try {
    if (process.platform === "linux") {
      return fs.readFileSync(`/proc/${process.ppid}/cmdline`, "utf8").split("\0").filter(Boolean);
    }
    if (process.platform === "darwin") {
      const out = execFileSync("ps", ["-o", "args=", "-p", String(process.ppid)], { encoding: "utf8" });
      return out.trim().split(/\s+/);
    }
  } catch {
    // Gone, or not ours to read: not recognized, so no lookup.
  }
  return undefined;
}

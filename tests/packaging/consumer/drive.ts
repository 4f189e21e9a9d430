/**
 * Drives the consumer project through the real engine, from inside that project: its own
 * `@pulumi/pulumi` (Automation API and runtime), its compiled program in `bin/`, its node_modules.
 * The packaging tests copy the compiled file into the project and run
 * `node drive.js <preview|up|refresh|destroy> <stack>`; the result is the last line on stdout, as
 * JSON, with `ok: false` and the error's message when the operation failed.
 *
 * Inline programs need no language host (none can be installed here); the program module is
 * re-evaluated on every run, as the language host would do for a project directory.
 */
import * as path from "node:path";
import { LocalWorkspace, ProjectSettings, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

async function main(): Promise<void> {
  const [op, stackName = "dev"] = process.argv.slice(2);
  const engineRoot = process.env.PMC_ENGINE_ROOT;
  if (!engineRoot || !["preview", "up", "refresh", "destroy"].includes(op ?? "")) {
    throw new Error(
      "usage: PMC_ENGINE_ROOT=<dir> [PMC_STACK_CONFIG=<json>] node drive.js preview|up|refresh|destroy [stack]",
    );
  }
  const programPath = path.join(__dirname, "bin", "index.js");
  const program = async () => {
    delete require.cache[require.resolve(programPath)];
    return { ...require(programPath) };
  };
  const pulumiCommand = await PulumiCommand.get({ root: engineRoot, skipVersionCheck: true });
  // A program of the native SDK names the plugin's directory, as a user's Pulumi.yaml would
  // (`plugins: providers:`); the package installed in the project ships it in its bin/.
  const pluginDir = process.env.PMC_PLUGIN_DIR;
  // (The Automation API's ProjectSettings type does not declare the block; it writes it as given.)
  const projectSettings = {
    name: "consumer",
    runtime: "nodejs",
    ...(pluginDir ? { plugins: { providers: [{ name: "marketplace", path: pluginDir }] } } : {}),
  } as ProjectSettings;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, projectName: "consumer", program },
    { workDir: __dirname, pulumiCommand, projectSettings },
  );
  // Stack config as `{ key: { value, secret } }`, set on every run (idempotent), as a user's
  // Pulumi.<stack>.yaml would hold it.
  await stack.setAllConfig(JSON.parse(process.env.PMC_STACK_CONFIG ?? "{}"));
  let stdout = "";
  const onOutput = (text: string) => (stdout += text);
  let result: object;
  try {
    result = await operate(stack, op, onOutput);
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const deployment = await stack.exportStack();
  const resources =
    (deployment.deployment as { resources?: { inputs?: { __provider?: string } }[] }).resources ?? [];
  // What each dynamic resource keeps in state to find its provider (the part users pay per resource).
  const serializedProviders = resources.flatMap((r) => (r.inputs?.__provider ? [r.inputs.__provider] : []));
  process.stdout.write(
    `\n${JSON.stringify({ ok: true, ...result, stdout, resourceCount: resources.length, serializedProviders })}\n`,
  );
}

async function operate(stack: Stack, op: string, onOutput: (text: string) => void): Promise<object> {
  let result: object;
  if (op === "preview") {
    const r = await stack.preview({ diff: true, onOutput });
    result = { changeSummary: r.changeSummary };
  } else if (op === "up") {
    const r = await stack.up({ onOutput });
    result = { resourceChanges: r.summary.resourceChanges, outputs: r.outputs };
  } else if (op === "refresh") {
    const r = await stack.refresh({ onOutput });
    result = { resourceChanges: r.summary.resourceChanges };
  } else {
    const r = await stack.destroy({ onOutput });
    result = { resourceChanges: r.summary.resourceChanges };
  }
  return result;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

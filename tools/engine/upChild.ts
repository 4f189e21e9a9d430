/**
 * Child-process side of EngineStack.startUpInChild(): runs `pulumi up` for a program module through the
 * Automation API, exactly as the test process would, so that the test can SIGKILL the whole thing mid-run.
 *
 * Usage: node upChild.js <spec.json>   (spec: ChildUpSpec from childUp.ts)
 * The engine's display is streamed to stdout; the last line is "UP_CHILD_DONE" on success.
 */
import * as fs from "fs";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { ChildUpSpec, loadProgram } from "./childUp";

async function main(): Promise<void> {
  const specPath = process.argv[2];
  if (!specPath) throw new Error("usage: upChild.js <spec.json>");
  const spec = JSON.parse(fs.readFileSync(specPath, "utf8")) as ChildUpSpec;
  const program = loadProgram(spec.programModule, spec.programExport);
  const pulumiCommand = await PulumiCommand.get({ root: spec.root, skipVersionCheck: true });
  // The parent created the stack and wrote Pulumi.yaml / Pulumi.<stack>.yaml into workDir; select it.
  const stack = await LocalWorkspace.selectStack(
    { projectName: spec.projectName, stackName: spec.stackName, program },
    { workDir: spec.workDir, pulumiCommand, envVars: spec.envVars },
  );
  await stack.up({
    diff: true,
    color: "never",
    onOutput: (s) => process.stdout.write(s),
    onError: (s) => process.stderr.write(s),
  });
  process.stdout.write("\nUP_CHILD_DONE\n");
}

main().catch((err: unknown) => {
  process.stderr.write(`up child failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

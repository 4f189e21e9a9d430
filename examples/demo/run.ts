/**
 * `npm run demo`: the quickstart project (Pulumi.yaml at the repository root, program
 * examples/basic) deployed with the real Pulumi engine against the local CPP emulator.
 *
 *   1. start the emulator: offer contoso/contoso-offer has a publish running;
 *   2. `pulumi preview --diff`: what a pull-request comment shows;
 *   3. `pulumi up`: the cancel, with one progress line per poll;
 *   4. the stack outputs and the emulator's view of the offer (operation canceled);
 *   5. `pulumi destroy` and clean-up (nothing is left behind);
 *   then a second section (ingestion.ts): a publish job on the emulator's Product Ingestion API
 *   cancelled by `IngestionJobCancellation` (program examples/ingestion-job) through the same engine.
 *
 * Credentials go the way a CI pipeline would pass them: a client secret in secret stack config,
 * exchanged through @azure/identity at the emulator's Entra ID token endpoint. The emulator serves
 * HTTPS (MSAL talks to https authorities only) with a certificate of a CA made for this run; the
 * engine and the provider it starts trust that CA through NODE_EXTRA_CA_CERTS.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultSeed, startEmulator } from "../../emulator";
import { ensurePulumi } from "../../tools/engine/ensurePulumi";
import { EngineStack } from "../../tools/engine/stack";
import { machineCredentialsBlanked, signInConfig } from "./signIn";
import { ingestionDemo } from "./ingestion";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const PROJECT = "marketplace-cancel-quickstart";

function banner(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

async function main(): Promise<void> {
  const program = path.join(ROOT, "dist", "examples", "basic", "index.js");
  if (!fs.existsSync(program)) throw new Error(`${program} is missing: run \`npm run build\` first.`);
  const engine = await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) });
  banner(`Pulumi CLI ${engine.version} (${engine.source}: ${engine.binary})`);

  const emu = await startEmulator({ seed: defaultSeed(), tls: true });
  // Node reads NODE_EXTRA_CA_CERTS when a process starts: this process needs no trust of its own,
  // but the engine (and the dynamic provider it starts) inherit the variable from here, for this
  // stack and the Product Ingestion one alike.
  if (emu.caCertPath === undefined) throw new Error("the emulator was expected to serve https");
  process.env.NODE_EXTRA_CA_CERTS = emu.caCertPath;
  let stack: EngineStack | undefined;
  try {
    const before = emu.getOffer("contoso", "contoso-offer");
    banner(`1. CPP emulator at ${emu.url} (HTTPS; the engine trusts ${emu.caCertPath})`);
    console.log(
      `contoso/contoso-offer: ${before.status}; running ${before.currentOperation?.kind} ${before.currentOperation?.id}`,
    );

    stack = await EngineStack.create({
      programModule: program,
      projectName: PROJECT,
      stackName: "demo",
      config: {
        [`${PROJECT}:publisherId`]: "contoso",
        [`${PROJECT}:offerId`]: "contoso-offer",
        [`${PROJECT}:notificationEmails`]: JSON.stringify(["release-team@contoso.com"]),
        [`${PROJECT}:endpoint`]: emu.url,
        ...signInConfig(emu),
      },
      envVars: machineCredentialsBlanked,
    });
    const stream = {
      onOutput: (s: string) => process.stdout.write(s),
      onError: (s: string) => process.stdout.write(s),
    };

    banner("2. pulumi preview --diff   (what the pull request shows: runningNow, from one read-only look)");
    emu.clearRequests();
    await stack.preview(stream);
    console.log(`requests to the service during preview: ${emu.countRequests()}`);

    banner("3. pulumi up");
    emu.clearRequests();
    await stack.up(stream);

    banner("4. Outputs");
    const outputs = await stack.outputs();
    for (const [key, value] of Object.entries(outputs)) console.log(`${key}: ${JSON.stringify(value.value)}`);
    const posts = emu.countRequests({ method: "POST", pathIncludes: "/cancel" });
    const signIns = emu.requests.filter((r) => r.method === "POST" && r.path.includes("/oauth2/v2.0/token"));
    console.log(
      `requests to the service during up: ${emu.countRequests()} (cancel POSTs: ${posts}; ` +
        `sign-ins through @azure/identity: ${signIns.length}, ` +
        `${[...new Set(signIns.map((r) => new URLSearchParams(r.body).get("grant_type")))].join(", ")} with the client secret)`,
    );

    banner("5. The emulator's view of the offer");
    const after = emu.getOffer("contoso", "contoso-offer");
    const canceled = after.operations.find((op) => op.id === before.currentOperation?.id);
    console.log(`contoso/contoso-offer: ${after.status}; the publish ${canceled?.id} is ${canceled?.status}`);
    if (canceled?.status !== "canceled") throw new Error("the demo expected the publish to end canceled");

    banner("6. pulumi destroy   (removes the record; a cancellation cannot be undone, so nothing is sent)");
    emu.clearRequests();
    await stack.destroy(stream);
    console.log(`requests to the service during destroy: ${emu.countRequests()}`);
    // The Product Ingestion API on the same emulator: IngestionJobCancellation (./ingestion.ts).
    await ingestionDemo(emu, stream);
    banner("Done.");
  } finally {
    await stack?.cleanup();
    await emu.close();
  }
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

/**
 * The native provider plugin `marketplace` (docs/design.md §4 "Two fronts over one lifecycle"):
 * what `bin/pulumi-resource-marketplace` runs. The engine starts one process per provider
 * instance, with the engine's address as the first argument (after flags of its own), reads the
 * port we listen on from the first line of stdout, and keeps a pipe on our stdin for as long as
 * it lives.
 */
import { watchEngine } from "../core/engineLiveness";
import { EngineLog } from "./engineLog";
import { CHANNEL_OPTIONS, grpc, providerGrpc } from "./grpc";
import { allLifecycles } from "./resources";
import { providerService } from "./server";

/** The engine's address: the first argument that is not one of the flags the engine may prepend. */
export function engineAddressOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--tracing") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

async function main(): Promise<void> {
  // The process ends with its engine instead of outliving it (engineLiveness.ts).
  watchEngine();
  const log = new EngineLog();
  log.connect(engineAddressOf(process.argv.slice(2)));
  for (const lifecycle of allLifecycles()) lifecycle.setPrinter(log.printer);

  const server = new grpc.Server(CHANNEL_OPTIONS);
  server.addService(providerGrpc.ResourceProviderService, providerService(log));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  // The one line the engine reads from our stdout.
  process.stdout.write(`${port}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`pulumi-resource-marketplace: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

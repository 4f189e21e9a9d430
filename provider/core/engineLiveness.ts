/**
 * Ties the provider process's life to the engine's. The engine starts the dynamic-provider host
 * (`pulumi-resource-pulumi-nodejs`: `sh`, which runs `node`), and the native plugin
 * (`pulumi-resource-marketplace`, whose `plugin/main.ts` arms {@link watchEngine} itself), in a
 * process group of its own, so
 * when the engine is killed (`kill -9`, a closed terminal, a cancelled CI job) nothing takes the
 * provider down with it. Left alone, the next progress line fails with EPIPE on the dead engine's
 * pipe, the host's `uncaughtException` handler writes that error to the equally dead stderr, which
 * fails again, forever, keeping every error in memory.
 *
 * Two signals, both observed with the real engine (Pulumi v3.276, see the killed-engine tests):
 * - stdin: the engine gives every plugin a pipe on stdin (Go's `cmd.StdinPipe()`), never writes to
 *   it and never closes it while the plugin lives. The only holder of its write end is the engine,
 *   so end-of-file on stdin means the engine is gone, at once, even while nothing is printed.
 * - a failed write to stdout or stderr (EPIPE): the engine's read ends are gone. Handling the
 *   stream's 'error' event also keeps the failure away from the host's handler, which would loop.
 * The parent process is no signal: `node` is a child of the host's `sh`, which outlives the engine
 * (only `sh` is re-parented), so `process.ppid` never changes.
 *
 * When the engine is gone the process exits: no one can receive an answer any more, and the cancel
 * journal (`journal.ts`, written synchronously before and after the cancel POST) already holds
 * what the next `pulumi up` needs to resume the wait without a second cancel.
 */
import * as fs from "node:fs";

/** Exit status once the engine is gone; nobody reads it, but it is not a success. */
export const ENGINE_GONE_EXIT_CODE = 70;

let goneReason: string | undefined;
let armed = false;

/** Why the engine is considered gone, or undefined while it is alive (or the watch is not armed). */
export function engineGone(): string | undefined {
  return goneReason;
}

/**
 * True in the process the engine started for dynamic providers (`@pulumi/pulumi`'s
 * `cmd/dynamic-provider`), false anywhere else: tests, a program, a REPL that loads the provider
 * must keep their own stdin and stdout alone.
 */
export function isProviderHost(main: { filename: string } | undefined = require.main): boolean {
  return main !== undefined && /[\\/]pulumi[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(main.filename);
}

export interface EngineWatchOptions {
  /** What to do once the engine is gone; default: exit with {@link ENGINE_GONE_EXIT_CODE}. */
  onGone?: (reason: string) => void;
}

/**
 * Starts watching for the engine's death, once per process. Call it only in the provider host
 * (see {@link armInProviderHost}); stdin is read only when it is a pipe, so a provider started by
 * hand (e.g. attached for debugging, stdin a terminal) is watched through its writes alone.
 */
export function watchEngine(opts: EngineWatchOptions = {}): void {
  if (armed) return;
  armed = true;
  const onGone =
    opts.onGone ??
    ((): void => {
      process.exit(ENGINE_GONE_EXIT_CODE);
    });
  const gone = (reason: string): void => {
    if (goneReason !== undefined) return;
    goneReason = reason;
    onGone(reason);
  };

  for (const [name, stream] of [
    ["stdout", process.stdout],
    ["stderr", process.stderr],
  ] as const) {
    stream.on("error", (err: NodeJS.ErrnoException) => gone(`${name}: ${err.code ?? err.message}`));
  }

  if (stdinIsPipe()) {
    const stdin = process.stdin;
    // Nothing is expected on it; reading is what lets end-of-file be seen.
    stdin.on("data", () => undefined);
    stdin.once("end", () => gone("stdin: end of file"));
    stdin.once("error", (err: NodeJS.ErrnoException) => gone(`stdin: ${err.code ?? err.message}`));
    // Watching must not be what keeps the process alive (the host's gRPC server does that).
    (stdin as { unref?: () => void }).unref?.();
  }
}

/** Arms the watch when this process is the dynamic-provider host; returns whether it did. */
export function armInProviderHost(): boolean {
  if (!isProviderHost()) return false;
  watchEngine();
  return true;
}

function stdinIsPipe(): boolean {
  try {
    const st = fs.fstatSync(0);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

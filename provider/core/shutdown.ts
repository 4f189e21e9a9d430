/**
 * The process-wide shutdown signal: aborted once the engine asks the provider to stop (the
 * provider protocol's `Cancel`, sent on the first Ctrl-C or SIGTERM to `pulumi up`, and again at
 * the end of every command). Every call context carries it (`kit/context.ts`), and the
 * cancellation sequences hand it to the poller and to every HTTP request and token request, so a
 * wait in flight stops at once and ends as a resumable `pending` record (docs/design.md "Resume").
 *
 * Only the native plugin (`plugin/`) requests a shutdown; in the dynamic-provider host the engine's
 * Cancel never reaches us (docs/design.md §8), so there the signal never fires. It fires once and
 * stays aborted: after a Cancel the engine starts no new step in this process, and one that
 * arrived anyway must not begin a wait that nobody will see end.
 */

const controller = new AbortController();

/** Aborted once a shutdown was requested; never reset. */
export function shutdownSignal(): AbortSignal {
  return controller.signal;
}

/** Aborts {@link shutdownSignal}. Idempotent: returns whether this call was the first. */
export function requestShutdown(): boolean {
  if (controller.signal.aborted) return false;
  controller.abort();
  return true;
}

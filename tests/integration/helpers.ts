/**
 * Shared set-up for tests that talk to the emulator over real HTTP on 127.0.0.1.
 */
import { Emulator, OperationView } from "../../emulator";
import { AccessTokenSource, CppClient, CppClientOptions } from "../../provider/cpp/client";

/** A token source that mints tokens straight from the emulator and counts how often it was asked. */
export function emulatorTokens(
  emu: Emulator,
  publishers = ["*"],
): AccessTokenSource & { issued: string[]; refreshes: number } {
  const source = {
    issued: [] as string[],
    refreshes: 0,
    async getToken({ forceRefresh }: { forceRefresh: boolean }) {
      if (forceRefresh) source.refreshes++;
      if (forceRefresh || source.issued.length === 0) source.issued.push(emu.issueToken({ publishers }));
      return source.issued[source.issued.length - 1];
    },
  };
  return source;
}

/** A client for the emulator with fast retries, so fault tests take milliseconds. */
export function clientFor(emu: Emulator, overrides: Partial<CppClientOptions> = {}): CppClient {
  return new CppClient({
    endpoint: emu.url,
    credential: emulatorTokens(emu),
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    timeoutMs: 2000,
    ...overrides,
  });
}

export const P = "contoso";

/** Makes sure a publish runs on the offer: starts one, or returns the one still running. */
export function ensureRunning(
  emu: Emulator,
  offerId: string,
  kind: "publish" | "golive" = "publish",
  seconds = 600,
): OperationView {
  return emu.getOffer(P, offerId).currentOperation ?? emu.startOperation(P, offerId, kind, seconds);
}

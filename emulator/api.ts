// The programmatic interface of an emulator: the options startEmulator() takes and the Emulator
// object tests drive. Kept apart from the implementation (emulator.ts) so the admin API, which
// exposes the same operations over HTTP, depends on the interface and not on the implementation.
//
// One shape per part: what both APIs share at top level (core/api.ts), then `emu.cpp` and
// `emu.ingestion`. The CPP methods also stay at top level, where they were before `emu.cpp`
// existed, for the scripts that call them there: each one calls its namesake in `emu.cpp`.

import type { CoreEmulator } from "./core/api";
import type { TlsOption } from "./core/tls";
import type { CppEmulator } from "./cpp/api";
import type { IngestionEmulator } from "./ingestion/api";
import type { Seed } from "./seed";

export interface EmulatorOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default: defaultSeed(). Validated like a seed file. */
  seed?: Seed;
  /** Emulated clock speed: 1 = real time, 60 = one real second is one emulated minute. Default 1. */
  timeScale?: number;
  /** No request log (default true for the library; the CLI passes false unless --quiet). */
  quiet?: boolean;
  /** Where request log lines go when not quiet. Default console.log. */
  log?: (line: string) => void;
  /**
   * Serve HTTPS (the Entra routes must be https for MSAL / @azure/identity). Default false: plain
   * HTTP, as before. `true` signs a certificate for 127.0.0.1, ::1 and localhost with the CA in
   * $CPP_EMULATOR_CA_DIR, else with a CA made for this process; `{ caDir }` with the CA there;
   * `{ cert, key, ca? }` serves the given PEMs. Clients trust `caCertPath` (NODE_EXTRA_CA_CERTS).
   */
  tls?: TlsOption;
}

export interface Emulator extends CoreEmulator {
  /** The CPP API served under /api/: publishers, offers and their operations. */
  readonly cpp: CppEmulator;
  /**
   * The Product Ingestion API served under /rp/product-ingestion/: products, publish jobs,
   * submissions and the switches of its quirks.
   */
  readonly ingestion: IngestionEmulator;
  /** @deprecated Use `emu.cpp.configureOffer`, which this calls. */
  readonly configureOffer: CppEmulator["configureOffer"];
  /** @deprecated Use `emu.cpp.startOperation`, which this calls. */
  readonly startOperation: CppEmulator["startOperation"];
  /** @deprecated Use `emu.cpp.getOffer`, which this calls. */
  readonly getOffer: CppEmulator["getOffer"];
  /** @deprecated Use `emu.cpp.getOperation`, which this calls. */
  readonly getOperation: CppEmulator["getOperation"];
  /** @deprecated Use `emu.cpp.deleteOperation`, which this calls. */
  readonly deleteOperation: CppEmulator["deleteOperation"];
}

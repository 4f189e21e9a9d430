// The shared services of one emulator instance, handed to the route modules. Keeping them in one
// plain object (rather than module-level singletons) lets several emulators run in one process,
// which parallel tests rely on. Each API folder extends it with its own state (cpp/state.ts,
// ingestion/state.ts); emulator.ts builds the one object that serves them all.

import type { TokenStore } from "./auth";
import type { EmulatedClock } from "./clock";
import type { FaultStore } from "./faults";
import type { FederationIssuer } from "./federation";
import type { Recorder } from "./recorder";
import type { TenantConfig } from "./seed";

export interface Core {
  readonly clock: EmulatedClock;
  readonly tokens: TokenStore;
  readonly faults: FaultStore;
  readonly recorder: Recorder;
  readonly tenants: Readonly<Record<string, TenantConfig>>;
  /** The test OIDC issuer and the checker of federated client assertions. */
  readonly federation: FederationIssuer;
  /** Base URL once listening, e.g. http://127.0.0.1:43123 (no trailing slash). */
  readonly url: string;
}

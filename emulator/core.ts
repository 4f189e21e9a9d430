// The services one emulator instance is made of, handed to the route modules. Keeping them in one
// plain object (rather than module-level singletons) lets several emulators run in one process,
// which parallel tests rely on.

import type { TokenStore } from "./auth";
import type { EmulatedClock } from "./clock";
import type { FaultStore } from "./faults";
import type { FederationIssuer } from "./federation";
import type { IngestionState } from "./ingestion/state";
import type { Recorder } from "./recorder";
import type { TenantConfig } from "./seed";
import type { EmulatorState } from "./state";

export interface Core {
  readonly clock: EmulatedClock;
  readonly state: EmulatorState;
  /** The Product Ingestion API's products, submissions and jobs. */
  readonly ingestion: IngestionState;
  readonly tokens: TokenStore;
  readonly faults: FaultStore;
  readonly recorder: Recorder;
  readonly tenants: Readonly<Record<string, TenantConfig>>;
  /** The test OIDC issuer and the checker of federated client assertions. */
  readonly federation: FederationIssuer;
  /** Base URL once listening, e.g. http://127.0.0.1:43123 (no trailing slash). */
  readonly url: string;
}

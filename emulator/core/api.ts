// The programmatic interface of what an emulator instance shares between the APIs: its address,
// the request log, faults, the clock, tokens, federation and its lifecycle. The root Emulator
// (emulator/api.ts) is this plus one member per API (`cpp`, `ingestion`).

import type { Audience } from "./auth";
import type { FaultRule } from "./faults";
import type { MintOptions } from "./federation";
import type { RecordedRequest, RequestFilter } from "./recorder";

export interface CoreEmulator {
  /** "http://127.0.0.1:PORT" (https with `tls`): base URL of both APIs AND the Azure AD authority host. */
  readonly url: string;
  /**
   * With `tls`: a file holding the PEM of the CA that signed the emulator's certificate, for
   * NODE_EXTRA_CA_CERTS (read at process start only) or an https agent's `ca`. Undefined over HTTP.
   */
  readonly caCertPath: string | undefined;
  /** Every request in arrival order, token and admin requests included (a live array). */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** Excludes /_emulator admin requests. */
  countRequests(filter?: RequestFilter): number;
  /** Returns the fault's id. Throws on an invalid rule. */
  addFault(rule: FaultRule): string;
  clearFaults(): void;
  advanceClock(seconds: number): void;
  /** Every token accepted so far (static ones included) is rejected from now on (401). */
  expireTokens(): void;
  /**
   * A valid bearer token, default publishers ["*"], the seed's lifetime, and good for both APIs
   * unless `audience` names one.
   */
  issueToken(opts?: { publishers?: string[]; lifetimeSeconds?: number; audience?: Audience }): string;
  /**
   * A service restart that keeps all state (offers, operations, jobs, tokens, faults, the request
   * log): stops listening — connections are refused, open ones cut, requests in flight dropped
   * unprocessed — for `downtimeMs` (default 1000), then listens again on the same port.
   */
  restart(opts?: { downtimeMs?: number }): Promise<void>;
  /**
   * The emulator's test OIDC issuer, "<url>/_emulator/oidc": the `iss` of the tokens
   * mintFederatedToken() makes, and the default issuer of a seed's federatedCredentials.
   */
  readonly federatedIssuer: string;
  /**
   * A federated token (an RS256 JWT, the stand-in for a GitHub Actions or Kubernetes token) for the
   * client assertion of workload identity federation: write it to a file and point
   * AZURE_FEDERATED_TOKEN_FILE at it. Default audience api://AzureADTokenExchange, lifetime 600
   * emulated seconds, issuer `federatedIssuer`.
   */
  mintFederatedToken(opts: MintOptions): string;
  /** Stops listening and destroys open, idle and hung connections. */
  close(): Promise<void>;
}

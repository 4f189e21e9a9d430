// The programmatic interface of an emulator: the options startEmulator() takes and the Emulator
// object tests drive. Kept apart from the implementation (emulator.ts) so the admin API, which
// exposes the same operations over HTTP, depends on the interface and not on the implementation.

import type { Audience } from "./auth";
import type { FaultRule } from "./faults";
import type { MintOptions } from "./federation";
import type { IngestionEmulator } from "./ingestion/api";
import type { RecordedRequest, RequestFilter } from "./recorder";
import type { OfferConfigPatch, Seed } from "./seed";
import type { TlsOption } from "./tls";
import type { OfferView, OperationView } from "./views";

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

export interface Emulator {
  /** "http://127.0.0.1:PORT" (https with `tls`): base URL of the CPP routes AND the Azure AD authority host. */
  readonly url: string;
  /**
   * With `tls`: a file holding the PEM of the CA that signed the emulator's certificate, for
   * NODE_EXTRA_CA_CERTS (read at process start only) or an https agent's `ca`. Undefined over HTTP.
   */
  readonly caCertPath: string | undefined;
  /**
   * The Product Ingestion API served under /rp/product-ingestion/ (ingestion-api.md): products,
   * publish jobs, submissions and the switches of its quirks.
   */
  readonly ingestion: IngestionEmulator;
  /** Every request in arrival order, token and admin requests included (a live array). */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** Excludes /_emulator admin requests. */
  countRequests(filter?: RequestFilter): number;
  /** Returns the fault's id. Throws on an invalid rule. */
  addFault(rule: FaultRule): string;
  clearFaults(): void;
  /**
   * Creates the publisher/offer when missing. Takes a Partial<OfferConfig>; a property set to null
   * resets that setting to its default.
   */
  configureOffer(publisherId: string, offerId: string, patch: OfferConfigPatch): void;
  /** Same as POST publish/golive, without auth. Throws (409 OperationInProgress) if one is running. */
  startOperation(
    publisherId: string,
    offerId: string,
    kind: "publish" | "golive",
    durationSeconds?: number,
  ): OperationView;
  /** Throws for an unknown offer. */
  getOffer(publisherId: string, offerId: string): OfferView;
  getOperation(operationId: string): OperationView | undefined;
  /** The operation vanishes: subsequent GETs answer 404. Throws for an unknown id. */
  deleteOperation(operationId: string): void;
  advanceClock(seconds: number): void;
  /** Every token accepted so far (static ones included) is rejected from now on (401). */
  expireTokens(): void;
  /**
   * A valid bearer token, default publishers ["*"], the seed's lifetime, and good for both APIs
   * unless `audience` names one.
   */
  issueToken(opts?: { publishers?: string[]; lifetimeSeconds?: number; audience?: Audience }): string;
  /**
   * A service restart that keeps all state (offers, operations, tokens, faults, the request log):
   * stops listening — connections are refused, open ones cut, requests in flight dropped
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

// startEmulator(): builds one emulator (clock, state, tokens, faults, request log, server) and
// implements the Emulator interface of api.ts over it. Every method is also reachable over HTTP
// under /_emulator/ (admin.ts).

import { handleAdmin, type AdminHost } from "./admin";
import type { Emulator, EmulatorOptions } from "./api";
import { TokenStore, type Audience } from "./auth";
import { EmulatedClock } from "./clock";
import type { Core } from "./core";
import { offerNotFound } from "./errors";
import { FaultStore, type FaultInfo, type FaultRule } from "./faults";
import { FederationIssuer, type MintOptions } from "./federation";
import type { IngestionEmulator } from "./ingestion/api";
import { IngestionControl } from "./ingestion/control";
import { IngestionState } from "./ingestion/state";
import { Recorder, type RecordedRequest, type RequestFilter } from "./recorder";
import {
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  defaultSeed,
  parseOfferConfig,
  parseSeed,
  type OfferConfigPatch,
  type Seed,
} from "./seed";
import { EmulatorServer } from "./server";
import { EmulatorState, type Offer } from "./state";
import { resolveTls, type TlsMaterial } from "./tls";
import { offerView, operationView, type OfferView, type OperationView } from "./views";

const MAX_DOWNTIME_MS = 10 * 60 * 1000;
const LOOPBACK_URL_HOSTS: Record<string, string> = { "0.0.0.0": "127.0.0.1", "::": "[::1]" };

class EmulatorInstance implements AdminHost {
  url = "";
  readonly caCertPath: string | undefined;
  readonly federation: FederationIssuer;
  readonly clock: EmulatedClock;
  readonly recorder = new Recorder();
  readonly faults = new FaultStore();
  readonly tokens: TokenStore;
  readonly state: EmulatorState;
  readonly ingestionState: IngestionState;
  readonly ingestion: IngestionEmulator;
  readonly core: Core;
  readonly server: EmulatorServer;

  constructor(seed: Seed, options: EmulatorOptions, tls?: TlsMaterial) {
    this.caCertPath = tls?.caCertPath;
    this.clock = new EmulatedClock(options.timeScale ?? 1);
    this.federation = new FederationIssuer(this.clock, () => this.url);
    this.tokens = new TokenStore(
      this.clock,
      seed.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
      seed.staticTokens ?? {},
    );
    this.state = new EmulatorState(this.clock, seed);
    this.ingestionState = new IngestionState(this.clock, seed.ingestion);
    this.ingestion = new IngestionControl(this.ingestionState);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.core = {
      clock: this.clock,
      state: this.state,
      ingestion: this.ingestionState,
      tokens: this.tokens,
      faults: this.faults,
      recorder: this.recorder,
      tenants: seed.tenants ?? {},
      federation: this.federation,
      get url() {
        return self.url;
      },
    };
    const quiet = options.quiet ?? true;
    this.server = new EmulatorServer(this.core, {
      admin: (ctx) => handleAdmin(this, ctx),
      log: quiet ? undefined : (options.log ?? ((line) => console.log(line))),
      tls: tls && { cert: tls.cert, key: tls.key },
    });
  }

  get requests(): RecordedRequest[] {
    return this.recorder.requests;
  }

  clearRequests(): void {
    this.recorder.clear();
  }

  countRequests(filter?: RequestFilter): number {
    return this.recorder.count(filter);
  }

  addFault(rule: FaultRule): string {
    return this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  listFaults(): FaultInfo[] {
    return this.faults.list();
  }

  configureOffer(publisherId: string, offerId: string, patch: OfferConfigPatch): void {
    this.state.configure(publisherId, offerId, parseOfferConfig(patch, "patch"));
  }

  startOperation(
    publisherId: string,
    offerId: string,
    kind: "publish" | "golive",
    durationSeconds?: number,
  ): OperationView {
    const offer = this.requireOffer(publisherId, offerId);
    const op = this.state.startSubmission(offer, kind, { durationSeconds, queued: true });
    return operationView(this.core, offer, op);
  }

  getOffer(publisherId: string, offerId: string): OfferView {
    return offerView(this.core, this.requireOffer(publisherId, offerId));
  }

  getOperation(operationId: string): OperationView | undefined {
    const op = this.state.operation(operationId);
    const offer = op && this.state.offer(op.publisherId, op.offerId);
    return op && offer ? operationView(this.core, offer, op) : undefined;
  }

  deleteOperation(operationId: string): void {
    this.state.deleteOperation(operationId);
  }

  advanceClock(seconds: number): void {
    this.clock.advance(seconds);
  }

  clockInfo(): { now: string; timeScale: number } {
    return { now: this.clock.iso(), timeScale: this.clock.timeScale };
  }

  expireTokens(): void {
    this.tokens.expireAll();
  }

  issueToken(opts: { publishers?: string[]; lifetimeSeconds?: number; audience?: Audience } = {}): string {
    return this.tokens.issue(
      { name: "admin", publishers: opts.publishers ?? ["*"] },
      opts.lifetimeSeconds,
      opts.audience,
    ).token;
  }

  get federatedIssuer(): string {
    return this.federation.issuer;
  }

  mintFederatedToken(opts: MintOptions): string {
    return this.federation.mint(opts);
  }

  federationDocuments(): { openidConfiguration: unknown; jwks: unknown } {
    return { openidConfiguration: this.federation.openidConfiguration(), jwks: this.federation.jwks() };
  }

  async restart(opts: { downtimeMs?: number } = {}): Promise<void> {
    const downtimeMs = opts.downtimeMs ?? 1000;
    if (!Number.isFinite(downtimeMs) || downtimeMs < 0 || downtimeMs > MAX_DOWNTIME_MS) {
      throw new RangeError(
        `downtimeMs must be a number from 0 to ${MAX_DOWNTIME_MS}, got ${String(downtimeMs)}`,
      );
    }
    return this.server.restart(downtimeMs);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  async listen(host: string, port: number): Promise<void> {
    const actual = await this.server.listen(host, port);
    const urlHost = LOOPBACK_URL_HOSTS[host] ?? (host.includes(":") ? `[${host}]` : host);
    this.url = `${this.caCertPath === undefined ? "http" : "https"}://${urlHost}:${actual}`;
  }

  private requireOffer(publisherId: string, offerId: string): Offer {
    const offer = this.state.offer(publisherId, offerId);
    if (offer === undefined) throw offerNotFound(publisherId, offerId);
    return offer;
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  // Seeds written in TypeScript get the same validation as seed files: typos fail loudly.
  const seed = parseSeed(opts.seed ?? defaultSeed(), "seed");
  const tls = await resolveTls(opts.tls);
  const instance = new EmulatorInstance(seed, opts, tls);
  await instance.listen(opts.host ?? "127.0.0.1", opts.port ?? 0);
  return instance;
}

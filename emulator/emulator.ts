// startEmulator(): builds one emulator — the shared services (clock, tokens, faults, request log,
// federation, server) and each API's state — and implements the Emulator interface of api.ts over
// them. Every method is also reachable over HTTP under /_emulator/ (routes.ts).

import type { Emulator, EmulatorOptions } from "./api";
import type { CoreAdminHost } from "./core/adminRoutes";
import { TokenStore, type Audience } from "./core/auth";
import { EmulatedClock } from "./core/clock";
import { FaultStore, type FaultInfo, type FaultRule } from "./core/faults";
import { FederationIssuer, type MintOptions } from "./core/federation";
import { Recorder, type RecordedRequest, type RequestFilter } from "./core/recorder";
import { DEFAULT_TOKEN_LIFETIME_SECONDS } from "./core/seed";
import { EmulatorServer } from "./core/server";
import { resolveTls, type TlsMaterial } from "./core/tls";
import { CppControl } from "./cpp/control";
import { CppState, type CppCore } from "./cpp/state";
import { IngestionControl } from "./ingestion/control";
import { IngestionState, type IngestionCore } from "./ingestion/state";
import { routeTable } from "./routes";
import { defaultSeed, parseSeed, type Seed } from "./seed";

const MAX_DOWNTIME_MS = 10 * 60 * 1000;
const LOOPBACK_URL_HOSTS: Record<string, string> = { "0.0.0.0": "127.0.0.1", "::": "[::1]" };

class EmulatorInstance implements Emulator, CoreAdminHost {
  url = "";
  readonly caCertPath: string | undefined;
  readonly federation: FederationIssuer;
  readonly clock: EmulatedClock;
  readonly recorder = new Recorder();
  readonly faults = new FaultStore();
  readonly tokens: TokenStore;
  readonly cpp: CppControl;
  readonly ingestion: IngestionControl;
  readonly server: EmulatorServer;

  // The CPP methods' old place (api.ts): calls of `emu.cpp`, nothing of their own.
  readonly configureOffer: Emulator["configureOffer"] = (...args) => this.cpp.configureOffer(...args);
  readonly startOperation: Emulator["startOperation"] = (...args) => this.cpp.startOperation(...args);
  readonly getOffer: Emulator["getOffer"] = (...args) => this.cpp.getOffer(...args);
  readonly getOperation: Emulator["getOperation"] = (...args) => this.cpp.getOperation(...args);
  readonly deleteOperation: Emulator["deleteOperation"] = (...args) => this.cpp.deleteOperation(...args);

  constructor(seed: Seed, options: EmulatorOptions, tls?: TlsMaterial) {
    this.caCertPath = tls?.caCertPath;
    this.clock = new EmulatedClock(options.timeScale ?? 1);
    this.federation = new FederationIssuer(this.clock, () => this.url);
    this.tokens = new TokenStore(
      this.clock,
      seed.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
      seed.staticTokens ?? {},
    );
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const services: CppCore & IngestionCore = {
      clock: this.clock,
      tokens: this.tokens,
      faults: this.faults,
      recorder: this.recorder,
      tenants: seed.tenants ?? {},
      federation: this.federation,
      get url() {
        return self.url;
      },
      state: new CppState(this.clock, seed.publishers),
      ingestion: new IngestionState(this.clock, seed.ingestion),
    };
    this.cpp = new CppControl(services);
    this.ingestion = new IngestionControl(services.ingestion);
    const quiet = options.quiet ?? true;
    this.server = new EmulatorServer(services, {
      route: routeTable(services, this),
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
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  // Seeds written in TypeScript get the same validation as seed files: typos fail loudly.
  const seed = parseSeed(opts.seed ?? defaultSeed(), "seed");
  const tls = await resolveTls(opts.tls);
  const instance = new EmulatorInstance(seed, opts, tls);
  await instance.listen(opts.host ?? "127.0.0.1", opts.port ?? 0);
  return instance;
}

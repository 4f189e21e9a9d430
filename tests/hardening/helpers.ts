/**
 * Shared machinery of the hardening suite: emulators with a fault ledger, the ground truth of what
 * the service accepted, a driver that calls the provider the way the engine does, a token scanner,
 * and the small servers the tests put between the provider and the emulator (a lossy proxy, a
 * "foreign host").
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, FaultRule, OfferConfigPatch, Seed, startEmulator } from "../../emulator";
import { resolveTls } from "../../emulator/core/tls";
import {
  OfferOperationCancellationInputs as CancellationInputs,
  checkOfferOperationInputs as checkInputs,
} from "../../provider/cpp/inputs";
import { clearTokenCache } from "../../provider/core/credentials";
import * as lifecycle from "../../provider/cpp/lifecycle";
import { figures } from "./figures";

export const P = "contoso";

/** The CPP token of the suite: long and random, so a search for it cannot hit by chance. */
export const TOKEN = `hardening-${randomBytes(18).toString("hex")}`;
export const TENANT = "hardening-tenant";
export const CLIENT = "hardening-client";
export const CLIENT_SECRET = `secret-${randomBytes(12).toString("hex")}`;

export const seed: Seed = {
  tenants: { [TENANT]: { clients: { [CLIENT]: { secret: CLIENT_SECRET, publishers: ["*"] } } } },
  staticTokens: { [TOKEN]: { publishers: ["*"] } },
  publishers: { [P]: { offers: {} } },
};

/** Environment the provider reads at call time: fast retries, short request timeouts, a private journal. */
export function useProviderEnv(values: Record<string, string>): { journalDir: string } {
  const holder = { journalDir: "" };
  const saved: Record<string, string | undefined> = {};
  before(() => {
    holder.journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-hardening-journal-"));
    const all = { MARKETPLACE_CANCEL_JOURNAL_DIR: holder.journalDir, ...values };
    for (const [k, v] of Object.entries(all)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(holder.journalDir, { recursive: true, force: true });
  });
  return holder;
}

export function configureProvider(values: Record<string, string>): Promise<void> {
  return lifecycle.configure({ config: { get: (k: string) => values[k] } });
}

/** Progress lines of every provider call, by offer (each scenario has an offer of its own). */
export const lines: string[] = [];
const listeners = new Set<(line: string) => void>();
export function capturePrinter(): void {
  before(() =>
    lifecycle.setPrinter((line) => {
      lines.push(line);
      for (const l of listeners) l(line);
    }),
  );
  after(() => lifecycle.setPrinter((line) => console.log(line)));
}
export const linesOf = (offerId: string) => lines.filter((l) => l.includes(`${P}/${offerId}:`));

/**
 * The provider as the hostile-input and secrets suites drive it: fast retries, short request
 * timeouts, captured progress lines, no cached token, and the static token as stack config.
 */
export function useConfiguredProvider(): void {
  useProviderEnv({ MARKETPLACE_RETRY_BASE_DELAY_MS: "20", MARKETPLACE_REQUEST_TIMEOUT_MS: "5000" });
  capturePrinter();
  beforeEach(async () => {
    clearTokenCache();
    await configureProvider({ "marketplace:accessToken": TOKEN });
  });
}

/** Calls `fn` once, on the first line of this offer that matches (e.g. the first progress line). */
export function onceOnLine(offerId: string, pattern: RegExp, fn: () => void): void {
  const listener = (line: string) => {
    if (line.includes(`${P}/${offerId}:`) && pattern.test(line)) {
      listeners.delete(listener);
      fn();
    }
  };
  listeners.add(listener);
}

/**
 * An emulator whose fault rules are counted: `settle()` adds the uses each rule got to the
 * suite's figures and removes the rules.
 */
export class FaultyEmulator {
  private tracked: { id: string; times: number }[] = [];
  private constructor(readonly emu: Emulator) {}

  /** `tls`: serve https (needed where the provider signs in through @azure/identity). */
  static async start(timeScale = 1, tls = false): Promise<FaultyEmulator> {
    return new FaultyEmulator(await startEmulator({ seed, timeScale, tls }));
  }

  get url(): string {
    return this.emu.url;
  }

  fault(rule: FaultRule): void {
    assert.ok(!rule.always, "use times: n, so applied faults can be counted");
    this.tracked.push({ id: this.emu.addFault(rule), times: rule.times ?? 1 });
  }

  /** A fault on the requests of one offer: `kind` picks the cancel POST, the list, or the polls. */
  offerFault(offerId: string, kind: "cancel" | "list" | "poll", fault: FaultRule["fault"], times = 1): void {
    const o = `/offers/${offerId}/`;
    const match =
      kind === "cancel"
        ? { method: "POST", pathIncludes: `${o}cancel` }
        : kind === "list"
          ? { method: "GET", pathIncludes: `${o}submissions` }
          : { method: "GET", pathIncludes: `${o}operations/` };
    this.fault({ match, times, fault });
  }

  /** Counts the uses of every rule so far and removes the rules. */
  async settle(): Promise<number> {
    const res = await fetch(`${this.emu.url}/_emulator/faults`);
    const left = new Map(
      ((await res.json()) as { id: string; remaining: number | null }[]).map((f) => [f.id, f.remaining ?? 0]),
    );
    let applied = 0;
    for (const t of this.tracked) applied += t.times - (left.get(t.id) ?? 0);
    this.tracked = [];
    this.emu.clearFaults();
    figures.faultsInjected += applied;
    return applied;
  }

  /** A migrated offer of its own, with a publish running for an hour. */
  newOffer(name: string, config: OfferConfigPatch = {}): { offerId: string; operationId: string } {
    const offerId = `${name}-${randomBytes(3).toString("hex")}`;
    this.emu.configureOffer(P, offerId, { cancelSeconds: 1, ...config });
    const op = this.emu.startOperation(P, offerId, "publish", 3600);
    return { offerId, operationId: op.id };
  }

  /** Ground truth: cancels the service accepted (acted on) for this offer, however the answer fared. */
  acceptedCancels(offerId: string): number {
    return this.emu
      .getOffer(P, offerId)
      .history.filter((h) => h.event === "cancelRequested" || h.event === "nothingToCancel").length;
  }

  close(): Promise<void> {
    return this.emu.close();
  }
}

/** Inputs exactly as `check` hands them to `create`. */
export function inputsFor(
  endpoint: string,
  offerId: string,
  extra: Record<string, unknown> = {},
): CancellationInputs {
  const { inputs, failures } = checkInputs({
    publisherId: P,
    offerId,
    endpoint,
    pollIntervalSeconds: { min: 0.1, max: 0.3 },
    timeoutSeconds: 60,
    ...extra,
  });
  assert.deepEqual(failures, []);
  return inputs as unknown as CancellationInputs;
}

export interface Drive {
  outs: lifecycle.CancellationOutputs;
  /** Every error a provider call ended with, in order. */
  errors: Error[];
  /** "create" / "update" per call, with how it ended. */
  calls: string[];
}

/**
 * Calls the provider the way the engine does across repeated `pulumi up`s: `create` while nothing
 * is recorded; after a ResourceInitFailedError the engine records its properties (pending), so the
 * next `up` calls `update` with them; after any other error of `create` nothing is recorded and
 * the next `up` calls `create` again. Counts a lost state whenever a call ends with nothing
 * recorded although the service has accepted a cancel, and duplicate cancels at the end.
 */
export async function driveToEnd(
  fe: FaultyEmulator,
  offerId: string,
  inputs: CancellationInputs,
  opts: { beforeNext?: (err: Error, attempt: number) => Promise<void> | void; maxCalls?: number } = {},
): Promise<Drive> {
  const errors: Error[] = [];
  const calls: string[] = [];
  let recorded: { id: string; outs: lifecycle.CancellationOutputs } | undefined;
  for (let attempt = 0; attempt < (opts.maxCalls ?? 6); attempt++) {
    const kind = recorded ? "update" : "create";
    try {
      const outs = recorded
        ? (await lifecycle.update(recorded.id, recorded.outs, inputs)).outs
        : (await lifecycle.create(inputs)).outs;
      calls.push(`${kind}: ${outs.status}`);
      figures.duplicatePosts += Math.max(0, fe.acceptedCancels(offerId) - 1);
      return { outs, errors, calls };
    } catch (e) {
      const err = e as Error;
      errors.push(err);
      calls.push(`${kind}: ${err.constructor.name}`);
      if (err instanceof lifecycle.ResourceInitFailedError) {
        assert.equal(err.properties.status, "pending", "a recorded wait is pending");
        assert.ok(err.properties.canceledOperation, "the recorded wait names what was cancelled");
        recorded = { id: err.id, outs: err.properties };
      } else if (!recorded && fe.acceptedCancels(offerId) > 0) {
        figures.lostStates++;
      }
      await opts.beforeNext?.(err, attempt);
    }
  }
  figures.duplicatePosts += Math.max(0, fe.acceptedCancels(offerId) - 1);
  throw new Error(
    `no outcome after ${calls.length} calls: ${calls.join(", ")}; last: ${errors.at(-1)?.message}`,
  );
}

/** Searches texts for the token (and the client secret); counts places searched and leaks. */
export function scanForSecrets(
  where: string,
  texts: readonly string[],
  secrets: readonly string[] = [TOKEN, CLIENT_SECRET],
): string[] {
  const leaks: string[] = [];
  for (const text of texts) {
    figures.placesSearched++;
    for (const secret of secrets) {
      if (secret && text.includes(secret)) {
        figures.leakedTokens++;
        leaks.push(`${where}: ${text.slice(0, 200)}`);
      }
    }
  }
  return leaks;
}

/**
 * What no text from the service may bring to a terminal: C0 controls (ESC among them), DEL, C1
 * controls (the 8-bit CSI and OSC among them), invisible format characters (bidi overrides).
 * Without them no escape sequence can be read, whatever printable text is left.
 */
export const UNSAFE_CHARACTER = /[\p{Cc}\p{Cf}]/u;

/** Outputs as users see them: everything except the accessToken input the resource marks secret. */
export function visibleOutputs(outs: object): string {
  const { accessToken: _secret, ...rest } = outs as Record<string, unknown>;
  void _secret;
  return JSON.stringify(rest);
}

export interface RecordedCall {
  method: string;
  url: string;
  authorization?: string;
}

interface Served {
  port: number;
  /** Destroys open (also hung) connections, then stops listening. */
  close(): Promise<void>;
}

/** Listens on an ephemeral loopback port and tracks connections so `close()` never hangs. */
function serve(server: http.Server, host = "127.0.0.1"): Promise<Served> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return new Promise<Served>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0 }, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * A "foreign host": a plain HTTP server on another loopback address (127.0.0.2 where the system
 * routes it, else another port of 127.0.0.1) that records what reaches it and answers like a
 * friendly CPP would, so nothing but the provider's own refusal keeps requests away.
 */
export async function startForeignHost(): Promise<{
  origin: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}> {
  const calls: RecordedCall[] = [];
  const server = http.createServer((req, res) => {
    calls.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "complete", steps: [] }));
  });
  let host = "127.0.0.2";
  let served: Served;
  try {
    served = await serve(server, host);
  } catch {
    host = "127.0.0.1";
    served = await serve(server, host);
  }
  return {
    origin: `http://${host}:${served.port}`,
    calls,
    close: served.close,
  };
}

/**
 * A proxy in front of an emulator that loses answers: for the next `times` requests matching
 * `lose`, the request reaches the emulator (which acts on it), then the connection to the client
 * is cut before the answer. Everything else passes through unchanged, except with `tls` (in front
 * of an HTTPS emulator, e.g. as the authority host MSAL talks to): then the proxy serves https
 * itself (a certificate of the test CA) and writes its own origin for the emulator's in answers,
 * so that the token endpoint the OpenID configuration names is the proxy too.
 */
export async function startLossyProxy(
  target: string,
  opts: { tls?: boolean } = {},
): Promise<{
  origin: string;
  lose(match: (method: string, url: string) => boolean, times?: number): void;
  lost: () => number;
  /** Every `access_token` that went through (so tests can search for tokens they never saw). */
  tokens: string[];
  close(): Promise<void>;
}> {
  const rules: { match: (m: string, u: string) => boolean; left: number }[] = [];
  let lost = 0;
  const tokens: string[] = [];
  const tls = opts.tls ? await resolveTls(true) : undefined;
  let origin = "";
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rule = rules.find((r) => r.left > 0 && r.match(req.method ?? "", req.url ?? ""));
      if (rule) rule.left--;
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      const upstream = (tls ? https : http).request(
        `${target}${req.url}`,
        { method: req.method, headers, agent: false },
        (up) => {
          const body: Buffer[] = [];
          up.on("data", (c: Buffer) => body.push(c));
          up.on("end", () => {
            const text = Buffer.concat(body).toString("utf8");
            const token = /"access_token"\s*:\s*"([^"]+)"/.exec(text)?.[1];
            if (token) tokens.push(token);
            if (rule) {
              lost++;
              req.socket.destroy();
              return;
            }
            const out = { ...up.headers };
            delete out.connection;
            delete out["transfer-encoding"];
            const answer = tls ? Buffer.from(text.split(target).join(origin)) : Buffer.concat(body);
            if (tls) out["content-length"] = String(answer.length);
            res.writeHead(up.statusCode ?? 502, out);
            res.end(answer);
          });
        },
      );
      upstream.on("error", () => req.socket.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  };
  const server = tls
    ? (https.createServer({ cert: tls.cert, key: tls.key }, handler) as unknown as http.Server)
    : http.createServer(handler);
  const served = await serve(server);
  origin = `${tls ? "https" : "http"}://127.0.0.1:${served.port}`;
  return {
    origin,
    lose: (match, times = 1) => rules.push({ match, left: times }),
    lost: () => lost,
    tokens,
    close: served.close,
  };
}

export interface FakeCall {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

/**
 * A fake CPP service that answers as the test says; by default like a friendly service with one
 * running publish (`op-1`) that is canceled once any POST arrived.
 */
export async function startFakeCpp(
  answer: (req: FakeCall, res: http.ServerResponse) => boolean | void,
): Promise<{ origin: string; host: string; calls: FakeCall[]; close(): Promise<void> }> {
  const calls: FakeCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const call = {
        method: req.method ?? "",
        url: req.url ?? "",
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      calls.push(call);
      if (answer(call, res)) return;
      const path = call.url.split("?")[0];
      if (path.endsWith("/submissions/")) {
        const state = calls.some((c) => c.method === "POST") ? "canceled" : "running";
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify([{ id: "op-1", submissionType: "publish", submissionState: state }]));
      } else if (call.method === "POST" && path.endsWith("/cancel")) {
        res.writeHead(200);
        res.end();
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: "complete", steps: [] }));
      }
    });
  });
  const served = await serve(server);
  return {
    origin: `http://127.0.0.1:${served.port}`,
    host: `127.0.0.1:${served.port}`,
    calls,
    close: served.close,
  };
}

/** Runs async jobs with at most `limit` at a time (the machine has two cores and other tenants). */
export async function limited<T>(
  limit: number,
  jobs: (() => Promise<T>)[],
): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await jobs[i]() };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

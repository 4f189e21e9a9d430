import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ServiceError } from "@grpc/grpc-js";
import type * as Pb from "@pulumi/pulumi/proto/provider_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Emulator, Seed, startEmulator } from "../../emulator";
import {
  FakeEngine,
  PluginProcess,
  emptyPb,
  initFailure,
  isSecret,
  jsToStruct,
  providerPb,
  secret,
  structToJs,
} from "./harness";

/**
 * The native plugin `marketplace`, started as the engine starts it and spoken to over the
 * provider protocol (docs/design.md §4 "Two fronts over one lifecycle"): its version, its
 * configuration by explicit provider arguments (a secret among them), checks that name the
 * property, a cancellation against the HTTPS emulator whose progress reaches the engine's Log
 * service, and a Cancel that stops a wait as a resumable `pending` record (docs/design.md "Resume").
 */
const P = "contoso";
const TENANT = "plugin-tenant";
const CLIENT = "plugin-client";
const CLIENT_SECRET = "plugin-client-secret-value-4b1d";
const TYPE = "marketplace:index:OfferOperationCancellation";
const urnOf = (name: string) => `urn:pulumi:dev::plugin-test::${TYPE}::${name}`;

const seed: Seed = {
  tenants: { [TENANT]: { clients: { [CLIENT]: { secret: CLIENT_SECRET, publishers: [P] } } } },
  publishers: {
    [P]: { offers: { "quick-offer": { cancelSeconds: 1 }, "slow-offer": { cancelSeconds: 60 } } },
  },
};

describe("the native plugin over the provider protocol", function () {
  this.timeout(120_000);
  let emu: Emulator;
  let engine: FakeEngine;
  let home: string;
  const plugins: PluginProcess[] = [];

  before(async () => {
    assert.ok(
      process.env.NODE_EXTRA_CA_CERTS,
      "run through `node dist/tools/tls/testCa.js --exec mocha …` so the plugin trusts the emulator",
    );
    emu = await startEmulator({ seed, tls: true });
    engine = new FakeEngine();
    await engine.start();
    home = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-plugin-"));
  });
  after(async () => {
    for (const p of plugins) await p.stop();
    engine?.stop();
    await emu?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  /** A plugin process with a journal of its own under the suite's PULUMI_HOME. */
  async function startPlugin(): Promise<PluginProcess> {
    const p = await PluginProcess.start(engine.address, { PULUMI_HOME: home });
    plugins.push(p);
    return p;
  }

  /** The arguments of an explicit provider for the emulator's tenant, the secret wrapped as the engine sends it. */
  const providerArgs = () => ({
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: secret(CLIENT_SECRET),
    authorityHost: emu.url,
    endpoint: emu.url,
    version: "0.4.0",
  });

  async function configured(): Promise<PluginProcess> {
    const p = await startPlugin();
    const req = new providerPb.ConfigureRequest().setArgs(jsToStruct(providerArgs())).setAcceptsecrets(true);
    const resp = await p.call<Pb.ConfigureResponse>("configure", req);
    assert.equal(resp.getAcceptsecrets(), true);
    return p;
  }

  async function checked(p: PluginProcess, name: string, news: Record<string, unknown>) {
    const req = new providerPb.CheckRequest()
      .setUrn(urnOf(name))
      .setType(TYPE)
      .setOlds(jsToStruct({}))
      .setNews(jsToStruct(news));
    return p.call<Pb.CheckResponse>("check", req);
  }

  const cancels = (offerId: string) =>
    emu.countRequests({ method: "POST", pathIncludes: `/offers/${offerId}/cancel` });

  it("reports the package's version", async () => {
    const p = await startPlugin();
    const info = await p.call<PluginInfo>("getPluginInfo", new emptyPb.Empty());
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8"));
    assert.equal(info.getVersion(), pkg.version);
    process.stderr.write(`      plugin start-up: ${p.startupMs} ms\n`);
  });

  it("CheckConfig names an unknown argument and an unusable endpoint, with the fix", async () => {
    const p = await startPlugin();
    const req = new providerPb.CheckRequest()
      .setUrn("urn:pulumi:dev::plugin-test::pulumi:providers:marketplace::tenant-b")
      .setOlds(jsToStruct({}))
      .setNews(jsToStruct({ ...providerArgs(), tenant: "x", endpoint: "http://cpp.example.com" }));
    const resp = await p.call<Pb.CheckResponse>("checkConfig", req);
    const reasons = new Map(resp.getFailuresList().map((f) => [f.getProperty(), f.getReason()]));
    assert.deepEqual([...reasons.keys()].sort(), ["endpoint", "tenant"]);
    assert.match(reasons.get("tenant") ?? "", /tenantId/, "the fix names the settings there are");
    assert.match(reasons.get("endpoint") ?? "", /only allowed on loopback/);
    assert.ok(isSecret(structToJs(resp.getInputs()).clientSecret), "the secret stays secret");
  });

  it("Check names the property that fails, and what to do", async () => {
    const p = await configured();
    const resp = await checked(p, "bad", { publisherId: P, offerId: "a/b" });
    const [failure] = resp.getFailuresList();
    assert.equal(failure.getProperty(), "offerId");
    assert.match(failure.getReason(), /offerId/);
  });

  it("Create cancels once, with progress as ephemeral lines about the resource and never the secret", async () => {
    const p = await configured();
    const urn = urnOf("quick");
    const op = emu.startOperation(P, "quick-offer", "publish", 3600);
    emu.clearRequests();
    const inputs = (await checked(p, "quick", { publisherId: P, offerId: "quick-offer" })).getInputs();
    const resp = await p.call<Pb.CreateResponse>(
      "create",
      new providerPb.CreateRequest().setUrn(urn).setType(TYPE).setProperties(inputs),
    );
    const outs = structToJs(resp.getProperties());
    assert.equal(outs.status, "succeeded");
    assert.equal((outs.canceledOperation as { id: string }).id, op.id);
    assert.equal(cancels("quick-offer"), 1);
    const lines = engine.linesAbout(urn);
    assert.ok(
      lines.some((l) => l.ephemeral && /\(poll \d+/.test(l.message)),
      "a progress line per poll, in the status column",
    );
    assert.ok(
      lines.some((l) => !l.ephemeral && /cancelling/.test(l.message)),
      "what was sent, kept",
    );
    assert.ok(!engine.lines.some((l) => l.message.includes(CLIENT_SECRET)), "no line shows the secret");
  });

  it("Cancel stops a 60-second wait as a partial create recorded pending; Update resumes it with no second cancel", async () => {
    const p = await configured();
    const urn = urnOf("slow");
    emu.startOperation(P, "slow-offer", "publish", 3600);
    emu.clearRequests();
    const inputs = (await checked(p, "slow", { publisherId: P, offerId: "slow-offer" })).getInputs();
    const create = p.call<Pb.CreateResponse>(
      "create",
      new providerPb.CreateRequest().setUrn(urn).setType(TYPE).setProperties(inputs),
    );
    const failed = create.then(
      () => assert.fail("the create should have been stopped"),
      (err: ServiceError) => err,
    );
    await engine.lineAbout(urn, (l) => l.ephemeral);
    const cancelledAt = Date.now();
    await p.call("cancel", new emptyPb.Empty());
    const err = await failed;
    process.stderr.write(`      Cancel to answer: ${Date.now() - cancelledAt} ms\n`);

    const partial = initFailure(err);
    assert.ok(partial, `a partial create (ErrorResourceInitFailed), got: ${err.message}`);
    assert.equal(partial.properties.status, "pending");
    assert.ok(partial.id.startsWith(`${P}/slow-offer/`));
    assert.match(partial.reasons.join(" "), /cancelled \(Ctrl-C/);
    assert.equal(cancels("slow-offer"), 1);
    await p.call("cancel", new emptyPb.Empty());

    // The next `up`: a new plugin process, the pending record in state, the operation now over.
    emu.advanceClock(120);
    const next = await configured();
    const resp = await next.call<Pb.UpdateResponse>(
      "update",
      new providerPb.UpdateRequest()
        .setUrn(urn)
        .setType(TYPE)
        .setId(partial.id)
        .setOlds(jsToStruct(partial.properties))
        .setNews(inputs),
    );
    assert.equal(structToJs(resp.getProperties()).status, "succeeded");
    assert.equal(cancels("slow-offer"), 1, "no second cancel");
  });

  it("exits when its stdin closes, as when its engine is gone", async () => {
    const p = await startPlugin();
    p.child.stdin?.end();
    assert.equal(await p.exited(), 70);
  });
});

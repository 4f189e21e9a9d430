import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as marketplace from "pulumi-marketplace-cancel/native";
import { RecordedRequest, Seed } from "../../emulator";
import { NativeStack, usePluginStacks } from "./stacks";

/**
 * Two explicit providers in one stack, one per tenant (docs/design.md §6 "Credentials"): each
 * `new marketplace.Provider(...)` signs in with its own client secret, and each cancellation goes
 * out with the token of its own provider. Each tenant's client may act for its own publisher only,
 * so a cancel carrying the other tenant's token would be refused (403): a 202 for each offer is
 * the proof that each went out with its own tenant's token.
 */
const TENANTS = {
  a: {
    tenant: "tenant-a",
    client: "client-a",
    secret: `a-${randomBytes(12).toString("hex")}`,
    publisher: "contoso",
  },
  b: {
    tenant: "tenant-b",
    client: "client-b",
    secret: `b-${randomBytes(12).toString("hex")}`,
    publisher: "fabrikam",
  },
};
const OFFER = "shared-name-offer";

const seed: Seed = {
  tenants: Object.fromEntries(
    Object.values(TENANTS).map((t) => [
      t.tenant,
      { clients: { [t.client]: { secret: t.secret, publishers: [t.publisher] } } },
    ]),
  ),
  publishers: Object.fromEntries(
    Object.values(TENANTS).map((t) => [t.publisher, { offers: { [OFFER]: { cancelSeconds: 1 } } }]),
  ),
};

describe("the native plugin: two explicit providers address two tenants in one stack", function () {
  this.timeout(300_000);
  // HTTPS: the provider signs in through @azure/identity, which talks to https authorities only.
  const plugin = usePluginStacks(seed, { tls: true });
  let s: NativeStack;

  /** Requests whose path includes `part`, in arrival order. */
  const requestsTo = (part: string): RecordedRequest[] =>
    plugin.emu.requests.filter((r) => r.path.includes(part));

  before(async () => {
    const program = async () => {
      const config = new pulumi.Config("e2e");
      const statuses: Record<string, pulumi.Output<string>> = {};
      for (const [key, t] of Object.entries(TENANTS)) {
        const provider = new marketplace.Provider(`tenant-${key}`, {
          endpoint: plugin.emu.url,
          authorityHost: plugin.emu.url,
          tenantId: t.tenant,
          clientId: t.client,
          clientSecret: config.requireSecret(`secret-${key}`),
        });
        const cancellation = new marketplace.OfferOperationCancellation(
          `stop-${key}`,
          { publisherId: t.publisher, offerId: OFFER, pollIntervalSeconds: { min: 0.2, max: 1 } },
          { provider },
        );
        statuses[t.publisher] = cancellation.status;
      }
      return { statuses };
    };
    s = await plugin.stack({
      program,
      stackName: "two-tenants",
      withToken: false,
      config: Object.fromEntries(
        Object.entries(TENANTS).map(([key, t]) => [`e2e:secret-${key}`, { value: t.secret, secret: true }]),
      ),
    });
  });

  it("each cancel goes out with its own tenant's token: one accepted POST per offer", async () => {
    for (const t of Object.values(TENANTS)) plugin.emu.startOperation(t.publisher, OFFER, "publish", 3600);
    plugin.emu.clearRequests();
    await s.up();
    assert.deepEqual((await s.outputs()).statuses.value, { contoso: "succeeded", fabrikam: "succeeded" });
    for (const t of Object.values(TENANTS)) {
      const cancels = requestsTo(`/publishers/${t.publisher}/offers/${OFFER}/cancel`).filter(
        (r) => r.method === "POST",
      );
      assert.deepEqual(
        cancels.map((r) => r.status),
        [202],
        `${t.publisher}: one cancel, accepted (the other tenant's token would be refused with 403)`,
      );
      const signIns = requestsTo(`/${t.tenant}/oauth2/`).filter((r) => r.method === "POST");
      assert.ok(signIns.length > 0, `${t.tenant}: its provider signed in`);
      for (const signIn of signIns) {
        assert.equal(
          new URLSearchParams(signIn.body).get("client_id"),
          t.client,
          `${t.tenant}: its own client`,
        );
      }
      assert.equal(plugin.emu.getOffer(t.publisher, OFFER).currentOperation, undefined);
    }
  });

  it("the client secrets are kept encrypted in state and on disk", async () => {
    const { stdout, code } = await s.cli(["stack", "export"]);
    assert.equal(code, 0);
    for (const t of Object.values(TENANTS)) {
      assert.ok(!stdout.includes(t.secret), `${t.tenant}'s secret in the exported state`);
      assert.deepEqual(s.filesContaining(t.secret), []);
    }
  });

  it("destroy removes both without calling the service", async () => {
    plugin.emu.clearRequests();
    await s.destroy();
    assert.equal(plugin.emu.countRequests({ pathIncludes: "/api/" }), 0);
    assert.deepEqual(await s.resources(), []);
  });
});

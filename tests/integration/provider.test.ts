import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Seed } from "../../emulator";
import { clearTokenCache } from "../../provider/core/credentials";
import { CredentialError, HTTPError } from "../../provider/core/errors";
import {
  CancellationError,
  CancellationFailedError,
  GuardMismatchError,
  NothingToCancelError,
} from "../../provider/cpp/errors";
import { OfferOperationCancellationInputs, checkOfferOperationInputs } from "../../provider/cpp/inputs";
import * as lifecycle from "../../provider/cpp/lifecycle";
import { useEmulator } from "../emulator/helpers";
import { P, ensureRunning } from "./helpers";

/**
 * Every provider method called directly, the way the dynamic-provider runtime calls them:
 * `check` output feeds `create`, outputs feed `update`/`read`/`delete`.
 */
const SUBJECT = "system:serviceaccount:release:marketplace-cancel";
const seed: Seed = {
  tenants: {
    "t-1": {
      clients: {
        "client-1": {
          secret: "client-secret-value-1",
          publishers: [P],
          federatedCredentials: [{ subject: SUBJECT }],
        },
      },
    },
  },
  staticTokens: { "static-token-for-tests": { publishers: ["*"] } },
  publishers: {
    [P]: {
      offers: {
        async: { cancelSeconds: 1 },
        legacy: { pcMigrationStatus: "none", cancelSeconds: 1 },
        "old-header": { locationHeader: "operation-location-absolute", cancelSeconds: 1 },
        "no-location": { locationHeader: "none", cancelSeconds: 1 },
        sync: { cancelMode: "sync" },
        idle: {},
        failing: {
          failCancellation: { message: "The offer is locked by a certification review." },
          cancelSeconds: 1,
        },
        slow: { cancelSeconds: 3600 },
      },
    },
  },
};

const lines: string[] = [];

function configure(values: Record<string, string>) {
  return lifecycle.configure({ config: { get: (k: string) => values[k] } });
}

describe("provider lifecycle against the emulator", function () {
  this.timeout(30_000);
  // HTTPS: the credentials below sign in through @azure/identity, and MSAL speaks to https
  // authorities only. This process trusts the emulator's CA through NODE_EXTRA_CA_CERTS.
  const ctx = useEmulator({ seed, tls: true });
  let journal: string;

  const inputs = (offerId: string, extra: Record<string, unknown> = {}): OfferOperationCancellationInputs => {
    const { inputs: checked, failures } = checkOfferOperationInputs({
      publisherId: P,
      offerId,
      endpoint: ctx.emu.url,
      pollIntervalSeconds: { min: 0.1, max: 0.3 },
      ...extra,
    });
    assert.deepEqual(failures, []);
    return checked as unknown as OfferOperationCancellationInputs;
  };
  const posts = () => ctx.emu.countRequests({ method: "POST", pathIncludes: "/cancel" });

  before(() => {
    journal = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-journal-"));
    process.env.MARKETPLACE_CANCEL_JOURNAL_DIR = journal;
    process.env.MARKETPLACE_RETRY_BASE_DELAY_MS = "20";
    lifecycle.setPrinter((line) => lines.push(line));
  });
  after(() => {
    delete process.env.MARKETPLACE_CANCEL_JOURNAL_DIR;
    delete process.env.MARKETPLACE_RETRY_BASE_DELAY_MS;
    lifecycle.setPrinter((line) => console.log(line));
    fs.rmSync(journal, { recursive: true, force: true });
  });
  beforeEach(async () => {
    lines.length = 0;
    ctx.emu.clearFaults();
    ctx.emu.clearRequests();
    clearTokenCache();
    await configure({ "marketplace:accessToken": "static-token-for-tests" });
  });

  describe("create (when: apply)", () => {
    it("202, migrated Location: one POST, polls to the end, records what was cancelled", async () => {
      const op = ensureRunning(ctx.emu, "async", "publish", 600);
      const { id, outs } = await lifecycle.create(
        inputs("async", { notificationEmails: ["ops@contoso.com"] }),
      );
      assert.match(id, /^contoso\/async\/[0-9a-f-]{36}$/);
      assert.equal(outs.status, "succeeded");
      assert.equal(outs.httpStatus, 202);
      assert.match(outs.operationLocation!, /\/operations\/[0-9a-f-]{36}\?api-version=2017-10-31$/);
      assert.match(outs.cancellationOperationId!, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        { id: outs.canceledOperation!.id, type: outs.canceledOperation!.submissionType },
        { id: op.id, type: "publish" },
      );
      assert.deepEqual(outs.notificationEmails, ["ops@contoso.com"]);
      assert.ok(outs.requestedAt && outs.completedAt);
      assert.equal(posts(), 1);
      assert.ok(ctx.emu.getOffer(P, "async").currentOperation === undefined);
      assert.ok(
        lines.some((l) =>
          /\[marketplace\] contoso\/async: \d+\.\ds running, step "[^"]+", \d+% \(poll 1, next in/.test(l),
        ),
        lines.join("\n"),
      );
      assert.ok(
        lines.some((l) => /Cancellation succeeded after .* \(\d+ status requests?\)/.test(l)),
        lines.join("\n"),
      );
    });

    it("202, non-migrated `$` Location", async () => {
      ensureRunning(ctx.emu, "legacy", "publish", 600);
      const { outs } = await lifecycle.create(inputs("legacy"));
      assert.match(outs.cancellationOperationId!, /^contoso\$legacy\$\d+\$preview$/);
      // The cancellation operation ends `complete` (the emulator's default vocabulary): it succeeded.
      assert.deepEqual([outs.status, outs.operationStatus], ["succeeded", "complete"]);
      assert.equal(posts(), 1);
    });

    it("202 with the legacy absolute Operation-Location", async () => {
      ensureRunning(ctx.emu, "old-header", "publish", 600);
      const { outs } = await lifecycle.create(inputs("old-header"));
      assert.equal(outs.status, "succeeded");
      assert.match(outs.operationLocation!, /api-version=2017-10-31/);
    });

    it("202 without any location: confirms through the submissions list", async () => {
      ensureRunning(ctx.emu, "no-location", "publish", 600);
      const { outs } = await lifecycle.create(inputs("no-location"));
      assert.equal(outs.operationLocation, undefined);
      // The list shows the cancelled submission `canceled`: the cancellation succeeded.
      assert.deepEqual([outs.status, outs.operationStatus], ["succeeded", "canceled"]);
      assert.equal(posts(), 1);
    });

    it("200: cancelled synchronously, confirmed through the submissions list", async () => {
      ensureRunning(ctx.emu, "sync", "golive", 600);
      const { outs } = await lifecycle.create(inputs("sync"));
      assert.equal(outs.httpStatus, 200);
      assert.deepEqual([outs.status, outs.operationStatus], ["succeeded", "canceled"]);
      assert.equal(posts(), 1);
    });

    it("nothing running + ifNothingToCancel succeed: no POST, status nothingToCancel", async () => {
      const { outs } = await lifecycle.create(inputs("idle"));
      assert.equal(outs.status, "nothingToCancel");
      assert.equal(posts(), 0);
    });

    it("nothing running + ifNothingToCancel fail: a clear error, no POST", async () => {
      await assert.rejects(
        lifecycle.create(inputs("idle", { ifNothingToCancel: "fail" })),
        (e: Error) =>
          e instanceof NothingToCancelError &&
          e instanceof CancellationError &&
          e.publisherId === "contoso" &&
          e.offerId === "idle" &&
          /Nothing is running/.test(e.message) &&
          /ifNothingToCancel/.test(e.message),
      );
      assert.equal(posts(), 0);
    });

    it("expectedOperationId guard mismatch: names both operations, cancels nothing", async () => {
      const op = ensureRunning(ctx.emu, "async", "publish", 600);
      await assert.rejects(
        lifecycle.create(inputs("async", { expectedOperationId: "some-other-operation" })),
        (e: Error) =>
          e instanceof GuardMismatchError &&
          e.expectedOperationId === "some-other-operation" &&
          e.runningOperationId === op.id &&
          e.message.includes(op.id) &&
          e.message.includes("some-other-operation"),
      );
      assert.equal(posts(), 0);
      const { outs } = await lifecycle.create(inputs("async", { expectedOperationId: op.id }));
      assert.equal(outs.canceledOperation!.id, op.id);
    });

    it("a failed cancellation surfaces the service's step messages", async () => {
      ensureRunning(ctx.emu, "failing", "publish", 600);
      await assert.rejects(
        lifecycle.create(inputs("failing")),
        (e: Error) =>
          e instanceof CancellationFailedError &&
          e.serviceErrors.some((m) => /locked by a certification review/.test(m)) &&
          /locked by a certification review/.test(e.message),
      );
      assert.equal(posts(), 1);
    });

    it("timeout, then resume through update: exactly one POST in total", async () => {
      const op = ensureRunning(ctx.emu, "slow", "publish", 7200);
      const err = (await lifecycle
        .create(inputs("slow", { timeoutSeconds: 1 }))
        .catch((e: unknown) => e)) as lifecycle.ResourceInitFailedError<lifecycle.CancellationOutputs>;
      assert.ok(err instanceof lifecycle.ResourceInitFailedError, String(err));
      assert.match(err.id, /^contoso\/slow\//);
      assert.equal(err.properties.status, "pending");
      assert.ok(err.properties.operationLocation);
      assert.match(err.reasons[0], /run `pulumi up` again to resume/);
      ctx.emu.advanceClock(3600);
      const { outs } = await lifecycle.update(err.id, err.properties, inputs("slow", { timeoutSeconds: 30 }));
      assert.equal(outs.status, "succeeded");
      assert.equal(outs.canceledOperation!.id, op.id);
      assert.equal(posts(), 1);
      assert.ok(lines.some((l) => /resuming the wait/.test(l)));
    });
  });

  describe("resume after the operation behind the Location vanished", () => {
    it("falls back to the submissions list instead of failing on every up", async () => {
      const op = ensureRunning(ctx.emu, "slow", "publish", 7200);
      const err = (await lifecycle
        .create(inputs("slow", { timeoutSeconds: 1 }))
        .catch((e: unknown) => e)) as lifecycle.ResourceInitFailedError<lifecycle.CancellationOutputs>;
      assert.ok(err instanceof lifecycle.ResourceInitFailedError, String(err));
      ctx.emu.advanceClock(3600);
      ctx.emu.deleteOperation(err.properties.cancellationOperationId!);
      const { outs } = await lifecycle.update(err.id, err.properties, inputs("slow", { timeoutSeconds: 30 }));
      assert.equal(outs.status, "succeeded");
      assert.equal(outs.operationStatus, "canceled");
      assert.equal(outs.canceledOperation!.id, op.id);
      assert.equal(posts(), 1);
      assert.ok(
        lines.some((l) => /no longer exists; watching the submissions list instead/.test(l)),
        lines.join("\n"),
      );
    });
  });

  describe("update without a pending wait", () => {
    it("records new settings with no API call", async () => {
      ensureRunning(ctx.emu, "async", "publish", 600);
      const { id, outs } = await lifecycle.create(inputs("async"));
      ctx.emu.clearRequests();
      const { outs: next } = await lifecycle.update(
        id,
        outs,
        inputs("async", { notificationEmails: ["new@contoso.com"], timeoutSeconds: 99 }),
      );
      assert.equal(ctx.emu.requests.length, 0);
      assert.deepEqual(next.notificationEmails, ["new@contoso.com"]);
      assert.equal(next.timeoutSeconds, 99);
      assert.equal(next.status, outs.status);
      assert.equal(next.operationLocation, outs.operationLocation);
    });
  });

  describe("read (refresh)", () => {
    it("reports the operation's current status", async () => {
      ensureRunning(ctx.emu, "async", "publish", 600);
      const { id, outs } = await lifecycle.create(inputs("async"));
      const { props } = await lifecycle.read(id, outs);
      assert.equal(props.operationStatus, "complete");
      assert.equal(props.status, "succeeded");
    });
    it("reports a vanished operation instead of dropping the resource", async () => {
      ensureRunning(ctx.emu, "async", "publish", 600);
      const { id, outs } = await lifecycle.create(inputs("async"));
      ctx.emu.deleteOperation(outs.cancellationOperationId!);
      const { id: sameId, props } = await lifecycle.read(id, outs);
      assert.equal(sameId, id);
      assert.equal(props.operationStatus, "notFound");
      assert.ok(lines.some((l) => /no longer exists/.test(l)));
    });
    it("a Location that answers a redirect on every request: watches the submissions list, as the wait did", async () => {
      const op = ensureRunning(ctx.emu, "async", "publish", 600);
      ctx.emu.addFault({
        match: { method: "GET", pathIncludes: "/offers/async/operations/" },
        always: true,
        fault: { type: "status", status: 302, headers: { Location: `${ctx.emu.url}/api/elsewhere` } },
      });
      const { id, outs } = await lifecycle.create(inputs("async"));
      assert.equal(outs.status, "succeeded");
      assert.equal(outs.canceledOperation!.id, op.id);
      lines.length = 0;
      const { props } = await lifecycle.read(id, outs);
      assert.deepEqual(props, outs, "refresh finds what the up recorded");
      assert.equal(
        ctx.emu.countRequests({ pathIncludes: "/api/elsewhere" }),
        0,
        "a redirect is never followed",
      );
      assert.deepEqual(
        lines.map((l) => l.replace(/^.*?: warning: /, "")),
        [
          `the operation ${outs.operationLocation} answered HTTP 302, a redirect; redirects are not followed, so the token stays on ${ctx.emu.url}; watching the submissions list instead.`,
        ],
      );
    });
  });

  describe("delete", () => {
    it("when: apply makes no API call (a cancellation cannot be undone)", async () => {
      const { id, outs } = await lifecycle.create(inputs("idle"));
      ctx.emu.clearRequests();
      await lifecycle.deleteResource(id, outs);
      assert.equal(ctx.emu.requests.length, 0);
      assert.ok(lines.some((l) => /cannot be undone/.test(l)));
    });
    it("when: destroy records intent on create and cancels on delete", async () => {
      const { id, outs } = await lifecycle.create(inputs("async", { when: "destroy" }));
      assert.equal(outs.status, "scheduled");
      assert.equal(posts(), 0);
      ensureRunning(ctx.emu, "async", "publish", 600);
      await lifecycle.deleteResource(id, outs);
      assert.equal(posts(), 1);
      assert.equal(ctx.emu.getOffer(P, "async").currentOperation, undefined);
    });
  });

  describe("credentials", () => {
    /** The seed's client, as stack config with the emulator as the Entra ID authority. */
    const clientSecretConfig = () => ({
      "marketplace:tenantId": "t-1",
      "marketplace:clientId": "client-1",
      "marketplace:clientSecret": "client-secret-value-1",
      "marketplace:authorityHost": ctx.emu.url,
    });
    const tokenRequests = () => ctx.emu.requests.filter((r) => r.path.includes("/oauth2/v2.0/token"));
    const AZURE_VARIABLES = [
      "AZURE_TENANT_ID",
      "AZURE_CLIENT_ID",
      "AZURE_CLIENT_SECRET",
      "AZURE_AUTHORITY_HOST",
      "AZURE_FEDERATED_TOKEN_FILE",
    ];
    /** Runs `fn` with these variables set, and restores the environment afterwards. */
    async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
      const saved = Object.fromEntries(AZURE_VARIABLES.map((k) => [k, process.env[k]]));
      Object.assign(process.env, vars);
      try {
        return await fn();
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    }

    it("client secret from stack config, through @azure/identity at the configured https authority host", async () => {
      await configure(clientSecretConfig());
      const { outs } = await lifecycle.create(inputs("idle"));
      assert.equal(outs.status, "nothingToCancel");
      const requests = tokenRequests();
      assert.equal(requests.length, 1);
      const form = new URLSearchParams(requests[0].body);
      assert.equal(form.get("grant_type"), "client_credentials");
      assert.equal(form.get("client_id"), "client-1");
      assert.equal(form.get("scope"), "https://cloudpartner.azure.com/.default");
      assert.equal(ctx.emu.countRequests({ pathIncludes: "/oauth2/token" }), 0, "no v1 token request");
    });

    it("client secret from AZURE_* environment variables; MSAL's cache serves the second call", async () => {
      await withEnv(
        {
          AZURE_TENANT_ID: "t-1",
          AZURE_CLIENT_ID: "client-1",
          AZURE_CLIENT_SECRET: "client-secret-value-1",
          AZURE_AUTHORITY_HOST: ctx.emu.url,
        },
        async () => {
          await configure({});
          await lifecycle.create(inputs("idle"));
          await lifecycle.create(inputs("idle"));
        },
      );
      assert.equal(tokenRequests().length, 1);
    });

    it("a 401 mid-way gets one fresh token and one retry", async () => {
      await configure(clientSecretConfig());
      ensureRunning(ctx.emu, "async", "publish", 600);
      await lifecycle.create(inputs("idle"));
      const first = tokenRequests().length;
      ctx.emu.expireTokens();
      const { outs } = await lifecycle.create(inputs("async"));
      assert.equal(outs.status, "succeeded");
      assert.equal(tokenRequests().length - first, 1, "exactly one fresh token");
      assert.equal(posts(), 1);
      const unauthorized = ctx.emu.requests.filter((r) => r.status === 401);
      assert.equal(unauthorized.length, 1, "one request refused, then the retry with the fresh token");
    });

    it("a client secret the authority refuses: a CredentialError that names the settings, without the secret, and nothing sent to the service", async () => {
      await configure({ ...clientSecretConfig(), "marketplace:clientSecret": "not-the-secret-value" });
      const err = (await lifecycle.create(inputs("idle")).catch((e: unknown) => e)) as Error;
      assert.ok(err instanceof CredentialError, String(err));
      assert.match(err.message, /Could not get a token for client client-1 in tenant t-1/);
      assert.match(err.message, /AADSTS7000215/);
      assert.ok(!err.message.includes("not-the-secret-value"));
      assert.equal(ctx.emu.countRequests({ pathIncludes: "/api/" }), 0);
    });

    describe("workload identity: a federated token file", () => {
      let dir: string;
      before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-oidc-"));
      });
      after(() => fs.rmSync(dir, { recursive: true, force: true }));
      /** What AKS workload identity or a GitHub Actions step leaves behind: a file with a fresh token. */
      const tokenFile = (name: string, lifetimeSeconds?: number) => {
        const file = path.join(dir, name);
        const assertion = ctx.emu.mintFederatedToken({ subject: SUBJECT, lifetimeSeconds });
        fs.writeFileSync(file, assertion);
        return { file, assertion };
      };

      it("AZURE_FEDERATED_TOKEN_FILE + AZURE_CLIENT_ID + AZURE_TENANT_ID: cancels with a token exchanged for the assertion", async () => {
        const { file } = tokenFile("aks-token");
        const op = ensureRunning(ctx.emu, "async", "publish", 600);
        const { outs } = await withEnv(
          {
            AZURE_FEDERATED_TOKEN_FILE: file,
            AZURE_CLIENT_ID: "client-1",
            AZURE_TENANT_ID: "t-1",
            AZURE_AUTHORITY_HOST: ctx.emu.url,
          },
          async () => {
            await configure({});
            return lifecycle.create(inputs("async"));
          },
        );
        assert.equal(outs.status, "succeeded");
        assert.equal(outs.canceledOperation!.id, op.id);
        assert.equal(posts(), 1);
        const requests = tokenRequests();
        assert.equal(requests.length, 1);
        const form = new URLSearchParams(requests[0].body);
        assert.equal(
          form.get("client_assertion_type"),
          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        );
        assert.equal(form.get("client_secret"), null);
      });

      it("marketplace:federatedTokenFile in stack config; a 401 mid-way gets one fresh token and one retry", async () => {
        const { file } = tokenFile("config-token");
        await configure({
          "marketplace:tenantId": "t-1",
          "marketplace:clientId": "client-1",
          "marketplace:federatedTokenFile": file,
          "marketplace:authorityHost": ctx.emu.url,
        });
        await lifecycle.create(inputs("idle"));
        ctx.emu.expireTokens();
        const { outs } = await lifecycle.create(inputs("idle"));
        assert.equal(outs.status, "nothingToCancel");
        assert.equal(tokenRequests().length, 2);
      });

      it("an expired federated token: a clear CredentialError (what expired, what to do), nothing sent to the service, no assertion", async () => {
        const { file, assertion } = tokenFile("stale-token", 300);
        ctx.emu.advanceClock(600);
        await configure({
          "marketplace:tenantId": "t-1",
          "marketplace:clientId": "client-1",
          "marketplace:federatedTokenFile": file,
          "marketplace:authorityHost": ctx.emu.url,
        });
        const err = (await lifecycle.create(inputs("idle")).catch((e: unknown) => e)) as Error;
        assert.ok(err instanceof CredentialError, String(err));
        assert.match(err.message, /Could not exchange the federated token in ".*stale-token"/);
        assert.match(err.message, /The federated token has expired/);
        assert.ok(!err.message.includes(assertion));
        assert.equal(ctx.emu.countRequests({ pathIncludes: "/api/" }), 0);
      });
    });

    it("the accessToken input, when nothing is configured", async () => {
      await configure({});
      const token = ctx.emu.issueToken({ publishers: ["*"] });
      const { outs } = await lifecycle.create(inputs("idle", { accessToken: token }));
      assert.equal(outs.status, "nothingToCancel");
    });

    it("an expired accessToken input: a clear error that says how to fix it, without the token", async () => {
      await configure({});
      const token = ctx.emu.issueToken({ publishers: ["*"] });
      ctx.emu.expireTokens();
      const err = (await lifecycle
        .create(inputs("idle", { accessToken: token }))
        .catch((e: unknown) => e)) as Error;
      assert.match(err.message, /accessToken input was rejected/);
      assert.ok(!err.message.includes(token));
    });

    it("the Azure credential chain (an `az` login), when nothing else is given", async () => {
      await configure({});
      const token = ctx.emu.issueToken({ publishers: ["*"] });
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-az-"));
      const expires = new Date(Date.now() + 3600_000);
      const azJson = JSON.stringify({
        accessToken: token,
        expiresOn: expires.toISOString().replace("T", " ").slice(0, 19),
        expires_on: Math.floor(expires.getTime() / 1000),
        tokenType: "Bearer",
      });
      fs.writeFileSync(path.join(bin, "az"), `#!/bin/sh\necho '${azJson}'\n`, { mode: 0o755 });
      const saved = { PATH: process.env.PATH, AZURE_TOKEN_CREDENTIALS: process.env.AZURE_TOKEN_CREDENTIALS };
      process.env.PATH = `${bin}:${process.env.PATH}`;
      // Only the CLI credential: tests must never probe the managed-identity endpoint.
      process.env.AZURE_TOKEN_CREDENTIALS = "AzureCliCredential";
      try {
        const { outs } = await lifecycle.create(inputs("idle"));
        assert.equal(outs.status, "nothingToCancel");
      } finally {
        process.env.PATH = saved.PATH;
        if (saved.AZURE_TOKEN_CREDENTIALS === undefined) delete process.env.AZURE_TOKEN_CREDENTIALS;
        fs.rmSync(bin, { recursive: true, force: true });
      }
    });

    it("a 403 names the fix", async () => {
      await configure({ "marketplace:accessToken": ctx.emu.issueToken({ publishers: ["fabrikam"] }) });
      await assert.rejects(
        lifecycle.create(inputs("idle")),
        (e: Error) => e instanceof HTTPError && e.status === 403 && /publisher owner/.test(e.message),
      );
    });
  });
});

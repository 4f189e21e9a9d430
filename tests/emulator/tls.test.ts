// Specification: the emulator over HTTPS (what MSAL / @azure/identity require of an authority).
// Every request here names its trust explicitly (`ca`), so the outcome does not depend on whether
// this process started with NODE_EXTRA_CA_CERTS.

import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request, type RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { PeerCertificate, TLSSocket } from "node:tls";

import { startEmulator, type Emulator } from "../../emulator";
import { CA_DIR_ENV, generateCa, generateLeaf, writeCaDir } from "../../emulator/core/tls";
import { waitFor } from "./helpers";

const CLI = resolve(__dirname, "../../emulator/cli.js");

interface HttpsReply {
  status: number;
  body: string;
  peer: PeerCertificate;
}

function httpsCall(
  url: string,
  opts: { ca: string; method?: string; body?: string; headers?: Record<string, string> },
): Promise<HttpsReply> {
  return new Promise((done, fail) => {
    const options: RequestOptions = {
      method: opts.method ?? "GET",
      ca: opts.ca,
      headers: opts.headers,
      agent: false,
    };
    const req = request(url, options, (res) => {
      const peer = (res.socket as TLSSocket).getPeerCertificate();
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => done({ status: res.statusCode ?? 0, body, peer }));
    });
    req.on("error", fail);
    req.end(opts.body);
  });
}

/** The error code of a TLS handshake that failed, or "ok". */
async function handshake(url: string, ca: string): Promise<string> {
  try {
    await httpsCall(`${url}/_emulator/health`, { ca });
    return "ok";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}

const tokenForm = (resourceField: string) =>
  `grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&${resourceField}`;

describe("emulator: HTTPS", function () {
  this.timeout(30_000);
  const started: Emulator[] = [];
  let tmp: string;
  let savedCaDir: string | undefined;

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), "cpp-emulator-tls-"));
    savedCaDir = process.env[CA_DIR_ENV];
  });
  afterEach(async () => {
    if (savedCaDir === undefined) delete process.env[CA_DIR_ENV];
    else process.env[CA_DIR_ENV] = savedCaDir;
    await Promise.all(started.splice(0).map((e) => e.close()));
    rmSync(tmp, { recursive: true, force: true });
  });

  async function start(tls: Parameters<typeof startEmulator>[0]): Promise<Emulator> {
    const emu = await startEmulator(tls);
    started.push(emu);
    return emu;
  }

  it("stays plain HTTP by default, with no CA file", async () => {
    const emu = await start({});
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emu.caCertPath, undefined);
  });

  it("tls: { caDir } serves a certificate for 127.0.0.1, ::1 and localhost signed by that CA", async () => {
    await writeCaDir(join(tmp, "ca"), "test CA", 30);
    const emu = await start({ tls: { caDir: join(tmp, "ca") } });
    assert.match(emu.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emu.caCertPath, join(tmp, "ca", "ca.pem"));

    const caPem = readFileSync(emu.caCertPath, "utf8");
    const ca = new X509Certificate(caPem);
    assert.equal(ca.ca, true, "the CA file holds a CA certificate");
    const reply = await httpsCall(`${emu.url}/_emulator/health`, { ca: caPem });
    assert.equal(reply.status, 200);
    assert.equal(JSON.parse(reply.body).caCertPath, emu.caCertPath);

    const leaf = new X509Certificate(reply.peer.raw);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.verify(ca.publicKey), "the served certificate is signed by the CA in the file");
    assert.equal(leaf.checkIP("127.0.0.1"), "127.0.0.1");
    assert.equal(leaf.checkIP("::1"), "::1");
    assert.equal(leaf.checkHost("localhost"), "localhost");
    assert.equal(leaf.checkHost("example.com"), undefined);
  });

  it("a client that trusts another CA refuses the handshake", async () => {
    await writeCaDir(join(tmp, "ca"), "test CA", 30);
    const emu = await start({ tls: { caDir: join(tmp, "ca") } });
    const stranger = await generateCa("some other CA", 30);
    assert.match(await handshake(emu.url, stranger.cert), /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY/);
    assert.equal(await handshake(emu.url, readFileSync(emu.caCertPath ?? "", "utf8")), "ok");
  });

  it(`tls: true signs with the CA in $${CA_DIR_ENV} when set`, async () => {
    await writeCaDir(join(tmp, "envca"), "env CA", 30);
    process.env[CA_DIR_ENV] = join(tmp, "envca");
    const emu = await start({ tls: true });
    assert.equal(emu.caCertPath, join(tmp, "envca", "ca.pem"));
    assert.equal(await handshake(emu.url, readFileSync(emu.caCertPath, "utf8")), "ok");
  });

  it(`tls: true without $${CA_DIR_ENV} makes a CA of its own and writes it to caCertPath`, async () => {
    delete process.env[CA_DIR_ENV];
    const emu = await start({ tls: true });
    assert.ok(emu.caCertPath !== undefined);
    const caPem = readFileSync(emu.caCertPath, "utf8");
    assert.equal(new X509Certificate(caPem).ca, true);
    assert.equal(await handshake(emu.url, caPem), "ok");
  });

  it("tls: { cert, key } serves exactly the given certificate", async () => {
    const ca = await generateCa("given CA", 30);
    const leaf = await generateLeaf(ca, 30);
    const emu = await start({ tls: { cert: leaf.cert, key: leaf.key, ca: ca.cert } });
    assert.equal(readFileSync(emu.caCertPath ?? "", "utf8"), ca.cert);
    const reply = await httpsCall(`${emu.url}/_emulator/health`, { ca: ca.cert });
    assert.equal(reply.status, 200);
    assert.equal(
      new X509Certificate(reply.peer.raw).fingerprint256,
      new X509Certificate(leaf.cert).fingerprint256,
    );
  });

  it("refuses a tls.cert that is not a certificate", async () => {
    await assert.rejects(startEmulator({ tls: { cert: "nope", key: "nope" } }), /tls\.cert is not a PEM/);
  });

  it("serves the CPP routes and the token endpoints on the same HTTPS origin", async () => {
    await writeCaDir(join(tmp, "ca"), "test CA", 30);
    const emu = await start({ tls: { caDir: join(tmp, "ca") } });
    const ca = readFileSync(emu.caCertPath ?? "", "utf8");
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    const token = await httpsCall(`${emu.url}/demo-tenant/oauth2/v2.0/token`, {
      ca,
      method: "POST",
      headers: form,
      body: tokenForm("scope=https://cloudpartner.azure.com/.default"),
    });
    assert.equal(token.status, 200, token.body);
    const accessToken = (JSON.parse(token.body) as { access_token: string }).access_token;
    const offer = await httpsCall(
      `${emu.url}/api/publishers/contoso/offers/contoso-offer?api-version=2017-10-31`,
      { ca, headers: { Authorization: `Bearer ${accessToken}` } },
    );
    assert.equal(offer.status, 200, offer.body);
    const metadata = await httpsCall(`${emu.url}/demo-tenant/v2.0/.well-known/openid-configuration`, { ca });
    assert.equal(metadata.status, 200);
    assert.equal(
      (JSON.parse(metadata.body) as { token_endpoint: string }).token_endpoint,
      `${emu.url}/demo-tenant/oauth2/v2.0/token`,
    );
  });

  it("restart() keeps serving HTTPS with the same certificate on the same port", async () => {
    await writeCaDir(join(tmp, "ca"), "test CA", 30);
    const emu = await start({ tls: { caDir: join(tmp, "ca") } });
    const ca = readFileSync(emu.caCertPath ?? "", "utf8");
    const before = await httpsCall(`${emu.url}/_emulator/health`, { ca });
    const url = emu.url;
    const restarted = emu.restart({ downtimeMs: 300 });
    await waitFor("connections to be refused", async () => (await handshake(url, ca)) === "ECONNREFUSED");
    await restarted;
    assert.equal(emu.url, url);
    const after = await httpsCall(`${emu.url}/_emulator/health`, { ca });
    assert.equal(after.status, 200);
    assert.equal(after.peer.fingerprint256, before.peer.fingerprint256);
  });

  describe("the test CA (tools/tls/testCa.ts)", () => {
    const TOOL = resolve(__dirname, "../../tools/tls/testCa.js");
    const EMULATOR = resolve(__dirname, "../../emulator");
    // A client process: starts an emulator with tls: true and fetches over it with no explicit trust.
    const client = `
      const { startEmulator } = require(${JSON.stringify(EMULATOR)});
      startEmulator({ tls: true }).then(async (emu) => {
        try {
          const res = await fetch(emu.url + "/_emulator/health");
          process.stdout.write("status " + res.status + " " + emu.caCertPath);
        } catch (e) {
          process.stdout.write("failed " + (e.cause && e.cause.code));
        } finally {
          await emu.close();
        }
      });`;
    const run = (args: string[], env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; stdout: string }>((done) => {
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env });
        let stdout = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.on("exit", (code) => done({ code, stdout }));
      });
    const bare = () => {
      const env = { ...process.env };
      delete env.NODE_EXTRA_CA_CERTS;
      delete env[CA_DIR_ENV];
      return env;
    };

    it("--exec starts the command trusting the test CA, which tls: true signs with", async () => {
      const wrapped = await run([TOOL, "--exec", process.execPath, "-e", client], bare());
      assert.equal(wrapped.code, 0);
      const [, status, caPath] = /^status (\d+) (.+)$/.exec(wrapped.stdout) ?? [];
      assert.equal(status, "200", wrapped.stdout);
      assert.match(caPath, /node_modules[\\/]\.cache[\\/]pulumi-marketplace-cancel[\\/]test-ca[\\/]ca\.pem$/);
    });

    it("without it, the same client refuses the emulator's certificate", async () => {
      const plain = await run(["-e", client], bare());
      assert.match(plain.stdout, /^failed (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/);
    });

    it("--exec with another NODE_EXTRA_CA_CERTS leaves the bundle of this process as it was", async () => {
      // The Node 24/26 legs' npm trusts the registry only through this process's bundle: a nested
      // --exec that dropped it once rewrote that file with the test CA alone.
      const mine = process.env.NODE_EXTRA_CA_CERTS;
      assert.ok(mine, "this suite runs under the test CA wrapper");
      const before = readFileSync(mine, "utf8");
      const other = join(mkdtempSync(join(tmpdir(), "pmc-other-ca-")), "other.pem");
      writeFileSync(other, before.slice(before.lastIndexOf("-----BEGIN CERTIFICATE-----")));
      const nested = await run([TOOL, "--exec", process.execPath, "-p", "process.env.NODE_EXTRA_CA_CERTS"], {
        ...bare(),
        NODE_EXTRA_CA_CERTS: other,
      });
      assert.equal(nested.code, 0);
      assert.notEqual(nested.stdout.trim(), mine, "the nested command gets a bundle of its own");
      assert.equal(readFileSync(mine, "utf8"), before);
    });

    it("--exec passes the command's exit code on", async () => {
      const r = await run([TOOL, "--exec", process.execPath, "-e", "process.exit(3)"], bare());
      assert.equal(r.code, 3);
    });
  });

  describe("CLI", () => {
    const children = new Set<ChildProcess>();
    afterEach(() => {
      for (const child of children) child.kill("SIGKILL");
      children.clear();
    });

    /** Starts the CLI; resolves with its CA line and URL once it prints the listening line. */
    function launch(
      args: string[],
      env: NodeJS.ProcessEnv = process.env,
    ): Promise<{ child: ChildProcess; caPath: string; url: string; stop: () => Promise<number | null> }> {
      const child = spawn(process.execPath, [CLI, "--port", "0", "--quiet", ...args], {
        stdio: ["ignore", "pipe", "pipe"],
        env,
      });
      children.add(child);
      let out = "";
      let err = "";
      child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      // SIGTERM lets the CLI close and remove its temporary CA file; the exit code says it did.
      const stop = () => {
        child.kill("SIGTERM");
        return exited;
      };
      return new Promise((done, fail) => {
        child.stdout?.on("data", (d: Buffer) => {
          out += d.toString();
          const listening = /^CPP emulator listening on (\S+)$/m.exec(out);
          if (listening === null) return;
          const ca = /^CPP emulator CA certificate: (.+)$/m.exec(out);
          if (ca === null) return fail(new Error(`no CA line before the listening line: ${out}`));
          done({ child, caPath: ca[1], url: listening[1], stop });
        });
        child.on("exit", (code) => fail(new Error(`CLI exited with ${code}: ${err}`)));
      });
    }

    it("--tls prints where the CA is, then an https URL that the CA verifies", async () => {
      await writeCaDir(join(tmp, "ca"), "test CA", 30);
      const env = { ...process.env, [CA_DIR_ENV]: join(tmp, "ca") };
      const cli = await launch(["--tls"], env);
      assert.match(cli.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(cli.caPath, join(tmp, "ca", "ca.pem"));
      const reply = await httpsCall(`${cli.url}/_emulator/health`, { ca: readFileSync(cli.caPath, "utf8") });
      assert.equal(reply.status, 200);
      assert.equal(await cli.stop(), 0);
    });

    it("--tls without a CA directory makes its own CA", async () => {
      const env = { ...process.env };
      delete env[CA_DIR_ENV];
      const cli = await launch(["--tls"], env);
      assert.equal(await handshake(cli.url, readFileSync(cli.caPath, "utf8")), "ok");
      assert.equal(await cli.stop(), 0);
      assert.equal(existsSync(cli.caPath), false, "the temporary CA file goes with the process");
    });

    it("--cert/--key serve the given certificate", async () => {
      const ca = await generateCa("given CA", 30);
      const leaf = await generateLeaf(ca, 30);
      writeFileSync(join(tmp, "cert.pem"), `${leaf.cert}\n${ca.cert}`);
      writeFileSync(join(tmp, "key.pem"), leaf.key);
      const cli = await launch(["--cert", join(tmp, "cert.pem"), "--key", join(tmp, "key.pem")]);
      const reply = await httpsCall(`${cli.url}/_emulator/health`, { ca: ca.cert });
      assert.equal(
        new X509Certificate(reply.peer.raw).fingerprint256,
        new X509Certificate(leaf.cert).fingerprint256,
      );
      // Without a CA of its own, the certificate itself is what clients are pointed at.
      assert.equal(readFileSync(cli.caPath, "utf8"), `${leaf.cert}\n${ca.cert}`);
      assert.equal(await cli.stop(), 0);
    });

    it("exits 2 for --cert without --key, and 1 for a CA directory without a CA", async () => {
      const run = (args: string[]) =>
        new Promise<{ code: number | null; stderr: string }>((done) => {
          const child = spawn(process.execPath, [CLI, "--port", "0", ...args], { stdio: "pipe" });
          children.add(child);
          let stderr = "";
          child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          child.on("exit", (code) => done({ code, stderr }));
        });
      const noKey = await run(["--cert", join(tmp, "cert.pem")]);
      assert.equal(noKey.code, 2);
      assert.match(noKey.stderr, /--cert and --key go together/);
      const noCa = await run(["--tls", "--ca-dir", join(tmp, "empty")]);
      assert.equal(noCa.code, 1);
      assert.match(noCa.stderr, /no CA in/);
    });
  });
});

import { strict as assert } from "node:assert";
import { parseArgs } from "../../emulator/cli";
import { checkOfferOperationInputs as checkInputs } from "../../provider/cpp/inputs";
import { isLoopback } from "../../provider/core/loopback";

/**
 * What counts as "this machine" — where plain http may carry a token and where the emulator may
 * listen without --allow-remote. Host names are judged by their text alone, never by a resolver.
 */
describe("isLoopback", () => {
  const loopback: [string, string][] = [
    ["localhost", "the loopback name"],
    ["LocalHost", "the loopback name, in any case"],
    ["127.0.0.1", "the usual IPv4 loopback"],
    ["127.0.0.0", "the first address of 127.0.0.0/8"],
    ["127.255.255.255", "the last address of 127.0.0.0/8"],
    ["127.1.2.3", "any address of 127.0.0.0/8"],
    ["::1", "the IPv6 loopback"],
    ["[::1]", "the IPv6 loopback as a URL writes it"],
    ["0:0:0:0:0:0:0:1", "the IPv6 loopback written out"],
    ["0000:0000:0000:0000:0000:0000:0000:0001", "the IPv6 loopback with leading zeros"],
    ["::1%lo", "the IPv6 loopback with a zone"],
    ["::ffff:127.0.0.1", "IPv4-mapped 127.0.0.1, dotted"],
    ["[::ffff:127.0.0.1]", "IPv4-mapped 127.0.0.1, dotted, bracketed"],
    ["::ffff:127.9.8.7", "IPv4-mapped, any address of 127.0.0.0/8"],
    ["::ffff:7f00:1", "IPv4-mapped 127.0.0.1 in hex, as URL parsing writes it"],
    ["[::ffff:7f00:1]", "IPv4-mapped 127.0.0.1 in hex, bracketed"],
    ["::FFFF:7F00:1", "IPv4-mapped in upper-case hex"],
    ["::ffff:7fff:ffff", "IPv4-mapped 127.255.255.255 in hex"],
    ["0:0:0:0:0:ffff:7f00:1", "IPv4-mapped, written out"],
    ["0:0:0:0:0:ffff:127.0.0.1", "IPv4-mapped, written out, dotted"],
  ];
  const notLoopback: [string, string][] = [
    ["", "nothing"],
    ["example.com", "a host name"],
    ["localhost.example.com", "a name that starts like localhost"],
    ["127.0.0.1.example.com", "a name that starts like a loopback address"],
    ["foo.localhost", "a name that only a resolver maps to loopback"],
    ["localhost.", "the fully qualified spelling, which goes to a resolver"],
    ["127.1", "shorthand that is not an address text"],
    ["127.0.0.01", "an address text with a leading zero"],
    ["128.0.0.1", "just above 127.0.0.0/8"],
    ["126.255.255.255", "just below 127.0.0.0/8"],
    ["0.0.0.0", "every interface"],
    ["10.0.0.1", "a private address"],
    ["::", "every IPv6 interface"],
    ["::2", "the IPv6 address after the loopback"],
    ["1::1", "an address ending in 1 that is not ::1"],
    ["fe80::1", "a link-local address"],
    ["fe80::1%lo", "a link-local address with a zone"],
    ["::ffff:128.0.0.1", "IPv4-mapped, outside 127.0.0.0/8, dotted"],
    ["::ffff:8000:1", "IPv4-mapped 128.0.0.1 in hex"],
    ["::ffff:7eff:ffff", "IPv4-mapped 126.255.255.255 in hex"],
    ["::ffff:10.0.0.1", "IPv4-mapped private address"],
    ["::127.0.0.1", "IPv4-compatible (deprecated), not mapped"],
    ["::ffff:0:127.0.0.1", "IPv4-translated, not mapped"],
    ["64:ff9b::127.0.0.1", "NAT64, not mapped"],
    ["1:0:0:0:0:ffff:7f00:1", "the mapped suffix under a non-zero prefix"],
    ["::fffe:7f00:1", "almost the mapped prefix"],
    ["[::ffff:7f00:1", "an unclosed bracket"],
  ];

  for (const [host, what] of loopback) {
    it(`${JSON.stringify(host)} is loopback: ${what}`, () => assert.equal(isLoopback(host), true));
  }
  for (const [host, what] of notLoopback) {
    it(`${JSON.stringify(host)} is not loopback: ${what}`, () => assert.equal(isLoopback(host), false));
  }

  it("judges every IPv4-mapped 127.x.y.z the way URL parsing writes it (hex) as loopback, and its neighbours not", () => {
    for (const [second, third, fourth] of [
      [0, 0, 1],
      [0, 0, 0],
      [255, 255, 255],
      [1, 2, 3],
      [128, 0, 255],
    ]) {
      const hostname = new URL(`http://[::ffff:127.${second}.${third}.${fourth}]/`).hostname;
      assert.match(hostname, /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/, "URL parsing writes hex");
      assert.equal(isLoopback(hostname), true, hostname);
      for (const first of [126, 128]) {
        const neighbour = new URL(`http://[::ffff:${first}.${second}.${third}.${fourth}]/`).hostname;
        assert.equal(isLoopback(neighbour), false, neighbour);
      }
    }
  });

  describe("is the one rule of the endpoint check and of the emulator CLI", () => {
    const httpAccepted = (host: string) =>
      checkInputs({ publisherId: "contoso", offerId: "offer", endpoint: `http://${host}:8080` }).failures
        .length === 0;
    const cliAccepts = (host: string) => {
      try {
        parseArgs(["--host", host]);
        return true;
      } catch (e) {
        if (/--allow-remote/.test((e as Error).message)) return false;
        throw e;
      }
    };

    for (const host of ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"]) {
      it(`plain http to ${host} is accepted as an endpoint`, () => assert.equal(httpAccepted(host), true));
    }
    for (const host of ["10.0.0.1", "example.com", "[::ffff:10.0.0.1]", "[::2]"]) {
      it(`plain http to ${host} is refused as an endpoint`, () => assert.equal(httpAccepted(host), false));
    }
    for (const host of ["127.0.0.1", "localhost", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1"]) {
      it(`the emulator listens on ${host} without --allow-remote`, () =>
        assert.equal(cliAccepts(host), true));
    }
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "::ffff:10.0.0.1"]) {
      it(`the emulator refuses ${host} without --allow-remote`, () => assert.equal(cliAccepts(host), false));
    }
  });
});

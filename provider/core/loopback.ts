/**
 * Whether a host is this machine. Plain http is allowed only there (a token sent over it never
 * leaves the machine), and the emulator, a test double with well-known secrets, listens only
 * there unless told otherwise. One function for both, so they cannot disagree.
 */
import { isIP } from "node:net";

/**
 * True for `localhost`, 127.0.0.0/8, `::1` and the IPv4-mapped IPv6 form of 127.0.0.0/8
 * (`::ffff:127.0.0.1`, which URL parsing rewrites as `::ffff:7f00:1`), in any IPv6 spelling, with
 * or without the brackets of a URL host. Anything else, host names that merely resolve to loopback
 * included, is not: the answer must not depend on a resolver.
 */
export function isLoopback(host: string): boolean {
  const unbracketed = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (unbracketed === "localhost") return true;
  // A zone (`::1%lo`) names an interface; the address is what decides.
  const address = unbracketed.replace(/%.*$/, "");
  switch (isIP(address)) {
    case 4:
      return address.split(".")[0] === "127";
    case 6: {
      const g = ipv6Groups(address);
      const zerosUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
      const isLoopback6 = zerosUpTo(7) && g[7] === 1;
      const isMapped127 = zerosUpTo(5) && g[5] === 0xffff && g[6] >> 8 === 127;
      return isLoopback6 || isMapped127;
    }
    default:
      return false;
  }
}

/** The eight 16-bit groups of an IPv6 address that `isIP` has already accepted. */
function ipv6Groups(address: string): number[] {
  // A trailing dotted IPv4 part stands for the last two groups.
  const text = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((n) => n.toString(16)).join(":"),
  );
  const [head, tail] = text.split("::");
  const parse = (part: string | undefined) => (part ? part.split(":").map((x) => parseInt(x, 16)) : []);
  const before = parse(head);
  const after = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - before.length - after.length).fill(0);
  return [...before, ...zeros, ...after];
}

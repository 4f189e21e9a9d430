/**
 * A loopback HTTP proxy in front of the emulator that adds a `Retry-After` to every operation GET.
 *
 * The emulator cannot send `Retry-After` on operation status answers, so the polling benchmark
 * puts this proxy in between.
 * Every strategy talks to a proxy — the plain one adds nothing — so the extra loopback hop costs
 * every strategy the same.
 *
 * With an accelerated emulator clock (`timeScale` k), a service-side delay of R seconds is R/k
 * real seconds: the proxy then sends Azure's millisecond header `retry-after-ms: R*1000/k`
 * (read first by the provider's client, as by the Azure SDKs). At k = 1 it sends the plain
 * `Retry-After: R`.
 */
import * as http from "node:http";

export interface RetryAfterProxy {
  readonly url: string;
  /** Operation GET answers that carried the added header. */
  readonly stamped: number;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Emulator base URL, e.g. http://127.0.0.1:41234. */
  upstream: string;
  /** Service-side Retry-After in (emulated) seconds; undefined = add nothing. */
  retryAfterSeconds?: number;
  /** Emulator time scale, to convert the delay to real time. */
  timeScale: number;
}

const OPERATION_PATH =
  /^\/api\/(publishers\/[^/]+\/offers\/[^/]+\/operations\/[^/?]+|operations\/[^/?]+)(\?|$)/;

export async function startRetryAfterProxy(options: ProxyOptions): Promise<RetryAfterProxy> {
  const upstream = new URL(options.upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let stamped = 0;
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (up) => {
        const headers = { ...up.headers };
        if (
          options.retryAfterSeconds !== undefined &&
          req.method === "GET" &&
          OPERATION_PATH.test(req.url ?? "")
        ) {
          if (options.timeScale === 1) headers["retry-after"] = String(options.retryAfterSeconds);
          else
            headers["retry-after-ms"] = String(
              Math.round((options.retryAfterSeconds * 1000) / options.timeScale),
            );
          stamped++;
        }
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    forward.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`proxy: ${err.message}`);
    });
    req.pipe(forward);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as import("node:net").AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    get stamped() {
      return stamped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

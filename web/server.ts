// The playground's static server on 127.0.0.1. Every response carries COOP/COEP, so the pages are
// cross-origin isolated and the WASM kernels get SharedArrayBuffer and worker threads; the same files
// under /plain/ come without them (one thread), to see the difference.
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import type { AddressInfo } from "node:net";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".safetensors": "application/octet-stream",
  ".txt": "text/plain; charset=utf-8",
};

/** COOP + COEP make `crossOriginIsolated` true (https://web.dev/articles/coop-coep); CORP lets the page load its own files. */
export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
} as const;

/** The same files without the isolation headers. */
export const PLAIN_PREFIX = "/plain/";

export interface PlaygroundServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1:`port` (0: a free port); "/" is index.html. */
export async function servePlayground(root: string, port = 0): Promise<PlaygroundServer> {
  const base = resolve(root);
  const server: Server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const plain = path.startsWith(PLAIN_PREFIX);
    if (plain) path = path.slice(PLAIN_PREFIX.length - 1);
    const headers = plain ? {} : ISOLATION_HEADERS;
    const file = normalize(join(base, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(base)) {
      res.writeHead(403, headers).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store", ...headers });
        res.end(body);
      },
      () => res.writeHead(404, { "Content-Type": "text/plain", ...headers }).end("not found"),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", ok);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

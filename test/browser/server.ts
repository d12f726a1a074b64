// A static file server on 127.0.0.1 with the headers that make a page cross-origin isolated
// (so that SharedArrayBuffer, and with it the WASM worker threads, is available).
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { AddressInfo } from "node:net";

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

/**
 * COOP same-origin + COEP require-corp make `crossOriginIsolated` true
 * (https://web.dev/articles/coop-coep); CORP same-origin lets the isolated page load our own files.
 */
export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
} as const;

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** The same files without the isolation headers: a page without SharedArrayBuffer (no threads). */
export const PLAIN_PREFIX = "/plain/";

/**
 * Serves the files of `root` ("/" → index.html) on a free port of 127.0.0.1, with the isolation
 * headers, and again under PLAIN_PREFIX without them.
 */
export async function serveStatic(root: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    let path = new URL(req.url ?? "/", "http://localhost").pathname;
    const plain = path.startsWith(PLAIN_PREFIX);
    if (plain) path = path.slice(PLAIN_PREFIX.length - 1);
    const headers = plain ? {} : ISOLATION_HEADERS;
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const ext = file.slice(file.lastIndexOf("."));
        res.writeHead(200, { "Content-Type": TYPES[ext] ?? "application/octet-stream", "Cache-Control": "no-store", ...headers });
        res.end(body);
      },
      () => res.writeHead(404, headers).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

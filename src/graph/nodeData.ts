// Node-only: reads the graph datasets shipped in the package's data/ folder (gzip JSON) and edge-list
// files — reached only through src/node/index.ts, never imported by the browser-safe code.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const cache = new Map<string, unknown>();

/** The parsed JSON of a shipped graph dataset ("cora" or "karate"), decompressed once per process. */
export function readGraphDataset(name: "cora" | "karate"): unknown {
  let value = cache.get(name);
  if (value === undefined) {
    // src/graph/ and dist/graph/ both sit two folders below the package root.
    const path = new URL(`../../data/${name}.json.gz`, import.meta.url);
    value = JSON.parse(gunzipSync(readFileSync(path)).toString("utf8")) as unknown;
    cache.set(name, value);
  }
  return value;
}

/** The text of an edge-list file (plain or gzip-compressed, recognised by its first bytes). */
export function readEdgeListText(path: string): string {
  const raw = readFileSync(path);
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  return bytes.toString("utf8");
}

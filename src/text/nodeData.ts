// Node-only: reads the corpora shipped in the package's data/ folder (gzip) — never imported eagerly by the browser-safe code.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

let shakespeare: string | null = null;

/** The 1,115,394 characters of tiny Shakespeare, decompressed once per process. */
export function readTinyShakespeare(): string {
  if (shakespeare === null) {
    // src/text/ and dist/text/ both sit two folders below the package root.
    const path = new URL("../../data/tinyshakespeare.txt.gz", import.meta.url);
    shakespeare = gunzipSync(readFileSync(path)).toString("utf8");
  }
  return shakespeare;
}

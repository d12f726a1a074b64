// Node-only dataset files: IDX files read plain or gzipped, the per-user cache folder, and sha256-checked atomic downloads.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { isGzip, parseIdx, type IdxArray } from "../data/idx.js";
import { atomicWriteFile, sha256Hex } from "./fs.js";

/**
 * Reads an IDX file, plain or gzip-compressed (recognised by its first bytes, not by its name), and
 * parses it with `parseIdx`; errors name the file.
 */
export function readIdxFile(path: string): IdxArray {
  const raw = readFileSync(path);
  let bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  if (isGzip(bytes)) {
    try {
      const out = gunzipSync(bytes);
      bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      throw new Error(`readIdxFile: ${path} starts like a gzip file but does not decompress (${(e as Error).message}); the file is damaged or truncated`);
    }
  }
  return parseIdx(bytes, path);
}

/** The per-user cache of deepscript: `$XDG_CACHE_HOME/deepscript`, else `~/.cache/deepscript`. */
export function cacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), ".cache"), "deepscript");
}

/** The first of `dir/name.gz`, `dir/name` over `dirs` in order that exists, or null. */
export function findFile(dirs: readonly string[], name: string): string | null {
  for (const dir of dirs) {
    for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * What {@link downloadFile} fetches: the file name, its sha256, the mirrors to try in order, the destination
 * folder and the operation named in errors.
 */
export interface Download {
  /** File name on the mirrors and in `dir` (e.g. `t10k-images-idx3-ubyte.gz`). */
  file: string;
  /** sha256 of the file, lowercase hex. */
  sha256: string;
  /** Base URLs tried in order; the file's URL is base + file. */
  mirrors: readonly string[];
  /** Folder the file is saved into (created if missing). */
  dir: string;
  /** The operation named in errors (e.g. `FashionMNIST.load`). */
  op: string;
}

/**
 * Fetches `file` from the first mirror that answers, checks its sha256 and writes it into `dir`
 * atomically (a temporary file renamed over the target), so an interrupted or failed download never
 * leaves a partial file where the dataset is looked up. A mirror that cannot be reached or answers
 * with an HTTP error is skipped; a file whose sha256 differs is an error (nothing is written).
 */
export async function downloadFile(d: Download): Promise<string> {
  const failures: string[] = [];
  for (const mirror of d.mirrors) {
    const url = (mirror.endsWith("/") ? mirror : mirror + "/") + d.file;
    let bytes: Uint8Array;
    try {
      const response = await fetch(url);
      if (!response.ok) {
        failures.push(`${url}: HTTP ${response.status} ${response.statusText}`.trimEnd());
        continue;
      }
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      failures.push(`${url}: ${(e as Error).message}${cause ? ` (${cause})` : ""}`);
      continue;
    }
    const got = sha256Hex(bytes);
    if (got !== d.sha256) {
      throw new Error(
        `${d.op}: the file downloaded from ${url} (${bytes.length} bytes) has sha256 ${got}, but the official ${d.file} has sha256 ${d.sha256}; nothing was saved (the mirror serves a different or damaged file)`,
      );
    }
    const path = join(d.dir, d.file);
    atomicWriteFile(path, bytes);
    return path;
  }
  throw new Error(`${d.op}: could not download ${d.file} from any mirror:\n  ${failures.join("\n  ")}`);
}

/** What the datasets in src/data need from Node; loaded only under Node (see data/datasetHost.ts). */
export const datasetFiles = { readIdxFile, cacheDir, findFile, downloadFile, join: (...parts: string[]): string => join(...parts) };
/**
 * The type of the Node file helpers the datasets in `data` use (IDX reading, the cache folder, file lookup
 * and downloads).
 */
export type DatasetFiles = typeof datasetFiles;

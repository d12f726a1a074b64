// Node file adapters: atomic writes, byte reads and line appends used by io, loggers and the CLI.
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/**
 * Writes `data` to `path` atomically: into a temporary file in the same folder (same file system),
 * flushed, then renamed over `path`. A reader sees the old file or the new one, never half of one.
 */
export function atomicWriteFile(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
  const fd = openSync(tmp, "w");
  try {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function readFileBytes(path: string): Uint8Array {
  const buf = readFileSync(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function readTextFile(path: string): string {
  return readFileSync(path, "utf8");
}

/** A line sink appending to `path` (created with its folders; `truncate` empties it first). */
export function fileSink(path: string, options: { truncate?: boolean } = {}): (line: string) => void {
  mkdirSync(dirname(path), { recursive: true });
  if (options.truncate ?? true) atomicWriteFile(path, "");
  return (line: string) => appendFileSync(path, line.endsWith("\n") ? line : line + "\n");
}

// Node-only adapter of the event-file writer and reader: folders, file descriptors, host name, zlib.
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

/** What SummaryWriter and readEvents need from the host (in a browser bundle, nodeFile.browser.ts replaces this file). */
export const nodeHost = {
  hostname: (): string => hostname(),
  pid: (): number => process.pid,
  join: (...parts: string[]): string => join(...parts),
  /** Creates `dir` and its parents. */
  makeDirs(dir: string): void {
    mkdirSync(dir, { recursive: true });
  },
  /** Creates (or empties) `path` for writing and returns its descriptor. */
  create(path: string): number {
    return openSync(path, "w");
  },
  write(fd: number, bytes: Uint8Array): void {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  },
  close(fd: number): void {
    closeSync(fd);
  },
  readFile(path: string): Uint8Array {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  },
  deflate: (data: Uint8Array): Uint8Array => deflateSync(data),
  /** Runs `fn` when the process exits normally (writes must be synchronous there). */
  onExit(fn: () => void): void {
    process.once("exit", fn);
  },
};

export type NodeHost = typeof nodeHost;

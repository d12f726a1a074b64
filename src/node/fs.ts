// Node file adapters: atomic streamed writes, chunked reads of regular files, and line appends used by io, loggers and the CLI.
import { createHash } from "node:crypto";
import { appendFileSync, closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync, type Stats } from "node:fs";
import { basename as pathBasename, dirname as pathDirname, join as pathJoin } from "node:path";

// Wrapped rather than re-exported, so the declarations name no Node types (user code type-checks without @types/node).
/** The last part of a path (node:path basename). */
export function basename(path: string): string {
  return pathBasename(path);
}
/** A path's folder (node:path dirname). */
export function dirname(path: string): string {
  return pathDirname(path);
}
/** Joins path parts (node:path join). */
export function join(...parts: string[]): string {
  return pathJoin(...parts);
}

/**
 * Files are written and read in chunks of at most `chunkBytes`, so a file may exceed what one array
 * or one read/write call can hold (Node refuses a single call over 2 GiB). Tests lower it to a few
 * bytes to run the chunked loops on small files.
 */
export const ioLimits = { chunkBytes: 64 * 1024 * 1024 };

let counter = 0;

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err && typeof err.message === "string" ? err.message : String(e);
}

/** Runs a file-system call, turning its error into one that names the user's operation and the path. */
function attempt<T>(op: string, action: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const hint = code === "ENOENT" ? "it does not exist" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EISDIR" ? "it is a directory" : code === "ENOSPC" ? "the disk is full" : describeError(e);
    throw new Error(`${op}: cannot ${action} ${JSON.stringify(path)}: ${hint}`, { cause: e });
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

/** This process's id (kept here so that src/io never touches `process`, which browsers lack). */
export function currentPid(): number {
  return process.pid;
}

/** True when a process with this id runs on this machine (EPERM: it runs, as another user). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Flushes a folder's entries (renames) to disk; not possible on every platform, so best effort. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Windows cannot open folders; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A temporary sibling of `path`: `.name.<pid>-<n>.tmp`, in the same folder so that renaming it is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${counter++}.tmp`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Removes temporary files `tempPathFor(path)` left by writers that died (killed, crashed) before
 * renaming them; files of live processes are kept, since they may still be writing.
 */
export function removeStaleTemps(path: string): void {
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(path))}\\.(\\d+)-\\d+\\.tmp$`);
  for (const name of listDir(dirname(path))) {
    const m = pattern.exec(name);
    if (m && Number(m[1]) !== process.pid && !isProcessAlive(Number(m[1]))) rmSync(join(dirname(path), name), { force: true });
  }
}

/** The names in `dir` ([] when it does not exist or cannot be listed). */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Writes `parts` one after another to a new file at `path` in chunks, flushed to disk before it
 * returns. On failure the partial file is removed.
 */
export function writeFileDurably(path: string, parts: Iterable<Uint8Array | string>, op: string): void {
  const fd = attempt(op, "create", path, () => openSync(path, "w"));
  try {
    for (const part of parts) {
      const bytes = typeof part === "string" ? new TextEncoder().encode(part) : part;
      let written = 0;
      while (written < bytes.length) {
        const length = Math.min(ioLimits.chunkBytes, bytes.length - written);
        written += attempt(op, "write", path, () => writeSync(fd, bytes, written, length));
      }
    }
    attempt(op, "flush", path, () => fsyncSync(fd));
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  }
  closeSync(fd);
}

/** Creates `dir` and its parents if needed. */
export function makeDir(dir: string, op: string): void {
  attempt(op, "create the folder", dir, () => mkdirSync(dir, { recursive: true }));
}

/** Deletes `path` if it exists; failures are ignored (used to clean up after an error). */
export function removeFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing more to do: the original error matters more
  }
}

/** Renames `from` over `to` (atomic on one file system) and flushes the folder entry. */
export function renameDurably(from: string, to: string, op: string): void {
  attempt(op, "replace", to, () => renameSync(from, to));
  fsyncDir(dirname(to));
}

/**
 * Writes `data` (or its parts, streamed) to `path` atomically: into a temporary file in the same
 * folder, flushed, then renamed over `path`. A reader sees the old file or the new one, never half of
 * one; temporary files of earlier writers that were killed are removed first.
 */
export function atomicWriteFile(path: string, data: Uint8Array | string | Iterable<Uint8Array>, op = "atomicWriteFile"): void {
  makeDir(dirname(path), op);
  removeStaleTemps(path);
  const tmp = tempPathFor(path);
  const parts = typeof data === "string" || data instanceof Uint8Array ? [data] : data;
  writeFileDurably(tmp, parts, op);
  try {
    renameDurably(tmp, path, op);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A regular file opened for reading by position, in chunks of at most `ioLimits.chunkBytes`. */
export interface FileSource {
  readonly path: string;
  readonly size: number;
  read(into: Uint8Array, position: number): void;
  close(): void;
}

/**
 * Opens `path` for reading after checking that it is a regular file: devices (`/dev/zero`), pipes
 * and folders are refused instead of read forever or blocked on. The file is opened without
 * blocking (a pipe swapped in after the check cannot stall the open) and checked again.
 */
export function openFileSource(path: string, op: string): FileSource {
  const before = attempt(op, "read", path, () => statSync(path));
  if (!before.isFile()) throw new Error(`${op}: ${JSON.stringify(path)} is ${kindOf(before)}, not a regular file`);
  const fd = attempt(op, "open", path, () => openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)));
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw new Error(`${op}: ${JSON.stringify(path)} is ${kindOf(stats)}, not a regular file`);
  }
  const size = stats.size;
  return {
    path,
    size,
    read(into: Uint8Array, position: number): void {
      let done = 0;
      while (done < into.length) {
        const length = Math.min(ioLimits.chunkBytes, into.length - done);
        const n = attempt(op, "read", path, () => readSync(fd, into, done, length, position + done));
        if (n === 0) throw new Error(`${op}: ${JSON.stringify(path)} ended at byte ${position + done} of the ${size} it had when opened (was it changed while being read?)`);
        done += n;
      }
    },
    close: () => closeSync(fd),
  };
}

/** The whole content of a regular file (see `openFileSource` for what is refused). */
export function readRegularFile(path: string, op: string): Uint8Array {
  const source = openFileSource(path, op);
  try {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(source.size);
    } catch {
      throw new Error(`${op}: ${JSON.stringify(path)} has ${source.size} bytes, more than one array can hold`);
    }
    source.read(bytes, 0);
    return bytes;
  } finally {
    source.close();
  }
}

/** The bytes of the regular file at `path` (errors name `op`). */
export function readFileBytes(path: string, op = "readFileBytes"): Uint8Array {
  return readRegularFile(path, op);
}

/** The UTF-8 text of the regular file at `path` (errors name `op`). */
export function readTextFile(path: string, op = "readTextFile"): string {
  return new TextDecoder().decode(readRegularFile(path, op));
}

/** SHA-256 of `bytes` in hex (node:crypto; the same digest as io/sha256.ts, about ten times faster). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A line sink appending to `path` (created with its folders; `truncate` empties it first). */
export function fileSink(path: string, options: { truncate?: boolean } = {}): (line: string) => void {
  mkdirSync(dirname(path), { recursive: true });
  if (options.truncate ?? true) atomicWriteFile(path, "");
  return (line: string) => appendFileSync(path, line.endsWith("\n") ? line : line + "\n");
}

// Saving and loading: safetensors weights plus a JSON sidecar tied to them by its SHA-256; file access is Node-only and loaded lazily.
import type { Tensor } from "../tensor/Tensor.js";
import { memorySource, planSafetensors, preview, readHeader, readTensors, type NamedTensors, type SafetensorsHeader, type SafetensorsPlan } from "./safetensors.js";
import { sha256Hex } from "./sha256.js";
import { decodeState, encodeState, type StateValue } from "./stateJson.js";

/**
 * The module's imports stay browser-safe: `save`/`load` reach the file system through a dynamic
 * import of the Node adapter, so a browser bundle only fails if it calls them (use
 * `serialize`/`deserialize` and `serializeCheckpoint`/`deserializeCheckpoint` there).
 */
type NodeFs = typeof import("../node/fs.js");
async function nodeFs(op: string): Promise<NodeFs> {
  return nodeFileSystem(await import("../node/fs.js"), op);
}

/**
 * The Node file adapter, or an error saying what to do instead where it is missing: browser bundles
 * replace it by an empty module (package.json "browser" maps it to false).
 */
export function nodeFileSystem(module: Partial<NodeFs>, op: string): NodeFs {
  if (typeof module.atomicWriteFile === "function" && typeof module.openFileSource === "function") return module as NodeFs;
  const instead: Record<string, string> = {
    "io.save": "turn the weights into bytes with io.serialize(model.stateDict()) and offer them as a download (new Blob([bytes]) and an <a download> link) or keep them in IndexedDB; io.deserialize(bytes) reads them back",
    "io.load": "fetch the file (or read it from IndexedDB or a file input) and pass its bytes to io.deserialize(bytes)",
    "io.saveCheckpoint": "io.serializeCheckpoint(checkpoint) gives the weights' bytes and the sidecar's text to offer as downloads or keep in IndexedDB; io.deserializeCheckpoint reads them back",
    "io.loadCheckpoint": "fetch both files (weights and .json sidecar) and pass them to io.deserializeCheckpoint",
  };
  throw new Error(`${op}: needs Node.js's file system, which this environment lacks; in a browser, ${instead[op] ?? "keep the data in memory (io.serialize / io.deserialize)"}`);
}

const quote = (path: string) => JSON.stringify(path);

/** Writes tensors (e.g. `model.stateDict()`) to `path` as safetensors, atomically, streaming them to disk. */
export async function save(stateDict: NamedTensors, path: string, options: { metadata?: Record<string, string> } = {}): Promise<void> {
  const fs = await nodeFs("io.save");
  const plan = planSafetensors(stateDict, options.metadata, "io.save");
  fs.atomicWriteFile(path, [plan.header, ...plan.parts], "io.save");
}

/** Reads a safetensors file into a name → tensor record (without prototype), tensor by tensor from disk. */
export async function load(path: string): Promise<Record<string, Tensor>> {
  const fs = await nodeFs("io.load");
  const source = fs.openFileSource(path, "io.load");
  try {
    const where = `io.load: ${quote(path)}`;
    return readTensors(source, readHeader(source, where), where);
  } finally {
    source.close();
  }
}

/** Everything needed to resume training: weights, and optionally model config and optimizer state. */
export interface Checkpoint {
  stateDict: Record<string, Tensor>;
  /** Model hyper-parameters (layer sizes, ...), any JSON value. */
  config?: StateValue;
  /** `optimizer.stateDict()`; tensors inside are stored bit-exactly. */
  optimizer?: StateValue;
  /** Anything else to resume (epoch, generator state, history). */
  extra?: StateValue;
}

/**
 * The weights' `__metadata__` key holding the SHA-256 (hex) of the sidecar's bytes: the weights file
 * is the checkpoint's manifest, and a sidecar is used only if it is the one that was saved with them.
 */
export const SIDECAR_HASH_KEY = "deepscript.sidecar.sha256";

/** The sidecar path for a weights file: `model.safetensors` → `model.json`. */
export function sidecarPath(path: string): string {
  return path.endsWith(".safetensors") ? path.slice(0, -".safetensors".length) + ".json" : path + ".json";
}

/** The sidecar's JSON text (browser-safe; pairs with `serialize(checkpoint.stateDict)`). */
export function encodeSidecar(checkpoint: Omit<Checkpoint, "stateDict">, op = "encodeSidecar"): string {
  const json = {
    format: "deepscript-checkpoint",
    version: 1,
    config: encodeState(checkpoint.config ?? null, op, "config"),
    optimizer: encodeState(checkpoint.optimizer ?? null, op, "optimizer"),
    extra: encodeState(checkpoint.extra ?? null, op, "extra"),
  };
  try {
    return JSON.stringify(json);
  } catch (e) {
    throw new Error(`${op}: config, optimizer state and extra are too large for one JSON text (${(e as Error).message}); keep large tensors in the state dict`);
  }
}

/** Inverse of `encodeSidecar`, for untrusted text; errors start with `op`. */
export function decodeSidecar(text: string, op = "decodeSidecar"): Omit<Checkpoint, "stateDict"> {
  if (typeof text !== "string") throw new Error(`${op}: expected the sidecar's JSON text, got ${typeof text} ${preview(text)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${op}: sidecar is not valid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json) || (json as Record<string, unknown>).format !== "deepscript-checkpoint") {
    throw new Error(`${op}: sidecar is not a deepscript checkpoint (missing format: "deepscript-checkpoint")`);
  }
  const obj = json as Record<string, unknown>;
  if (obj.version !== 1) throw new Error(`${op}: sidecar has version ${preview(obj.version)}; this deepscript reads version 1`);
  const field = (name: "config" | "optimizer" | "extra"): StateValue => {
    if (!Object.hasOwn(obj, name)) throw new Error(`${op}: sidecar has no "${name}" field`);
    return decodeState(obj[name], op, name);
  };
  return { config: field("config"), optimizer: field("optimizer"), extra: field("extra") };
}

function decodeSidecarBytes(bytes: Uint8Array, op: string, where: string): Omit<Checkpoint, "stateDict"> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    throw new Error(e instanceof RangeError ? `${op}: ${where} has ${bytes.length} bytes, too many to read as one string` : `${op}: ${where} is not valid UTF-8`);
  }
  return decodeSidecar(text, op);
}

interface PlannedCheckpoint {
  weights: SafetensorsPlan;
  sidecar: Uint8Array;
  sha256: string;
}

/** Encodes both files; the weights' metadata records the sidecar's hash. Nothing touches the disk yet. */
function planCheckpoint(checkpoint: Checkpoint, options: { metadata?: Record<string, string> }, op: string, hash: (bytes: Uint8Array) => string): PlannedCheckpoint {
  if (checkpoint === null || typeof checkpoint !== "object") throw new Error(`${op}: expected a checkpoint { stateDict, config?, optimizer?, extra? }, got ${preview(checkpoint)}`);
  if (checkpoint.stateDict === undefined) throw new Error(`${op}: the checkpoint has no stateDict`);
  const metadata = new Map<string, string>(options.metadata instanceof Map ? options.metadata : Object.entries(options.metadata ?? {}));
  if (metadata.has(SIDECAR_HASH_KEY)) throw new Error(`${op}: metadata key "${SIDECAR_HASH_KEY}" is reserved for the sidecar's hash`);
  const sidecar = new TextEncoder().encode(encodeSidecar(checkpoint, op));
  const sha256 = hash(sidecar);
  metadata.set(SIDECAR_HASH_KEY, sha256);
  return { weights: planSafetensors(checkpoint.stateDict, metadata, op), sidecar, sha256 };
}

/**
 * Checks that `sidecar` is the one saved with weights whose header is `header`. Weights without the
 * hash key were written before checkpoints carried it (or by `io.save`/`serialize` next to an
 * `encodeSidecar` text): such pairs load as before, unverified.
 */
function sidecarMatches(header: SafetensorsHeader, sidecar: Uint8Array, hash: (bytes: Uint8Array) => string): boolean {
  const expected = header.metadata[SIDECAR_HASH_KEY];
  return expected === undefined || hash(sidecar) === expected;
}

function checkHashField(header: SafetensorsHeader, op: string, where: string): string | undefined {
  const expected = header.metadata[SIDECAR_HASH_KEY];
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) throw new Error(`${op}: ${where} records a malformed sidecar hash ${preview(expected)} (expected 64 hex digits)`);
  return expected;
}

/**
 * A checkpoint as two in-memory files (browser-safe): the safetensors weights, whose metadata holds
 * the sidecar's SHA-256, and the sidecar's JSON text. `deserializeCheckpoint` inverts it.
 */
export function serializeCheckpoint(checkpoint: Checkpoint, options: { metadata?: Record<string, string> } = {}): { weights: Uint8Array; sidecar: string } {
  const planned = planCheckpoint(checkpoint, options, "serializeCheckpoint", sha256Hex);
  const weights = new Uint8Array(planned.weights.byteLength);
  weights.set(planned.weights.header, 0);
  let pos = planned.weights.header.length;
  for (const part of planned.weights.parts) {
    weights.set(part, pos);
    pos += part.length;
  }
  return { weights, sidecar: new TextDecoder().decode(planned.sidecar) };
}

/** Reads a checkpoint from its two files in memory, refusing a sidecar that was not saved with the weights. */
export function deserializeCheckpoint(weights: Uint8Array, sidecar: string | Uint8Array): Checkpoint {
  const op = "deserializeCheckpoint";
  if (!(weights instanceof Uint8Array)) throw new Error(`${op}: expected the weights file's bytes as a Uint8Array, got ${typeof weights} ${preview(weights)}`);
  if (typeof sidecar !== "string" && !(sidecar instanceof Uint8Array)) throw new Error(`${op}: expected the sidecar as a string or Uint8Array, got ${typeof sidecar} ${preview(sidecar)}`);
  const source = memorySource(weights);
  const header = readHeader(source, `${op}: weights`);
  checkHashField(header, op, "the weights file");
  const sidecarBytes = typeof sidecar === "string" ? new TextEncoder().encode(sidecar) : sidecar;
  if (!sidecarMatches(header, sidecarBytes, sha256Hex)) {
    throw new Error(`${op}: the sidecar was not saved with these weights (its SHA-256 differs from the one the weights record): the two come from different saves, or the sidecar was edited`);
  }
  const rest = decodeSidecarBytes(sidecarBytes, op, "the sidecar");
  return { stateDict: readTensors(source, header, `${op}: weights`), ...rest };
}

/** `.model.json.<sha256>.<pid>.pending`: a complete new sidecar that waits for its weights to be committed. */
function pendingPattern(fs: NodeFs, sidecar: string): RegExp {
  const escaped = fs.basename(sidecar).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\.${escaped}\\.([0-9a-f]{64})\\.(\\d+)\\.pending$`);
}

/** The pending sidecars next to `sidecar`: file, hash and writer's process id. */
function pendingSidecars(fs: NodeFs, sidecar: string): { file: string; sha: string; pid: number }[] {
  const dir = fs.dirname(sidecar);
  const pattern = pendingPattern(fs, sidecar);
  return fs.listDir(dir).flatMap((name) => {
    const m = pattern.exec(name);
    return m ? [{ file: fs.join(dir, name), sha: m[1]!, pid: Number(m[2]) }] : [];
  });
}

function hashOfFile(fs: NodeFs, path: string, op: string): string | undefined {
  try {
    return fs.sha256Hex(fs.readRegularFile(path, op));
  } catch {
    return undefined;
  }
}

/** The sidecar hash recorded by the weights at `path` (undefined if there are none, or they are unreadable). */
function committedSidecarHash(fs: NodeFs, path: string, op: string): string | undefined {
  try {
    const source = fs.openFileSource(path, op);
    try {
      return readHeader(source, op).metadata[SIDECAR_HASH_KEY];
    } finally {
      source.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Brings the files at `path` to the state of the last committed save, then removes what killed saves
 * left behind. A save killed after its commit left the new sidecar under its pending name: it is
 * renamed into place (what `loadCheckpoint` would have read anyway). Every other pending sidecar and
 * temporary weights file of a process that no longer runs is deleted.
 */
function recoverCheckpoint(fs: NodeFs, path: string, op: string): void {
  const sidecar = sidecarPath(path);
  const pending = pendingSidecars(fs, sidecar);
  if (pending.length > 0) {
    const wanted = committedSidecarHash(fs, path, op);
    let settled = wanted === undefined || hashOfFile(fs, sidecar, op) === wanted;
    let movedIntoPlace: string | undefined;
    for (const p of pending) {
      if (settled) break;
      if (p.sha === wanted && hashOfFile(fs, p.file, op) === wanted) {
        fs.renameDurably(p.file, sidecar, op);
        movedIntoPlace = p.file;
        settled = true;
      }
    }
    for (const p of pending) {
      const writerGone = p.pid === fs.currentPid() || !fs.isProcessAlive(p.pid);
      if (p.file !== movedIntoPlace && writerGone && (settled || p.sha !== wanted)) fs.removeFile(p.file);
    }
  }
  fs.removeStaleTemps(path);
}

/** The points between the steps of a save, for tests that kill a saving process at each of them. */
export type SaveStep = "cleaned" | "sidecar-written" | "weights-written" | "committed" | "done";

/**
 * `saveCheckpoint` with a hook called after each step (internal: tests kill a process there). The
 * weights file is the commit point and the manifest: its metadata holds the sidecar's hash, and it
 * is renamed into place only once that sidecar is on disk.
 *
 * 1. recover: finish or clean up after earlier saves that were killed;
 * 2. write the new sidecar to `.model.json.<sha256>.<pid>.pending` (flushed);
 * 3. write the new weights to a temporary file (flushed);
 * 4. rename the weights over `model.safetensors` — the commit;
 * 5. rename the pending sidecar over `model.json`.
 *
 * Killed before 4, the folder holds the previous checkpoint (plus files that step 1 of the next save
 * removes); killed between 4 and 5, `loadCheckpoint` finds the new sidecar under its pending name.
 */
export async function saveCheckpointInSteps(path: string, checkpoint: Checkpoint, options: { metadata?: Record<string, string> }, afterStep: (step: SaveStep) => void): Promise<void> {
  const op = "saveCheckpoint";
  const fs = await nodeFs("io.saveCheckpoint");
  const planned = planCheckpoint(checkpoint, options, op, fs.sha256Hex);
  const sidecar = sidecarPath(path);
  fs.makeDir(fs.dirname(path), op);
  recoverCheckpoint(fs, path, op);
  afterStep("cleaned");
  const pending = fs.join(fs.dirname(sidecar), `.${fs.basename(sidecar)}.${planned.sha256}.${fs.currentPid()}.pending`);
  const tmp = fs.tempPathFor(path);
  try {
    fs.writeFileDurably(pending, [planned.sidecar], op);
    afterStep("sidecar-written");
    fs.writeFileDurably(tmp, [planned.weights.header, ...planned.weights.parts], op);
    afterStep("weights-written");
    fs.renameDurably(tmp, path, op);
  } catch (e) {
    fs.removeFile(tmp);
    fs.removeFile(pending);
    throw e;
  }
  afterStep("committed");
  fs.renameDurably(pending, sidecar, op);
  afterStep("done");
}

/**
 * Saves a checkpoint as one atomic unit: `path` (weights, safetensors) and its sidecar `.json`
 * (config, optimizer state, extra). After a crash or a kill at any moment, `loadCheckpoint(path)`
 * gives the previous checkpoint or the new one, never a mix; leftovers of killed saves are removed by
 * the next save. Tensors are streamed to disk, so checkpoints may exceed 2 GiB. One process at a
 * time may save to a given path.
 */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint, options: { metadata?: Record<string, string> } = {}): Promise<void> {
  await saveCheckpointInSteps(path, checkpoint, options, () => {});
}

/**
 * Loads a checkpoint saved by `saveCheckpoint`. The sidecar must be the one saved with the weights
 * (its SHA-256 is recorded in the weights' metadata); if a save was killed right after committing
 * the weights, the new sidecar is read from where that save left it. Checkpoints written before
 * the hash existed (weights without it) load as before, without this check.
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  const op = "loadCheckpoint";
  const fs = await nodeFs("io.loadCheckpoint");
  const source = fs.openFileSource(path, op);
  try {
    const where = `${op}: ${quote(path)}`;
    const header = readHeader(source, where);
    const expected = checkHashField(header, op, quote(path));
    const sidecar = sidecarPath(path);
    const bytes = expected === undefined ? fs.readRegularFile(sidecar, op) : findSidecar(fs, path, sidecar, expected, op);
    const rest = decodeSidecarBytes(bytes, op, quote(sidecar));
    return { stateDict: readTensors(source, header, where), ...rest };
  } finally {
    source.close();
  }
}

/** The bytes of the sidecar whose hash the weights record: in place, or pending after a killed save. */
function findSidecar(fs: NodeFs, path: string, sidecar: string, expected: string, op: string): Uint8Array {
  let problem = "does not exist";
  try {
    const bytes = fs.readRegularFile(sidecar, op);
    const actual = fs.sha256Hex(bytes);
    if (actual === expected) return bytes;
    problem = `has SHA-256 ${actual}`;
  } catch (e) {
    if ((e as { cause?: NodeJS.ErrnoException }).cause?.code !== "ENOENT") problem = `cannot be read (${(e as Error).message})`;
  }
  for (const p of pendingSidecars(fs, sidecar)) {
    if (p.sha !== expected) continue;
    try {
      const bytes = fs.readRegularFile(p.file, op);
      if (fs.sha256Hex(bytes) === expected) return bytes;
    } catch {
      // an unreadable leftover: keep looking
    }
  }
  throw new Error(`${op}: ${quote(path)} was saved with a sidecar of SHA-256 ${expected}, but ${quote(sidecar)} ${problem}: the two files come from different saves, or the sidecar was edited or removed`);
}

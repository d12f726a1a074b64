import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, copyFileSync, existsSync, ftruncateSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deserialize, serialize } from "../../src/io/safetensors.js";
import { deserializeCheckpoint, load, loadCheckpoint, save, saveCheckpoint, serializeCheckpoint, SIDECAR_HASH_KEY } from "../../src/io/checkpoint.js";
import { ioLimits } from "../../src/node/fs.js";
import { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";
import { FIXTURE_DIR } from "../fixtures/io/fixtureValues.js";

/** Bit patterns, so that -0 and NaN compare exactly. */
function bits(t: Tensor): number[] {
  const d = t.dataSync();
  return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
}

const tempDir = () => mkdtempSync(join(tmpdir(), "ds-io-"));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The error a promise rejects with (or a failure if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

function sampleCheckpoint(scale: number) {
  return {
    stateDict: { w: tensor([[1 * scale, 2], [3, 4]]), b: Tensor.fromData(new Float64Array([scale, -0]), [2], "float64") },
    config: { sizes: [2, 3], scale },
    optimizer: { state: { 0: { step: scale, momentumBuffer: tensor([scale, 0.5]) } }, paramGroups: [{ lr: 0.05, params: [0] }] },
    extra: { epoch: scale, loss: Number.NaN },
  };
}

describe("io.save / io.load on disk", () => {
  it("save writes atomically (no temp file left) and load reads the tensors back", async () => {
    const dir = tempDir();
    const path = join(dir, "sub", "model.safetensors");
    await save({ w: tensor([[1.5, -2]]) }, path);
    await save({ w: tensor([[3, 4]]) }, path); // overwrite in place
    expect(readdirSync(join(dir, "sub"))).toEqual(["model.safetensors"]);
    expect((await load(path)).w!.toList()).toEqual([3, 4]);
  });

  it("save writes exactly serialize()'s bytes", async () => {
    const path = join(tempDir(), "m.safetensors");
    const tensors = { a: tensor([1, 2, 3]), b: Tensor.fromData(new Int32Array([7]), [1], "int32") };
    await save(tensors, path, { metadata: { k: "v" } });
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(serialize(tensors, { metadata: { k: "v" } })))).toBe(true);
  });

  it("a temporary file left by a killed writer is removed by the next save", async () => {
    const dir = tempDir();
    const path = join(dir, "m.safetensors");
    // A pid that cannot run: above the kernel's maximum (2^22 on Linux).
    writeFileSync(join(dir, ".m.safetensors.99999999-0.tmp"), "partial");
    writeFileSync(join(dir, ".other.safetensors.99999999-0.tmp"), "someone else's");
    await save({ w: tensor([1]) }, path);
    expect(readdirSync(dir).sort()).toEqual([".other.safetensors.99999999-0.tmp", "m.safetensors"]);
  });

  describe("streamed in small chunks (the path files over 2 GiB take)", () => {
    const saved = ioLimits.chunkBytes;
    afterEach(() => {
      ioLimits.chunkBytes = saved;
    });

    it("writes and reads byte-identical files with 7-byte chunks", async () => {
      ioLimits.chunkBytes = 7;
      const dir = tempDir();
      const tensors = { big: Tensor.fromData(Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i)), [7, 143], "float64"), odd: tensor([1, 2, 3]), mask: Tensor.fromData(new Uint8Array([1, 0, 1]), [3], "bool") };
      await save(tensors, join(dir, "m.safetensors"));
      expect(Buffer.from(readFileSync(join(dir, "m.safetensors"))).equals(Buffer.from(serialize(tensors)))).toBe(true);
      const back = await load(join(dir, "m.safetensors"));
      for (const [name, t] of Object.entries(tensors)) expect(bits(back[name]!), name).toEqual(bits(t));

      const ck = sampleCheckpoint(3);
      await saveCheckpoint(join(dir, "c.safetensors"), ck);
      const loaded = await loadCheckpoint(join(dir, "c.safetensors"));
      expect(bits(loaded.stateDict.b!)).toEqual(bits(ck.stateDict.b));
      expect((loaded.extra as { epoch: number }).epoch).toBe(3);
    });
  });

  it("a file over 2 GiB (sparse, so it takes no disk) is read by position: its header is checked without reading it whole", async () => {
    const dir = tempDir();
    const path = join(dir, "huge.safetensors");
    const tensorBytes = 2 ** 31 + 8;
    const header = JSON.stringify({ w: { dtype: "F32", shape: [tensorBytes / 4], data_offsets: [0, tensorBytes] } });
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setUint32(0, header.length, true);
    const fd = openSync(path, "w");
    writeSync(fd, prefix);
    writeSync(fd, header);
    try {
      ftruncateSync(fd, 8 + header.length + tensorBytes + 4); // 4 bytes too many: the buffer is not covered
      closeSync(fd);
      expect(statSync(path).size).toBeGreaterThan(2 ** 31);
      const error = await rejection(load(path));
      expect(error.message).toBe(`io.load: ${JSON.stringify(path)}: the data buffer has ${tensorBytes + 4} bytes but the tensors cover only ${tensorBytes}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses devices, pipes and folders instead of reading forever or blocking", async () => {
    expect((await rejection(load("/dev/zero"))).message).toBe('io.load: "/dev/zero" is a character device, not a regular file');
    const dir = tempDir();
    expect((await rejection(load(dir))).message).toBe(`io.load: ${JSON.stringify(dir)} is a directory, not a regular file`);
    const fifo = join(dir, "pipe.safetensors");
    execFileSync("mkfifo", [fifo]);
    expect((await rejection(load(fifo))).message).toBe(`io.load: ${JSON.stringify(fifo)} is a named pipe, not a regular file`);
    expect((await rejection(loadCheckpoint("/dev/zero"))).message).toMatch(/^loadCheckpoint: "\/dev\/zero" is a character device/);
  });

  it("a missing file is an error naming the operation and the path", async () => {
    const path = join(tempDir(), "nope.safetensors");
    expect((await rejection(load(path))).message).toBe(`io.load: cannot read ${JSON.stringify(path)}: it does not exist`);
  });

  it("errors in a file name io.load and the file", async () => {
    const path = join(tempDir(), "bad.safetensors");
    writeFileSync(path, new Uint8Array(5));
    expect((await rejection(load(path))).message).toBe(`io.load: ${JSON.stringify(path)}: file is 5 bytes, too short for the 8-byte header length of a safetensors file`);
  });
});

describe("checkpoints: weights and sidecar as one unit", () => {
  it("saveCheckpoint keeps optimizer tensors, NaN, -0 and step counts exactly", async () => {
    const dir = tempDir();
    const path = join(dir, "ckpt.safetensors");
    const m = Tensor.fromData(new Float32Array([0.1, -0, Math.fround(1e-40)]), [3], "float32");
    await saveCheckpoint(path, {
      stateDict: { w: tensor([1, 2]) },
      config: { sizes: [2, 3] },
      optimizer: { state: { 0: { step: 7, momentumBuffer: m } }, paramGroups: [{ lr: 0.05, params: [0] }] },
      extra: { generator: [1, 2, 3, 4, Number.NaN, -0] },
    });
    expect(readdirSync(dir).sort()).toEqual(["ckpt.json", "ckpt.safetensors"]);
    const back = await loadCheckpoint(path);
    expect(back.stateDict.w!.toList()).toEqual([1, 2]);
    expect(back.config).toEqual({ sizes: [2, 3] });
    const opt = back.optimizer as { state: Record<string, { step: number; momentumBuffer: Tensor }>; paramGroups: unknown };
    expect(opt.state["0"]!.step).toBe(7);
    expect(bits(opt.state["0"]!.momentumBuffer)).toEqual(bits(m));
    expect(opt.paramGroups).toEqual([{ lr: 0.05, params: [0] }]);
    const generator = (back.extra as { generator: number[] }).generator;
    expect(Number.isNaN(generator[4])).toBe(true);
    expect(Object.is(generator[5], -0)).toBe(true);
  });

  it("the weights file records the SHA-256 of the sidecar's bytes in its metadata, and stays a plain safetensors file", async () => {
    const dir = tempDir();
    const path = join(dir, "ckpt.safetensors");
    await saveCheckpoint(path, sampleCheckpoint(1), { metadata: { note: "mine" } });
    const { metadata, tensors } = deserialize(new Uint8Array(readFileSync(path)));
    expect({ ...metadata }).toEqual({ note: "mine", [SIDECAR_HASH_KEY]: sha256(readFileSync(join(dir, "ckpt.json"))) });
    expect(Object.keys(tensors).sort()).toEqual(["b", "w"]);
  });

  it("a sidecar from another save is refused (it used to be accepted)", async () => {
    const dir = tempDir();
    await saveCheckpoint(join(dir, "a.safetensors"), sampleCheckpoint(1));
    await saveCheckpoint(join(dir, "b.safetensors"), sampleCheckpoint(2));
    copyFileSync(join(dir, "b.json"), join(dir, "a.json"));
    const error = await rejection(loadCheckpoint(join(dir, "a.safetensors")));
    expect(error.message).toMatch(/^loadCheckpoint: ".*a\.safetensors" was saved with a sidecar of SHA-256 [0-9a-f]{64}, but ".*a\.json" has SHA-256 [0-9a-f]{64}: the two files come from different saves/);
  });

  it("weights from another save are refused too", async () => {
    const dir = tempDir();
    await saveCheckpoint(join(dir, "a.safetensors"), sampleCheckpoint(1));
    await saveCheckpoint(join(dir, "b.safetensors"), sampleCheckpoint(2));
    copyFileSync(join(dir, "b.safetensors"), join(dir, "a.safetensors"));
    expect((await rejection(loadCheckpoint(join(dir, "a.safetensors")))).message).toMatch(/^loadCheckpoint: .*different saves/);
  });

  it("a missing or edited sidecar is refused", async () => {
    const dir = tempDir();
    const path = join(dir, "a.safetensors");
    await saveCheckpoint(path, sampleCheckpoint(1));
    const text = readFileSync(join(dir, "a.json"), "utf8");
    writeFileSync(join(dir, "a.json"), text.replace('"lr":0.05', '"lr":0.5'));
    expect((await rejection(loadCheckpoint(path))).message).toMatch(/has SHA-256 .* or the sidecar was edited/);
    rmSync(join(dir, "a.json"));
    expect((await rejection(loadCheckpoint(path))).message).toMatch(/a\.json" does not exist/);
  });

  it("checkpoints written before the hash existed (deepscript 65b6acf) still load, unverified", async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURE_DIR, "legacy_checkpoint.safetensors"), join(dir, "legacy_checkpoint.safetensors"));
    copyFileSync(join(FIXTURE_DIR, "legacy_checkpoint.json"), join(dir, "legacy_checkpoint.json"));
    const ck = await loadCheckpoint(join(dir, "legacy_checkpoint.safetensors"));
    // The values test/fixtures/io/write_legacy_checkpoint.ts gave the old saveCheckpoint:
    expect(Array.from(ck.stateDict["0.weight"]!.dataSync())).toEqual(Array.from(new Float32Array([0.5, -1.25, 3, 1e-40, -0, 7])));
    expect(ck.stateDict["0.weight"]!.shape).toEqual([2, 3]);
    expect(ck.stateDict["0.bias"]!.toList()).toEqual([0.1, -0.2]);
    expect(ck.stateDict.labels!.toList()).toEqual([3, -4, 2147483647]);
    expect(ck.config).toEqual({ sizes: [3, 2], activation: "relu" });
    const opt = ck.optimizer as { state: Record<string, { step: number; momentumBuffer: Tensor }>; paramGroups: unknown };
    expect(opt.state["0"]!.step).toBe(4);
    expect(opt.state["0"]!.momentumBuffer.toList()).toEqual([0.25, Number.NaN]);
    expect(opt.paramGroups).toEqual([{ lr: 0.05, momentum: 0.9, params: [0] }]);
    expect(ck.extra).toEqual({ epoch: 3, best: Infinity });
  });

  it("a sidecar left pending by a save killed after its commit is found by loadCheckpoint and moved into place by the next save", async () => {
    const dir = tempDir();
    const path = join(dir, "ckpt.safetensors");
    await saveCheckpoint(path, sampleCheckpoint(1));
    // The state a save of checkpoint 2 leaves when killed between its commit and its last rename:
    const { weights, sidecar } = serializeCheckpoint(sampleCheckpoint(2));
    const pending = join(dir, `.ckpt.json.${sha256(new TextEncoder().encode(sidecar))}.99999999.pending`);
    writeFileSync(pending, sidecar);
    writeFileSync(path, weights);
    expect((await loadCheckpoint(path)).config).toEqual({ sizes: [2, 3], scale: 2 });
    await saveCheckpoint(join(dir, "other.safetensors"), sampleCheckpoint(5)); // another checkpoint's save leaves it alone
    expect(existsSync(pending)).toBe(true);
    await saveCheckpoint(path, sampleCheckpoint(3));
    expect(readdirSync(dir).sort()).toEqual(["ckpt.json", "ckpt.safetensors", "other.json", "other.safetensors"]);
    expect((await loadCheckpoint(path)).config).toEqual({ sizes: [2, 3], scale: 3 });
  });

  it("errors name loadCheckpoint, the file and the field", async () => {
    const dir = tempDir();
    const path = join(dir, "c.safetensors");
    writeFileSync(path, serialize({ w: tensor([1]) }));
    writeFileSync(join(dir, "c.json"), JSON.stringify({ format: "deepscript-checkpoint", version: 1, config: { a: { __number__: "" } }, optimizer: null, extra: null }));
    expect((await rejection(loadCheckpoint(path))).message).toBe('loadCheckpoint: config.a is a malformed tagged number "" (expected "NaN", "Infinity", "-Infinity" or "-0")');
    writeFileSync(path, new Uint8Array(3));
    expect((await rejection(loadCheckpoint(path))).message).toBe(`loadCheckpoint: ${JSON.stringify(path)}: file is 3 bytes, too short for the 8-byte header length of a safetensors file`);
  });

  it("saveCheckpoint refuses the reserved metadata key and values it cannot store, before touching the disk", async () => {
    const dir = tempDir();
    const path = join(dir, "c.safetensors");
    expect((await rejection(saveCheckpoint(path, sampleCheckpoint(1), { metadata: { [SIDECAR_HASH_KEY]: "x" } }))).message).toMatch(/^saveCheckpoint: metadata key "deepscript\.sidecar\.sha256" is reserved/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await rejection(saveCheckpoint(path, { stateDict: {}, extra: cyclic as never }))).message).toBe("saveCheckpoint: extra.self refers back to one of its own containers (a cycle)");
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it("serializeCheckpoint / deserializeCheckpoint: the same pairing in memory (browser-safe)", () => {
    const a = serializeCheckpoint(sampleCheckpoint(1));
    const b = serializeCheckpoint(sampleCheckpoint(2));
    expect(deserializeCheckpoint(a.weights, a.sidecar).config).toEqual({ sizes: [2, 3], scale: 1 });
    expect(() => deserializeCheckpoint(a.weights, b.sidecar)).toThrow(/^deserializeCheckpoint: the sidecar was not saved with these weights/);
    // Same bytes as the files saveCheckpoint writes.
    const dir = tempDir();
    return saveCheckpoint(join(dir, "c.safetensors"), sampleCheckpoint(1)).then(() => {
      expect(Buffer.from(readFileSync(join(dir, "c.safetensors"))).equals(Buffer.from(a.weights))).toBe(true);
      expect(readFileSync(join(dir, "c.json"), "utf8")).toBe(a.sidecar);
    });
  });
});

// The WebGPU device layer: adapter info, the power-of-two buffer pool, upload/readback, the pipeline
// cache, one submit per batch of dispatches, and the error a lost (destroyed) device gives.
import { describe, expect, it } from "vitest";
import { bucketSize, grid } from "../../../src/backend/webgpu/device.js";
import { binary, unary } from "../../../src/backend/webgpu/elementwise.js";
import { uploadLayout } from "../../../src/backend/webgpu/layout.js";
import { fromGPU, probeWebGPU } from "./gpu.js";

const { gpu, reason } = await probeWebGPU();

describe("WebGPU device helpers (no adapter needed)", () => {
  it("buckets are powers of two from 16 bytes", () => {
    expect([0, 1, 16, 17, 1000, 1024, 1025].map(bucketSize)).toEqual([16, 16, 16, 32, 1024, 1024, 2048]);
  });
  it("grids stay within 65535 workgroups per dimension and cover every group", () => {
    for (const n of [1, 65535, 65536, 200_000, 10_000_000]) {
      const [x, y] = grid(n);
      expect(x).toBeLessThanOrEqual(65535);
      expect(x * y).toBeGreaterThanOrEqual(n);
    }
  });
});

describe.skipIf(gpu === null)(`WebGPU device layer (${reason})`, () => {
  const g = gpu!;

  it("reports the adapter (vendor, architecture, description)", () => {
    expect(typeof g.adapterInfo.vendor).toBe("string");
    expect(g.adapterName.length).toBeGreaterThan(0);
    expect(g.adapterName).not.toBe("unknown adapter");
  });

  it("uploads and reads back float32, int32 and bool exactly, and empty arrays", async () => {
    const f = new Float32Array([1.5, -0, 3e-39, Infinity, -7]);
    expect(Array.from(await g.download(g.upload(f), "float32", 5))).toEqual(Array.from(f));
    const i = new Int32Array([-2147483648, 0, 2147483647]);
    expect(Array.from(await g.download(g.upload(i), "int32", 3))).toEqual(Array.from(i));
    const b = new Uint8Array([1, 0, 0, 1]);
    expect(Array.from(await g.download(g.upload(b), "bool", 4))).toEqual([1, 0, 0, 1]);
    expect(Array.from(await g.download(g.upload(new Float32Array(0)), "float32", 0))).toEqual([]);
    // a read at an element offset
    expect(Array.from(await g.download(g.upload(f), "float32", 2, 3))).toEqual([Infinity, -7]);
  });

  it("records many dispatches into one submit, caches pipelines by source, and reuses released buffers", async () => {
    await g.sync();
    const x = uploadLayout(g, new Float32Array([1, 2, 3, 4, 5]), [5], "float32");
    const before = { ...g.stats };
    let y = x;
    for (let k = 0; k < 20; k++) y = binary(g, "add", y, x); // y = 21·x
    const z = unary(g, "neg", y);
    expect(g.stats.dispatches - before.dispatches).toBe(21);
    expect(g.stats.submits - before.submits).toBe(0); // nothing submitted yet
    expect(await fromGPU(g, z)).toEqual([-21, -42, -63, -84, -105]);
    expect(g.stats.submits - before.submits).toBe(2); // the batch, then the readback copy
    const pipelines = g.stats.pipelinesCreated;
    binary(g, "add", x, x);
    expect(g.stats.pipelinesCreated).toBe(pipelines); // same WGSL source: cached
    // release → reuse after the batch is submitted
    g.flush();
    const a = g.acquire(100);
    expect(a.size).toBe(128);
    g.release(a);
    expect(g.acquire(128)).not.toBe(a); // not before the flush: a recorded dispatch may still read it
    g.flush();
    expect(g.acquire(120)).toBe(a);
  });

  it("a lost (destroyed) device gives a clear error naming the op and what to do", async () => {
    const { requestWebGPUDevice } = await import("../../../src/backend/webgpu/device.js");
    const other = await requestWebGPUDevice();
    const x = uploadLayout(other, new Float32Array([1]), [1], "float32");
    other.destroy();
    expect(() => unary(other, "exp", x)).toThrow(/^exp: the WebGPU device \(.+\) was destroyed; .*requestWebGPUDevice\(\)/);
    await expect(other.download(x.buffer, "float32", 1)).rejects.toThrow(/^download: the WebGPU device .* was destroyed/);
  });
});

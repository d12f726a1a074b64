// The WASM runtime: variant choice, thread count API, and a process with idle workers exiting by itself.
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { WasmKernels } from "../../../src/backend/wasm/WasmKernels.js";
import { kernels } from "./helpers.js";

describe("wasm runtime", () => {
  it("uses the shared-memory build under Node and defaults to the core count", async () => {
    const wk = await WasmKernels.create();
    try {
      expect(wk.variant).toMatch(/Shared$/);
      expect(wk.getNumThreads()).toBe(availableParallelism());
    } finally {
      wk.terminate();
    }
  });

  it("runs single-threaded on the private-memory build, and refuses threads there", async () => {
    const wk = await WasmKernels.create({ shared: false });
    expect(wk.variant).not.toMatch(/Shared$/);
    expect(wk.getNumThreads()).toBe(1);
    expect(() => wk.setNumThreads(2)).toThrow(/setNumThreads: 2 threads need SharedArrayBuffer/);
    const a = { data: Float32Array.from([1, 2, 3, 4]), rowStride: 2, colStride: 1 };
    // [[1, 2], [3, 4]]² = [[7, 10], [15, 22]]
    expect(Array.from(wk.gemm(2, 2, 2, a, a))).toEqual([7, 10, 15, 22]);
  });

  it("the plain-SIMD (unfused) build gives the same products as the relaxed one within rounding", async () => {
    const plain = await WasmKernels.create({ relaxed: false, threads: 1 });
    expect(plain.variant).toBe("simdShared");
    const a = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), rowStride: 3, colStride: 1 };
    const b = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), rowStride: 1, colStride: 3 };
    // A·Aᵀ for A = [[1,2,3],[4,5,6]]: [[14, 32], [32, 77]] (small integers: exact in float32)
    expect(Array.from(plain.gemm(2, 2, 3, a, b))).toEqual([14, 32, 32, 77]);
  });

  it("validates setNumThreads and reports the count it was given", async () => {
    const wk = await kernels();
    expect(() => wk.setNumThreads(0)).toThrow(/setNumThreads: expected an integer >= 1, got 0/);
    expect(() => wk.setNumThreads(1.5)).toThrow(/got 1.5/);
    await wk.setNumThreads(1);
    expect(wk.getNumThreads()).toBe(1);
    await wk.setNumThreads(2);
    expect(wk.getNumThreads()).toBe(2);
  });

  it("hands chunks of a large GEMM to the worker thread", async () => {
    const wk = await kernels();
    await wk.setNumThreads(2);
    const n = 256;
    const data = new Float32Array(n * n).fill(1);
    const m = { data, rowStride: n, colStride: 1 };
    const before = wk.runtime.workerChunkCounts()[0];
    // The calling thread takes over chunks a worker has not claimed yet, so on a busy machine one
    // call may run entirely on the caller; retry for a while before concluding the worker is dead.
    const deadline = Date.now() + 10_000;
    while (wk.runtime.workerChunkCounts()[0] === before && Date.now() < deadline) {
      expect(wk.gemm(n, n, n, m, m)[n * n - 1]).toBe(n);
    }
    expect(wk.runtime.workerChunkCounts()[0]).toBeGreaterThan(before);
  });

  it("a process whose workers are idle exits on its own", () => {
    const entry = fileURLToPath(new URL("../../../src/backend/wasm/WasmKernels.ts", import.meta.url));
    const script = `
      const { WasmKernels } = await import(${JSON.stringify(entry)});
      const wk = await WasmKernels.create({ threads: 2 });
      const n = 256, data = new Float32Array(n * n).fill(1);
      const c = wk.gemm(n, n, n, { data, rowStride: n, colStride: 1 }, { data, rowStride: n, colStride: 1 });
      console.log("ok", wk.getNumThreads(), c[0]);`;
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("ok 2 256");
    expect(result.status).toBe(0);
  });
});

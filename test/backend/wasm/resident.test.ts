// Resident blocks of linear memory (pinned tensors): allocation, reuse, kernels reading and updating
// them in place, and training with pinned parameters equal to training without.
import { describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { Generator } from "../../../src/random/Generator.js";
import { WasmKernels } from "../../../src/backend/wasm/WasmKernels.js";
import { fusedKernels, useFusedKernels } from "../../../src/backend/fused.js";
import { randomArray } from "./helpers.js";
import { expectWasmActive, wasmExpected } from "../expectedBackend.js";

const gen = new Generator(11);

describe("resident blocks", () => {
  it("hold a copy, are found by address, and are reused after being freed (neighbours coalesced)", async () => {
    const wk = await WasmKernels.create({ threads: 1 });
    const rt = wk.runtime;
    const base = rt.residentStats().arenaBase;
    const src = randomArray(gen, 1000);
    const a = wk.pin(src, 2 ** 30)!, b = wk.pin(randomArray(gen, 3000), 2 ** 30)!, c = wk.pin(randomArray(gen, 10), 2 ** 30)!;
    expect(Array.from(a.view)).toEqual(Array.from(src));
    expect(rt.addressOf(a.view)).toBe(a.ptr);
    expect(rt.addressOf(a.view.subarray(5))).toBe(a.ptr + 20);
    expect(rt.addressOf(src)).toBe(-1);
    expect([a.ptr, b.ptr, c.ptr]).toEqual([base, base + a.bytes, base + a.bytes + b.bytes]);
    expect(rt.residentStats().arenaBase).toBe(c.ptr + c.bytes); // the arena moved above them
    wk.unpin(a.ptr, a.bytes);
    wk.unpin(b.ptr, b.bytes);
    expect(rt.residentStats().freeBlocks).toBe(1); // a and b merged
    const d = wk.pin(randomArray(gen, 3500), 2 ** 30)!;
    expect(d.ptr).toBe(base); // first fit in the merged gap
    wk.unpin(c.ptr, c.bytes);
    wk.unpin(d.ptr, d.bytes);
    expect(rt.residentStats()).toMatchObject({ bytes: 0, freeBlocks: 0, arenaBase: base }); // all given back to the arena
  });

  it("respect the byte limit and the need for shared memory", async () => {
    const wk = await WasmKernels.create({ threads: 1 });
    expect(wk.pin(new Float32Array(1000), 1000)).toBeNull();
    const priv = await WasmKernels.create({ shared: false });
    expect(priv.pin(new Float32Array(10), 2 ** 30)).toBeNull();
  });

  it("stay valid and in place while memory grows", async () => {
    const wk = await WasmKernels.create({ threads: 1 });
    const p = wk.pin(Float32Array.from([1, 2, 3, 4]), 2 ** 30)!;
    // a big product grows the arena (and the memory) above the block
    const big = { data: randomArray(gen, 600 * 600), rowStride: 600, colStride: 1 };
    wk.gemm(600, 600, 600, big, big);
    p.view[0] = 9;
    expect(Array.from(p.view)).toEqual([9, 2, 3, 4]);
    expect(wk.runtime.addressOf(p.view)).toBe(p.ptr);
  });

  it("are read in place by gemm and updated in place by sgd, with the results of the copying path", async () => {
    const wk = await WasmKernels.create({ threads: 2 });
    const [m, n, k] = [37, 29, 61];
    const a = randomArray(gen, m * k), b = randomArray(gen, k * n);
    const pa = wk.pin(a, 2 ** 30)!, pb = wk.pin(b, 2 ** 30)!;
    const plain = wk.gemm(m, n, k, { data: a, rowStride: 1, colStride: m }, { data: b, rowStride: n, colStride: 1 });
    const pinned = wk.gemm(m, n, k, { data: pa.view, rowStride: 1, colStride: m }, { data: pb.view, rowStride: n, colStride: 1 });
    expect(Array.from(pinned)).toEqual(Array.from(plain));

    // a resident output is written in place: plain, accumulating (beta) and with a bias row
    const outR = wk.pin(new Float32Array(m * n), 2 ** 30)!.view;
    const c0 = randomArray(gen, m * n), bias = randomArray(gen, n);
    const A = { data: a, rowStride: 1, colStride: m }, B = { data: b, rowStride: n, colStride: 1 };
    expect(Array.from(wk.gemm(m, n, k, A, B, { out: outR }))).toEqual(Array.from(plain));
    outR.set(c0);
    const accJs = wk.gemm(m, n, k, A, B, { out: c0.slice(), beta: 0.5 });
    expect(Array.from(wk.gemm(m, n, k, A, B, { out: outR, beta: 0.5 }))).toEqual(Array.from(accJs));
    const biasJs = wk.gemm(m, n, k, A, B, { bias });
    expect(Array.from(wk.gemm(m, n, k, A, B, { out: outR, bias }))).toEqual(Array.from(biasJs));

    const p = randomArray(gen, 5000), g = randomArray(gen, 5000), mom = randomArray(gen, 5000);
    const pp = wk.pin(p, 2 ** 30)!, pm = wk.pin(mom, 2 ** 30)!;
    const h = { lr: 0.1, momentum: 0.9, keep: 1, weightDecay: 1e-4 };
    wk.sgd("momentum", p, g, mom, h);
    wk.sgd("momentum", pp.view, g, pm.view, h);
    expect(Array.from(pp.view)).toEqual(Array.from(p));
    expect(Array.from(pm.view)).toEqual(Array.from(mom));
  });
});

describe("pinned parameters", () => {
  function train(pin: boolean): Float32Array[] {
    const saved = fusedKernels();
    if (!pin) useFusedKernels({ ...saved, pinF32: undefined });
    try {
      ds.manualSeed(4);
      const model = new ds.nn.Sequential(new ds.nn.Linear(100, 64), new ds.nn.ReLU(), new ds.nn.Linear(64, 10));
      const opt = new ds.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const x = ds.randn([32, 100]), y = ds.randint(0, 10, [32]);
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad();
        ds.nn.functional.crossEntropy(model.forward(x), y).backward();
        opt.step();
      }
      return [...model.parameters()].map((p) => p.storage.data as Float32Array);
    } finally {
      useFusedKernels(saved);
    }
  }

  it.skipIf(!wasmExpected)("the optimizer pins its large float32 parameters (WASM backend)", () => {
    expectWasmActive();
    const w = ds.randn([64, 100]).requiresGrad_(), small = ds.randn([10]).requiresGrad_();
    const before = w.dataSync();
    new ds.optim.SGD([w, small], { lr: 0.1 });
    expect(w.storage.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(small.storage.data.buffer).not.toBeInstanceOf(SharedArrayBuffer); // below the size threshold
    expect(Array.from(w.dataSync())).toEqual(Array.from(before));
  });

  it("train to bit-identical weights", () => {
    const pinned = train(true), plain = train(false);
    expect(pinned[0]!.buffer instanceof SharedArrayBuffer).toBe(wasmExpected);
    expect(pinned.map((p) => Array.from(p))).toEqual(plain.map((p) => Array.from(p)));
  });
});

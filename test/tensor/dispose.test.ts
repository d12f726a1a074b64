// Tensor.dispose(): memory goes back for reuse once no tensor and no tape node claims it, a disposed
// tensor cannot be used, and nothing anyone still holds ever changes.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { Tensor } from "../../src/tensor/Tensor.js";
import { expectedBackend, wasmExpected } from "../backend/expectedBackend.js";

// What WASM memory reuse must show whenever the WASM backend was expected (a silent fallback fails it).
const wasm = () => wasmExpected;
/** Shared memory is what makes freed blocks reusable (the kernels' resident memory). */
const reusable = () => wasm() && typeof SharedArrayBuffer !== "undefined";

describe("Tensor.dispose", () => {
  it("runs on the expected backend (WASM unless DEEPSCRIPT_BACKEND=cpu)", () => {
    expect(ds.getBackendName()).toBe(expectedBackend);
  });

  it("makes the tensor unusable, with an error naming the operation and the shape", () => {
    const t = ds.randn([3, 4]);
    expect(t.isDisposed).toBe(false);
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(() => t.add(1)).toThrow("add: input 0 (shape [3,4], float32) was disposed; it cannot be used any more");
    expect(() => ds.randn([3, 4]).mul(t)).toThrow("mul: input 1 (shape [3,4], float32) was disposed");
    expect(() => t.dataSync()).toThrow("dataSync: the tensor (shape [3,4], float32) was disposed; it cannot be used any more");
    expect(() => t.toList()).toThrow("toList: the tensor");
    expect(() => t.add_(1)).toThrow("add_: the tensor (shape [3,4], float32) was disposed");
    expect(() => ds.randn([3, 4]).copy_(t)).toThrow("copy_: the tensor (shape [3,4], float32) was disposed");
    expect(() => t.detach()).toThrow("detach: the tensor (shape [3,4], float32) was disposed");
    expect(() => ds.randn([1]).dispose()).not.toThrow();
    expect(() => t.dispose()).not.toThrow(); // twice: no-op
  });

  it("is what Symbol.dispose does (TypeScript's `using`)", () => {
    const t = ds.randn([2]);
    t[Symbol.dispose]();
    expect(t.isDisposed).toBe(true);
    let escaped: ds.Tensor | undefined;
    {
      using scoped = ds.randn([2]);
      escaped = scoped;
      expect(scoped.isDisposed).toBe(false);
    }
    expect(escaped.isDisposed).toBe(true);
  });

  it("reuses a disposed matmul output's memory for the next matmul of that size", () => {
    ds.manualSeed(0);
    const a = ds.randn([64, 64, 32]), b = ds.randn([64, 32, 64]);
    const expected = Array.from(a.matmul(b).dataSync());
    const c1 = a.matmul(b);
    c1.dispose();
    const c2 = a.matmul(b);
    expect(Array.from(c2.dataSync())).toEqual(expected);
    if (!reusable()) return;
    expect(c1.storage.data.length).toBe(0); // handed back: a stale reference reads nothing
    expect(c2.storage.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    const block = c2.storage.data;
    c2.dispose();
    const c3 = a.matmul(b);
    expect(c3.storage.data).toBe(block); // the same block circulates
    expect(Array.from(c3.dataSync())).toEqual(expected);
  });

  it("frees a 2-D product's memory too (matmul's internal 3-D views hold no claim)", () => {
    const a = ds.randn([256, 64]), b = ds.randn([64, 128]);
    const c = a.matmul(b);
    expect(c.storage.refs).toBe(1);
    expect(a.storage.refs).toBe(1);
    expect(b.storage.refs).toBe(1);
    c.dispose();
    expect(c.storage.refs).toBe(0);
    if (reusable()) expect(c.storage.data.length).toBe(0);
  });

  it("leaves memory of a size no kernel asks for to the garbage collector (no copy into the pool)", () => {
    const t = ds.randn([301, 300]); // 90,300 floats: no matmul in this file makes that size
    const data = t.storage.data;
    t.dispose();
    expect(t.storage.data).toBe(data);
  });

  it("hands a disposed elementwise result's array to the next result of that length", () => {
    const x = ds.randn([257, 128]), y = ds.randn([257, 128]); // a length no matmul here asks for
    const expected = Array.from(x.add(y).dataSync());
    const first = x.mul(y);
    const array = first.storage.data;
    first.dispose();
    const second = x.add(y);
    expect(second.storage.data).toBe(array);
    expect(Array.from(second.dataSync())).toEqual(expected);
  });

  it("writes an elementwise result into a disposed product's block of that length, and hands it on", () => {
    const a = ds.randn([64, 32]), b = ds.randn([32, 520]); // 33,280 elements
    const x = ds.randn([64, 520]), y = ds.randn([64, 520]);
    const expected = Array.from(x.add(y).dataSync());
    for (let i = 0; i < 2; i++) a.matmul(b).dispose(); // the second product takes a resident block and gives it back
    if (!reusable()) return;
    const product = a.matmul(b);
    const block = product.storage.data;
    expect(block.buffer).toBeInstanceOf(SharedArrayBuffer);
    product.dispose();
    const sum = x.add(y);
    expect(sum.storage.data).toBe(block);
    expect(Array.from(sum.dataSync())).toEqual(expected);
    sum.dispose();
    const next = x.add(y);
    expect(next.storage.data).toBe(block);
    expect(Array.from(next.dataSync())).toEqual(expected);
  });

  it("does not grow the kernels' memory when products are kept and only other results are disposed", async () => {
    if (!reusable()) return;
    const { initWasmKernels } = await import("../../src/backend/wasm/index.js");
    const rt = (await initWasmKernels()).runtime;
    const a = ds.randn([96, 64]), b = ds.randn([64, 200]); // 19,200-element products
    const kept: ds.Tensor[] = [];
    const loop = (n: number) => {
      for (let i = 0; i < n; i++) {
        const c = a.matmul(b); // kept: its block (if it got one) comes back only through the garbage collector
        kept.push(c);
        c.mul(2).dispose(); // same length: a candidate for a resident copy
      }
    };
    loop(10);
    const before = rt.residentStats().bytes;
    loop(50);
    expect(rt.residentStats().bytes).toBe(before);
    expect(kept.every((c) => c.storage.data.length === 96 * 200)).toBe(true);
  });

  it("does not grow the kernels' memory when a returned block goes out again to a product that is kept", async () => {
    if (!reusable()) return;
    const { initWasmKernels } = await import("../../src/backend/wasm/index.js");
    const rt = (await initWasmKernels()).runtime;
    const a = ds.randn([96, 64]), b = ds.randn([64, 210]), x = ds.randn([96, 210]); // 20,160 elements
    const kept: ds.Tensor[] = [];
    const loop = (n: number) => {
      for (let i = 0; i < n; i++) {
        x.mul(2).dispose(); // a plain result of a length matmul asks for: copied into a resident block
        a.matmul(b).dispose(); // a product takes that block and gives it back
        kept.push(a.matmul(b)); // a kept product takes it for good
      }
    };
    loop(10);
    const before = rt.residentStats().bytes;
    loop(50);
    expect(rt.residentStats().bytes).toBe(before);
    expect(kept.every((c) => c.storage.data.length === 96 * 210)).toBe(true);
  });

  it("keeps the memory while a view still uses it", () => {
    const base = ds.randn([256, 128]);
    const view = base.reshape(128, 256);
    const values = Array.from(view.dataSync());
    base.dispose();
    for (let i = 0; i < 3; i++) ds.randn([256, 64]).matmul(ds.randn([64, 128])).dispose();
    expect(Array.from(view.dataSync())).toEqual(values);
    view.dispose();
    expect(base.storage.refs).toBe(0);
  });

  it("never writes into an array given to Tensor.fromData", () => {
    const arr = Float32Array.from({ length: 256 * 128 }, (_, i) => i % 7);
    const before = Array.from(arr);
    const t = Tensor.fromData(arr, [256, 128], "float32");
    t.dispose();
    for (let i = 0; i < 3; i++) ds.randn([256, 64]).matmul(ds.randn([64, 128])).dispose();
    const outs = [0, 1, 2].map(() => ds.randn([256, 64]).matmul(ds.randn([64, 128])));
    expect(Array.from(arr)).toEqual(before);
    expect(outs.every((o) => o.storage.data !== arr)).toBe(true);
  });

  it("does not change gradients when tensors the tape saved are disposed before backward", () => {
    const run = (dispose: boolean) => {
      ds.manualSeed(5);
      const x = ds.randn([128, 200]);
      const w1 = ds.randn([200, 256]).mul(0.05).requiresGrad_();
      const w2 = ds.randn([256, 128]).mul(0.05).requiresGrad_();
      const h = x.matmul(w1); // 128 × 256: large enough to be pooled
      const r = h.relu();
      const y = r.matmul(w2);
      const loss = y.mul(y).mean();
      if (dispose) {
        h.dispose();
        r.dispose();
        y.dispose();
        // matmuls of the same sizes in between would take any block handed back too early
        for (let i = 0; i < 3; i++) ds.randn([128, 64]).matmul(ds.randn([64, 256])).add(1);
      }
      loss.backward();
      if (dispose && reusable()) {
        // backward released the tape's claims: the disposed intermediates' memory went back
        expect(h.storage.refs).toBe(0);
        expect(h.storage.data.length).toBe(0);
      }
      return [Array.from(w1.grad!.dataSync()), Array.from(w2.grad!.dataSync()), loss.item()];
    };
    expect(run(true)).toEqual(run(false));
  });

  it("trains to the same weights when every step disposes its intermediates", () => {
    const run = (dispose: boolean) => {
      ds.manualSeed(3);
      const model = new ds.nn.Sequential(new ds.nn.Linear(200, 256), new ds.nn.ReLU(), new ds.nn.Linear(256, 10));
      const opt = new ds.optim.Adam(model.parameters(), { lr: 1e-3 });
      const x = ds.randn([128, 200]), target = ds.randint(0, 10, [128]);
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        const out = model.forward(x);
        const loss = ds.nn.functional.crossEntropy(out, target);
        loss.backward();
        opt.step();
        if (dispose) {
          out.dispose();
          loss.dispose();
        }
      }
      return [...model.parameters()].map((p) => Array.from(p.dataSync()));
    };
    expect(run(true)).toEqual(run(false));
  });
});

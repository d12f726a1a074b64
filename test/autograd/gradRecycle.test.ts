// zeroGrad hands the buffer of a gradient that user code never saw to the next gradient of that size;
// a gradient user code read keeps its values.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { peekGrad } from "../../src/tensor/recycle.js";
import { runBackward } from "../../src/autograd/backward.js";
import { expectWasmActive, wasmExpected } from "../backend/expectedBackend.js";

function setup() {
  ds.manualSeed(2);
  const model = new ds.nn.Sequential(new ds.nn.Linear(200, 128), new ds.nn.ReLU(), new ds.nn.Linear(128, 10));
  const opt = new ds.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = ds.randn([16, 200]), y = ds.randint(0, 10, [16]);
  const w = [...model.parameters()][0]!; // 128 × 200 = 25,600 elements: large enough to be recycled
  const step = () => {
    opt.zeroGrad();
    ds.nn.functional.crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
  return { model, opt, w, step };
}

describe("gradient buffer reuse", () => {
  it.skipIf(!wasmExpected)("reuses the buffer of a gradient nobody read (WASM matmul outputs)", () => {
    expectWasmActive();
    const { w, step } = setup();
    step();
    const first = peekGrad(w)!.storage.data;
    step();
    const second = peekGrad(w)!.storage.data;
    // the first dropped buffer moved into the kernels' memory; from then on the same one circulates
    expect(second.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(second).not.toBe(first);
    step();
    expect(peekGrad(w)!.storage.data).toBe(second);
  });

  it("never reuses a gradient that was read through .grad: its values stay", () => {
    const { w, step } = setup();
    step();
    const held = w.grad!; // user code holds it
    const copy = Array.from(held.dataSync());
    step();
    step();
    expect(peekGrad(w)).not.toBe(held);
    expect(peekGrad(w)!.storage.data).not.toBe(held.storage.data);
    expect(Array.from(held.dataSync())).toEqual(copy);
  });

  it("trains to the same weights as without reuse", () => {
    const run = (readGrads: boolean) => {
      const { model, w, step } = setup();
      for (let i = 0; i < 4; i++) {
        step();
        if (readGrads) void w.grad; // marks each gradient as seen: nothing is reused
      }
      return [...model.parameters()].map((p) => Array.from(p.dataSync()));
    };
    expect(run(false)).toEqual(run(true));
  });

  it.skipIf(!wasmExpected)("keeps the kernels' resident memory constant over many steps (no leak)", async () => {
    expectWasmActive();
    const { initWasmKernels } = await import("../../src/backend/wasm/index.js");
    const rt = (await initWasmKernels()).runtime;
    const { step } = setup();
    for (let i = 0; i < 5; i++) step();
    const before = rt.residentStats().bytes;
    for (let i = 0; i < 200; i++) step();
    expect(rt.residentStats().bytes).toBe(before);
  });

  it("marks gradients built with createGraph as seen", () => {
    const x = ds.randn([200, 128]).requiresGrad_();
    x.mul(x).sum().backward(undefined, { createGraph: true });
    expect(peekGrad(x)!.gradExposed).toBe(true);
  });

  // Backward gives a consumed output gradient's memory back at once (releaseConsumed in backward.ts).
  // 20,000 elements: large enough for the pool.
  it("a gradient passed on unchanged to several inputs stays intact until its last consumer", () => {
    const a = ds.randn([20000]).requiresGrad_(), b = ds.randn([20000]).requiresGrad_();
    const y = a.mul(2).add(b.mul(3)); // add's row hands its gradient 2y to both products
    y.mul(y).sum().backward();
    // d/da Σ y² = 2y·2 and d/db = 2y·3, each one float32 product of the exact 2y (a power-of-two scaling)
    const yv = Array.from(y.dataSync());
    expect(Array.from(a.grad!.dataSync())).toEqual(yv.map((v) => Math.fround(2 * v * 2)));
    expect(Array.from(b.grad!.dataSync())).toEqual(yv.map((v) => Math.fround(2 * v * 3)));
  });

  it("returns the gradients of non-leaf targets intact", () => {
    const x = ds.randn([20000]).requiresGrad_();
    const h = x.mul(3), y = h.relu();
    const [gh, gy] = runBackward([y.mul(y).sum()], [ds.tensor(1)], { targets: [h, y] });
    const yv = Array.from(y.dataSync()), hv = h.dataSync();
    expect(Array.from(gy!.dataSync())).toEqual(yv.map((v) => 2 * v));
    expect(Array.from(gh!.dataSync())).toEqual(yv.map((v, i) => (hv[i]! > 0 ? 2 * v : 0)));
  });

  it("gives a CNN the same gradients on every backward pass, with its memory pool cold or warm", async () => {
    ds.manualSeed(4);
    const gen = new ds.Generator(4);
    const model = new ds.nn.Sequential(
      new ds.nn.Conv2d(1, 8, 5, { padding: 2, generator: gen }), new ds.nn.ReLU(), new ds.nn.MaxPool2d(2),
      new ds.nn.Conv2d(8, 16, 5, { padding: 2, generator: gen }), new ds.nn.ReLU(), new ds.nn.MaxPool2d(2),
      new ds.nn.Flatten(), new ds.nn.Linear(7 * 7 * 16, 10, { generator: gen }),
    );
    const x = ds.randn([8, 1, 28, 28], { generator: gen }), y = ds.randint(0, 10, [8], { generator: gen });
    const params = [...model.parameters()];
    const grads = () => {
      model.zeroGrad();
      ds.nn.functional.crossEntropy(model.forward(x), y).backward();
      return params.map((p) => Array.from(peekGrad(p)!.dataSync()));
    };
    const first = grads();
    for (let i = 0; i < 5; i++) expect(grads()).toEqual(first);
    if (wasmExpected) {
      const { initWasmKernels } = await import("../../src/backend/wasm/index.js");
      const rt = (await initWasmKernels()).runtime;
      const before = rt.residentStats().bytes;
      for (let i = 0; i < 20; i++) grads();
      expect(rt.residentStats().bytes).toBe(before); // the gradients' blocks circulate: no leak
    }
  });
});

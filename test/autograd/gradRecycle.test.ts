// zeroGrad hands the buffer of a gradient that user code never saw to the next gradient of that size;
// a gradient user code read keeps its values.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { peekGrad } from "../../src/tensor/recycle.js";
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
});

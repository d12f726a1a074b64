// Adam's and AdamW's fused backend kernel (float32 parameters of 1024+ elements) against their tensor-op form.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { fusedKernels, useFusedKernels } from "../../src/backend/fused.js";
import { expectedBackend, expectWasmActive, wasmExpected } from "../backend/expectedBackend.js";

type Opt = "Adam" | "AdamW";

function run(useFast: boolean, which: Opt, options: Record<string, unknown>, steps = 6): { p: Float32Array; state: ds.Tensor[] } {
  const saved = fusedKernels();
  if (!useFast) useFusedKernels({ ...saved, adamF32: undefined });
  try {
    const gen = new ds.Generator(8);
    const p = ds.randn([40, 50], { generator: gen }).requiresGrad_();
    const target = ds.randn([40, 50], { generator: gen });
    const opt = new ds.optim[which]([p], { lr: 0.01, ...options });
    for (let i = 0; i < steps; i++) {
      opt.zeroGrad();
      p.sub(target).pow(2).sum().backward();
      opt.step();
    }
    const st = opt.state.get(p)!;
    return { p: p.dataSync() as Float32Array, state: [st.expAvg, st.expAvgSq] };
  } finally {
    useFusedKernels(saved);
  }
}

describe("Adam fused kernel", () => {
  it("is active on the WASM backend, which loaded unless DEEPSCRIPT_BACKEND=cpu", () => {
    expect(ds.getBackendName()).toBe(expectedBackend);
    expect(fusedKernels().adamF32 !== undefined).toBe(wasmExpected);
  });
  const configs: [Opt, Record<string, unknown>][] = [
    ["Adam", {}],
    ["Adam", { weightDecay: 0.1, betas: [0.8, 0.99] }],
    ["Adam", { amsgrad: true }],
    ["AdamW", {}],
    ["AdamW", { weightDecay: 0.05, amsgrad: true }],
  ];
  for (const [which, options] of configs) {
    // Both forms round every operation to float32 but order a few differently (the tensor form
    // computes its products in float64 first): per step a few units of roundoff, which the
    // normalized step m/√v scales by at most lr; over 6 steps within 6·8 units of 2⁻²⁴ relative.
    it.skipIf(!wasmExpected)(`${which} ${JSON.stringify(options)} agrees with the tensor-op form to float32 rounding`, () => {
      expectWasmActive(); // else both runs would be the tensor-op form
      expect(fusedKernels().adamF32).toBeDefined();
      const fast = run(true, which, options), slow = run(false, which, options);
      const bound = 6 * 8 * 2 ** -24;
      for (let i = 0; i < fast.p.length; i++) expect(Math.abs(fast.p[i]! - slow.p[i]!)).toBeLessThanOrEqual(bound * Math.max(1, Math.abs(slow.p[i]!)));
      // After one step both forms see the same gradient: m and v then differ by a few roundings only.
      const fast1 = run(true, which, options, 1), slow1 = run(false, which, options, 1);
      for (let s = 0; s < 2; s++) {
        const a = fast1.state[s]!.dataSync(), b = slow1.state[s]!.dataSync();
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(4 * 2 ** -24 * Math.abs(b[i]!));
      }
    });
  }

  it("continues from a loaded state without modifying the loaded tensors", () => {
    const gen = new ds.Generator(9);
    const p = ds.randn([2000], { generator: gen }).requiresGrad_();
    const opt = new ds.optim.Adam([p], { lr: 0.01 });
    p.pow(2).sum().backward();
    opt.step();
    const saved = opt.stateDict();
    const loaded = saved.state[0]!.expAvg as ds.Tensor;
    const before = Array.from(loaded.dataSync());
    const opt2 = new ds.optim.Adam([p], { lr: 0.01 });
    opt2.loadStateDict(saved);
    opt2.step();
    expect(opt2.state.get(p)!.step).toBe(2);
    expect(Array.from(loaded.dataSync())).toEqual(before);
  });
});

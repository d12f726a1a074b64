// SGD's fused backend kernel (used for float32 parameters of 1024+ elements) against its TypeScript loop.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { fusedKernels, useFusedKernels } from "../../src/backend/fused.js";
import { expectedBackend, expectWasmActive, wasmExpected } from "../backend/expectedBackend.js";

function run(useFast: boolean, options: { momentum: number; weightDecay: number; dampening: number }): Float32Array {
  const saved = fusedKernels();
  if (!useFast) useFusedKernels(null);
  try {
    const gen = new ds.Generator(3);
    const p = ds.randn([40, 50], { generator: gen }).requiresGrad_();
    const target = ds.randn([40, 50], { generator: gen });
    const opt = new ds.optim.SGD([p], { lr: 0.05, ...options });
    for (let i = 0; i < 6; i++) {
      opt.zeroGrad();
      p.sub(target).pow(2).sum().backward();
      opt.step();
    }
    return p.storage.data as Float32Array;
  } finally {
    useFusedKernels(saved);
  }
}

describe("SGD fused kernel", () => {
  it("is active on the WASM backend, which loaded unless DEEPSCRIPT_BACKEND=cpu", () => {
    expect(ds.getBackendName()).toBe(expectedBackend);
    expect(fusedKernels().sgdF32 !== undefined).toBe(wasmExpected);
  });
  for (const options of [
    { momentum: 0, weightDecay: 0, dampening: 0 },
    { momentum: 0.9, weightDecay: 0, dampening: 0 },
    { momentum: 0.9, weightDecay: 1e-2, dampening: 0.25 },
  ]) {
    // The kernel rounds to float32 after each of its ≤ 4 operations where the loop rounds once per
    // stored value; the gradient 2(p − t) does not amplify differences, so after 6 steps they stay
    // within 6·4 units of float32 roundoff (2⁻²⁴) relative to max(1, |p|).
    it.skipIf(!wasmExpected)(`agrees with the TypeScript loop to float32 rounding (${JSON.stringify(options)})`, () => {
      expectWasmActive(); // else both runs would be the TypeScript loop
      expect(fusedKernels().sgdF32).toBeDefined();
      const fast = run(true, options), slow = run(false, options);
      const bound = 6 * 4 * 2 ** -24;
      for (let i = 0; i < fast.length; i++) expect(Math.abs(fast[i]! - slow[i]!)).toBeLessThanOrEqual(bound * Math.max(1, Math.abs(slow[i]!)));
    });
  }
});

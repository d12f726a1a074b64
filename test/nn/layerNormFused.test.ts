// The fused layerNorm primitive against its composite (mean, variance, elementwise), values and gradients.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { layerNormComposite } from "../../src/nn/functional/layers.js";

const maxAbs = (a: number[], b: number[]): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe("fused layerNorm equals the composite", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const affine of [true, false]) {
      it(`${dtype}, ${affine ? "with" : "without"} weight and bias, over two dims`, () => {
        const g = new ds.Generator(11);
        const x = ds.randn([4, 6, 3, 5], { dtype, generator: g }).mul(3).add(1);
        const w = affine ? ds.randn([3, 5], { dtype, generator: g }) : null, b = affine ? ds.randn([3, 5], { dtype, generator: g }) : null;
        const gy = ds.randn([4, 6, 3, 5], { dtype, generator: g });
        const run = (fn: typeof ds.nn.functional.layerNorm) => {
          const leaves = [x, w, b].map((t) => (t ? t.detach().requiresGrad_(true) : null));
          const y = fn(leaves[0]!, [3, 5], { weight: leaves[1], bias: leaves[2], eps: 1e-3 });
          y.mul(gy).sum().backward();
          return [y.toList(), ...leaves.filter((t) => t !== null).map((t) => t!.grad!.toList())];
        };
        const fused = run(ds.nn.functional.layerNorm), composite = run(layerNormComposite);
        const tol = dtype === "float64" ? 1e-12 : 2e-5;
        fused.forEach((f, i) => expect(maxAbs(f, composite[i]!), `output ${i}`).toBeLessThan(tol));
      });
    }
  }
});

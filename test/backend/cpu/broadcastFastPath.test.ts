// The dense row/column broadcasting loops of the CPU binary kernel against its general strided loop.
import { describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { cpuBackend } from "../../../src/backend/cpu/index.js";
import type { Tensor } from "../../../src/index.js";

const gen = new ds.Generator(5);
/** The same values through a non-dense view (so the kernel takes its general strided loop). */
function strided(t: Tensor): Tensor {
  const padded = ds.randn([...t.shape.slice(0, -1), (t.shape[t.ndim - 1] ?? 1) * 2], { generator: gen, dtype: t.dtype });
  const view = padded.slice(t.ndim - 1, 0, t.shape[t.ndim - 1] ?? 1);
  view.copy_(t);
  return view;
}

describe("CPU binary kernel: dense broadcast fast paths", () => {
  const cases: [number[], number[]][] = [
    [[3, 5], [5]], [[3, 5], [3, 1]], [[2, 3, 5], [3, 1]], [[2, 3, 5], [1, 3, 1]], [[2, 3, 5], [2, 3, 1]],
    [[2, 3, 5], [5]], [[2, 3, 5], [1, 1, 5]], [[4, 1], [1]], [[4, 1], [4, 1]], [[64, 10], [64, 1]], [[2, 3, 5], [2, 1, 5]],
  ];
  for (const prim of ["add", "sub", "mul", "div"] as const) {
    for (const dtype of ["float32", "float64"] as const) {
      for (const [fullShape, partShape] of cases) {
        for (const swap of [false, true]) {
          it(`${prim} ${dtype}: ${swap ? `[${partShape}] ∘ [${fullShape}]` : `[${fullShape}] ∘ [${partShape}]`}`, () => {
            const full = ds.randn(fullShape, { generator: gen, dtype }), part = ds.randn(partShape, { generator: gen, dtype }).add(prim === "div" ? 3 : 0);
            const [a, b] = swap ? [part, full] : [full, part];
            const got = cpuBackend[prim]([a, b], {}) as Tensor;
            const want = cpuBackend[prim]([strided(a), strided(b)], {}) as Tensor;
            expect(got.shape).toEqual(want.shape);
            expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
          });
        }
      }
    }
  }
});

// Pooling, resampling and group/instance normalization (nn.functional forms) against PyTorch 2.x:
// forward values, max-pool indices, gradients of every input and updated running statistics.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { fromJson, maxRelErr, tol } from "../nn/fixture.js";
import { poolingRef } from "./poolingFixture.js";

type AnyFn = (...args: unknown[]) => Tensor | [Tensor, Tensor];
const F = ds.nn.functional as unknown as Record<string, AnyFn>;

describe(`nn.functional pooling and resampling equal PyTorch ${poolingRef.torch_version}`, () => {
  for (const c of poolingRef.ops) {
    it(c.name, () => {
      const xs = c.inputs.map((x) => fromJson(x, { requiresGrad: x.dtype !== "int32" }));
      const state = Object.fromEntries(Object.entries(c.stateOptions).map(([k, v]) => [k, fromJson(v)]));
      let options: Record<string, unknown> | undefined;
      if (c.options !== null) {
        options = { ...c.options, ...state };
        for (const [k, i] of Object.entries(c.tensorOptions)) options[k] = xs[i];
      }
      const out = F[c.fn]!(...xs.slice(0, c.nTensorArgs), ...c.args, ...(options === undefined ? [] : [options]));
      const [y, indices] = Array.isArray(out) ? out : [out, null];
      expect(maxRelErr(y, c.output)).toBeLessThan(tol(c.output));
      if (c.indices) {
        expect(indices!.dtype).toBe("int32");
        expect(indices!.shape).toEqual(c.indices.shape);
        expect(indices!.toList()).toEqual(c.indices.data);
      } else {
        expect(indices).toBeNull();
      }
      y.backward(fromJson(c.gradOutput));
      c.gradInputs.forEach((g, i) => {
        if (g) expect(maxRelErr(xs[i]!.grad!, g), `gradient of input ${i}`).toBeLessThan(tol(g));
      });
      for (const [k, v] of Object.entries(c.stateAfter)) expect(maxRelErr(state[k]!, v), k).toBeLessThan(tol(v));
    });
  }
});

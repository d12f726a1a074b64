import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import * as nn from "../../src/nn/index.js";
import { fromJson, maxRelErr, nnRef, tol, type TensorJson } from "./fixture.js";

type AnyLayer = nn.Module<Tensor[], Tensor>;

/** make_nn_fixture.py stores PyTorch's keys camelCased (`runningMean`); this undoes its `camel()`. */
const torchKey = (fixtureKey: string): string => fixtureKey.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function build(kind: string, args: unknown[], options: Record<string, unknown>, dtype: "float32" | "float64"): AnyLayer {
  const o = { ...options, dtype };
  switch (kind) {
    case "Linear":
      return new nn.Linear(args[0] as number, args[1] as number, o) as unknown as AnyLayer;
    case "Bilinear":
      return new nn.Bilinear(args[0] as number, args[1] as number, args[2] as number, o) as unknown as AnyLayer;
    case "Embedding":
      return new nn.Embedding(args[0] as number, args[1] as number, o) as unknown as AnyLayer;
    case "BatchNorm1d":
      return new nn.BatchNorm1d(args[0] as number, o) as unknown as AnyLayer;
    case "LayerNorm":
      return new nn.LayerNorm(args[0] as number[], o) as unknown as AnyLayer;
  }
  throw new Error(`unknown layer ${kind}`);
}

describe("nn layers equal PyTorch 1.13 (forward, input and parameter gradients, buffers)", () => {
  for (const c of nnRef.layers) {
    it(c.name, () => {
      const dtype = c.output.dtype as "float32" | "float64";
      const layer = build(c.kind, c.args, c.options, dtype);
      layer.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)])));
      layer.train(c.train);
      const xs = c.inputs.map((x) => fromJson(x, { requiresGrad: x.dtype !== "int32" }));
      const y = layer.call(...xs);
      expect(maxRelErr(y, c.output)).toBeLessThan(tol(c.output));
      y.backward(fromJson(c.gradOutput));
      c.gradInputs.forEach((g, i) => {
        if (g) expect(maxRelErr(xs[i]!.grad!, g)).toBeLessThan(tol(g));
      });
      const params = Object.fromEntries(layer.namedParameters());
      expect(Object.keys(c.gradParams).sort()).toEqual(Object.keys(params).sort());
      for (const [name, g] of Object.entries(c.gradParams)) expect(maxRelErr(params[name]!.grad!, g)).toBeLessThan(tol(g));
      const after = layer.stateDict();
      expect(Object.keys(after).sort()).toEqual(Object.keys(c.stateAfter).map(torchKey).sort());
      for (const [name, s] of Object.entries(c.stateAfter)) expect(maxRelErr(after[torchKey(name)]!, s as TensorJson)).toBeLessThan(tol(s));
    });
  }
});

// Forward hooks and pre-hooks (PyTorch's register_forward_hook / register_forward_pre_hook).
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";
import * as nn from "../../src/nn/index.js";

const x = () => tensor([[1, -2, 3]]);

describe("forward hooks", () => {
  it("a forward hook sees the module, its inputs and its output, for every call of a layer inside a model", () => {
    const relu = new nn.ReLU();
    const model = new nn.Sequential(new nn.Identity(), relu);
    const seen: { module: unknown; input: number[]; output: number[] }[] = [];
    relu.registerForwardHook((module, inputs, output) => {
      seen.push({ module, input: (inputs[0] as Tensor).toList() as number[], output: output.toList() as number[] });
    });
    model.call(x());
    model.call(x().neg());
    expect(seen).toEqual([
      { module: relu, input: [1, -2, 3], output: [1, 0, 3] },
      { module: relu, input: [-1, 2, -3], output: [0, 2, 0] },
    ]);
  });

  it("a forward hook that returns a tensor replaces the output; a pre-hook that returns inputs replaces them", () => {
    const relu = new nn.ReLU();
    relu.registerForwardPreHook((_m, inputs) => [inputs[0].neg()]);
    expect(relu.call(x()).toList()).toEqual([0, 2, 0]);
    relu.registerForwardHook((_m, _inputs, output) => output.mul(10));
    expect(relu.call(x()).toList()).toEqual([0, 20, 0]);
  });

  it("pre-hooks run before hooks, each kind in registration order; remove() unregisters only its own hook", () => {
    const lin = new nn.Identity();
    const order: string[] = [];
    const a = lin.registerForwardHook(() => { order.push("hook a"); });
    lin.registerForwardHook(() => { order.push("hook b"); });
    const p = lin.registerForwardPreHook(() => { order.push("pre"); });
    lin.call(x());
    expect(order).toEqual(["pre", "hook a", "hook b"]);
    order.length = 0;
    a.remove();
    a.remove(); // removing twice is harmless, as in PyTorch
    p.remove();
    lin.call(x());
    expect(order).toEqual(["hook b"]);
  });

  it("a hook can remove itself while running (fires once)", () => {
    const relu = new nn.ReLU();
    let calls = 0;
    const handle = relu.registerForwardHook(() => { calls++; handle.remove(); });
    relu.call(x());
    relu.call(x());
    expect(calls).toBe(1);
  });

  it("hooks are not module members: state dict and printing are unchanged", () => {
    const lin = new nn.Linear(3, 2);
    const before = Object.keys(lin.stateDict());
    lin.registerForwardHook(() => undefined);
    expect(Object.keys(lin.stateDict())).toEqual(before);
    expect(String(lin)).toBe("Linear(in_features=3, out_features=2, bias=True)");
  });

  it("a pre-hook returning a non-array is an error naming the module", () => {
    const relu = new nn.ReLU();
    relu.registerForwardPreHook((() => 3) as unknown as nn.ForwardPreHook<[Tensor]>);
    expect(() => relu.call(x())).toThrow(/ReLU: a forward pre-hook must return an array of inputs or nothing, got number/);
  });
});

// Sequential disposes the intermediate results that only its own library layers saw, so their memory
// serves the next results of their size (as PyTorch frees them on their last reference), without
// changing any value: outputs and gradients equal those of the layers called one by one.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { takeRecycledF32 } from "../../src/backend/pool.js";
import type { Tensor } from "../../src/tensor/Tensor.js";

const { nn } = ds;
/** Batch 47 × width 61 = 2867 elements: a length nothing else in this file's process makes. */
const B = 47, W = 61, LENGTH = B * W;

function layers(seed: number): [ds.nn.Linear, ds.nn.ReLU, ds.nn.Linear] {
  const generator = new ds.Generator(seed);
  return [new nn.Linear(5, W, { generator }), new nn.ReLU(), new nn.Linear(W, 3, { generator })];
}

/** Empties the pool for LENGTH. */
function drain(): void {
  while (takeRecycledF32(LENGTH) !== undefined);
}

/** Makes and disposes results of LENGTH elements, which take any recycled buffer of that length. */
function churn(): void {
  for (let i = 0; i < 6; i++) ds.randn([B, W]).mul(3).add(1).dispose();
}

describe("Sequential's intermediate results", () => {
  it("go back to the buffer pool once the next layer has read them", () => {
    const model = new nn.Sequential(...layers(1));
    const x = ds.randn([B, 5]);
    drain();
    ds.noGrad(() => model.call(x));
    // the first Linear's (B, 61) output, read by ReLU, and ReLU's, read by the second Linear
    expect(takeRecycledF32(LENGTH)).toBeInstanceOf(Float32Array);
  });

  it("keep their values for backward when their memory is reused in between: outputs and gradients equal the layers called one by one", () => {
    const [l1, relu, l2] = layers(2);
    const model = new nn.Sequential(l1, relu, l2);
    const x = ds.randn([B, 5]);
    const target = ds.randn([B, 3]);
    const out = model.call(x);
    churn();
    ds.nn.functional.mseLoss(out, target).backward();
    const seqGrads = [l1.weight, l1.bias!, l2.weight, l2.bias!].map((p) => Array.from(p.grad!.dataSync()));
    model.zeroGrad();
    const byHand = l2.call(relu.call(l1.call(x)));
    ds.nn.functional.mseLoss(byHand, target).backward();
    expect(Array.from(out.dataSync())).toEqual(Array.from(byHand.dataSync()));
    expect(seqGrads).toEqual([l1.weight, l1.bias!, l2.weight, l2.bias!].map((p) => Array.from(p.grad!.dataSync())));
  });

  it("stay intact when a forward hook or a module of the user's own could keep them", () => {
    const [l1, relu, l2] = layers(3);
    const x = ds.randn([B, 5]);
    const expected = Array.from(ds.noGrad(() => l1.call(x)).dataSync());
    // a hook on the layer that made the result
    let hooked: Tensor | null = null;
    const handle = l1.registerForwardHook((_m, _inputs, output) => { hooked = output; });
    handle.remove(); // removed hooks may have kept what they saw earlier: still not disposed
    l1.registerForwardHook((_m, _inputs, output) => { hooked = output; });
    ds.noGrad(() => new nn.Sequential(l1, relu, l2).call(x));
    churn();
    expect(hooked!.isDisposed).toBe(false);
    expect(Array.from(hooked!.dataSync())).toEqual(expected);
    // a user module that stores what it returns
    class Keep extends nn.Module {
      kept: Tensor | null = null;
      forward(input: Tensor): Tensor {
        this.kept = input.mul(1);
        return this.kept;
      }
    }
    const keep = new Keep();
    const [m1, r1, m2] = layers(3);
    ds.noGrad(() => new nn.Sequential(m1, keep, r1, m2).call(x));
    churn();
    expect(keep.kept!.isDisposed).toBe(false);
    expect(Array.from(keep.kept!.dataSync())).toEqual(expected);
  });

  it("pass through layers that return their input unchanged without disposing the model's input", () => {
    const [l1, relu, l2] = layers(4);
    const x = ds.randn([B, 5]);
    const dropout = new nn.Dropout(0.5);
    dropout.eval();
    const model = new nn.Sequential(new nn.Identity(), dropout, l1, new nn.Identity(), relu, l2);
    const out = ds.noGrad(() => model.call(x));
    expect(x.isDisposed).toBe(false);
    expect(Array.from(out.dataSync())).toEqual(Array.from(ds.noGrad(() => l2.call(relu.call(l1.call(x)))).dataSync()));
  });
});

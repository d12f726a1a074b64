import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";

const f64 = (v: ds.NestedArray, requiresGrad = false) => ds.tensor(v, { dtype: "float64", requiresGrad });

/** 2-D Rosenbrock f(x, y) = (1 − x)² + 100 (y − x²)². */
const rosenbrock = (v: ds.Tensor): ds.Tensor => {
  const x = v.select(0, 0), y = v.select(0, 1);
  return ds.sub(1, x).square().add(y.sub(x.square()).square().mul(100));
};

describe("functional transforms", () => {
  it("hessian of 2-D Rosenbrock at (−1.2, 1) is [[1330, 480], [480, 200]]", () => {
    // Analytic: ∂²f/∂x² = 2 − 400(y − 3x²) = 2 − 400(1 − 4.32) = 1330; ∂²f/∂x∂y = −400x = 480; ∂²f/∂y² = 200.
    const H = ds.hessian(rosenbrock)(f64([-1.2, 1]));
    expect(H.dtype).toBe("float64");
    expect(H.toArray()).toEqual([[1330, 480], [480, 200]].map((r) => r.map((v) => expect.closeTo(v, 10))));
  });

  it("hvp equals the Hessian times v without forming it", () => {
    const v = f64([0.3, -2]);
    const hv = ds.hvp(rosenbrock)(f64([-1.2, 1]), v);
    const expected = [1330 * 0.3 + 480 * -2, 480 * 0.3 + 200 * -2];
    hv.toList().forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 9));
  });

  it("grad of Rosenbrock at (−1.2, 1) equals the analytic gradient", () => {
    // ∂f/∂x = −2(1 − x) − 400x(y − x²) = −4.4 − 400(−1.2)(1 − 1.44) = −215.6; ∂f/∂y = 200(y − x²) = −88
    const g = ds.grad(rosenbrock)(f64([-1.2, 1]));
    g.toList().forEach((x, i) => expect(x).toBeCloseTo([-215.6, -88][i]!, 10));
  });

  it("jacobian of a vector function equals the analytic Jacobian", () => {
    // f(x) = [x0² x1, 5 x0 + sin x1]  ⇒  J = [[2 x0 x1, x0²], [5, cos x1]]
    const f = (x: ds.Tensor) => ds.stack([x.select(0, 0).square().mul(x.select(0, 1)), x.select(0, 0).mul(5).add(x.select(0, 1).sin())]);
    const [a, b] = [0.7, -1.3];
    const J = ds.jacobian(f)(f64([a, b]));
    expect(J.shape).toEqual([2, 2]);
    const expected = [2 * a * b, a * a, 5, Math.cos(b)];
    J.toList().forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 12));
  });

  it("grad with several argnums and valueAndGrad", () => {
    const f = (x: ds.Tensor, y: ds.Tensor) => x.mul(y).sum();
    const [gx, gy] = ds.grad(f, { argnums: [0, 1] })(f64([1, 2]), f64([3, 4]));
    expect(gx!.toList()).toEqual([3, 4]);
    expect(gy!.toList()).toEqual([1, 2]);
    const [value, g] = ds.valueAndGrad((x: ds.Tensor) => x.square().sum())(f64([3]));
    expect(value.item()).toBe(9);
    expect((g as ds.Tensor).toList()).toEqual([6]);
  });

  it("vjp returns cotangentᵀ J", () => {
    const [out, vjpFn] = ds.vjp((x: ds.Tensor) => x.square(), f64([1, 2, 3]));
    expect(out.toList()).toEqual([1, 4, 9]);
    expect(vjpFn(f64([1, 0, 2]))[0]!.toList()).toEqual([2, 0, 12]);
  });

  it("third derivatives by nesting grad", () => {
    const d3 = ds.grad(ds.grad(ds.grad((x: ds.Tensor) => x.pow(4).sum())));
    expect(d3(f64([2])).toList()).toEqual([24 * 2]);
  });
});

describe("backward", () => {
  it("accumulates .grad across calls and through shared subexpressions", () => {
    const x = f64([1, 2], true);
    const y = x.mul(x).add(x).sum(); // dy/dx = 2x + 1
    y.backward();
    expect(x.grad!.toList()).toEqual([3, 5]);
    x.mul(3).sum().backward();
    expect(x.grad!.toList()).toEqual([6, 8]);
  });

  it("gives each leaf its own gradient tensor (optimizers write .grad in place)", () => {
    const a = f64([1], true), b = f64([2], true);
    a.add(b).sum().backward();
    expect(a.grad).not.toBe(b.grad);
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
  });

  it("never lets .grad alias the caller's gradient or a view", () => {
    const x = f64([1, 2], true);
    const g = f64([5, 7]);
    x.add(0).backward(g); // the add rule passes g straight through
    ds.noGrad(() => x.grad!.mul_(10));
    expect(g.toList()).toEqual([5, 7]);
    const w = f64([[1, 2], [3, 4]], true);
    ds.ones([3, 2], { dtype: "float64" }).matmul(w.t()).sum().backward(); // gradient arrives as a transposed view
    expect(w.grad!.isContiguous()).toBe(true);
    expect(w.grad!.toArray()).toEqual([[3, 3], [3, 3]]);
  });

  it("a chain of 100,000 ops differentiates without stack overflow", () => {
    const x = f64([1.5], true);
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1e-6);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
  });

  it("frees the graph after backward unless retainGraph", () => {
    const x = f64([2], true);
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
  });

  it("createGraph makes .grad differentiable", () => {
    const x = f64([3], true);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!; // 3x² = 27
    expect(g.item()).toBe(27);
    x.grad = null;
    g.sum().backward(); // d(3x²)/dx = 6x = 18
    expect(x.grad!.item()).toBe(18);
  });

  it("retainGrad keeps gradients of intermediate tensors", () => {
    const x = f64([1, 2], true);
    const h = x.mul(2).retainGrad();
    h.square().sum().backward();
    expect(h.grad!.toList()).toEqual([4, 8]);
    expect(x.grad!.toList()).toEqual([8, 16]);
  });

  it("noGrad records nothing; detach cuts the graph", () => {
    const x = f64([1], true);
    const y = ds.noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(x.mul(2).detach().requiresGrad).toBe(false);
    expect(ds.enableGrad(() => ds.noGrad(() => ds.enableGrad(() => x.mul(2)))).requiresGrad).toBe(true);
  });

  it("undoes broadcasting by summing back to each input's shape", () => {
    const a = f64([[1], [2]], true), b = f64([10, 20, 30], true);
    a.mul(b).sum().backward();
    expect(a.grad!.toArray()).toEqual([[60], [60]]);
    expect(b.grad!.toList()).toEqual([3, 3, 3]);
  });
});

describe("errors", () => {
  it("backward on a non-scalar without a gradient", () => {
    const x = f64([1, 2], true);
    expect(() => x.mul(2).backward()).toThrow("backward: the output has shape [2]; gradient can be implicitly created only for scalar outputs");
  });

  it("requiresGrad on an integer tensor", () => {
    expect(() => ds.tensor([1, 2], { dtype: "int32", requiresGrad: true })).toThrow(
      /requiresGrad: only floating-point tensors can require gradients, but this tensor has dtype int32/,
    );
  });

  it("modifying a saved tensor in place is caught at backward time", () => {
    const x = f64([1, 2], true);
    const y = x.exp(); // exp saves its output
    const z = y.sum();
    ds.noGrad(() => y.detach().mul_(2)); // shares storage with y
    expect(() => z.backward()).toThrow(/backward of exp: its saved output 0 \(shape \[2\]\) was modified in place/);
  });

  it("in-place ops on leaves that require grad are refused while recording", () => {
    const w = f64([1], true);
    expect(() => w.add_(1)).toThrow(/add_: a leaf tensor that requires grad cannot be modified in place/);
    ds.noGrad(() => w.add_(1));
    expect(w.item()).toBe(2);
  });

  it("detectAnomaly names the primitive whose backward produced NaN", () => {
    const x = f64([0, 1], true);
    const y = x.sqrt().sum(); // d√x at 0 = 1/(2·0) = inf; times 0 in mul → NaN
    ds.detectAnomaly(true);
    try {
      expect(() => x.sqrt().mul(0).sum().backward()).toThrow(/detectAnomaly: the backward of sqrt \(SqrtBackward\) returned NaN/);
    } finally {
      ds.detectAnomaly(false);
    }
    y.backward();
    expect(x.grad!.toList()[0]).toBe(Infinity);
  });

  it("matmul with misaligned shapes", () => {
    expect(() => ds.zeros([2, 3]).matmul(ds.zeros([4, 5]))).toThrow("matmul: shapes [2,3] and [4,5] are not aligned (3 != 4)");
  });

  it("out-of-range index and dim", () => {
    expect(() => ds.zeros([3, 2]).indexSelect(0, [3])).toThrow("indexSelect: index 3 is out of bounds for dimension 0 with size 3");
    expect(() => ds.zeros([3, 2]).sum({ dim: 2 })).toThrow("sum: dim 2 is out of range for a tensor with 2 dimension(s) (expected -2..1)");
    expect(() => ds.zeros([3]).gather(0, ds.tensor([5], { dtype: "int32" }))).toThrow(/gather: index 5 is out of bounds/);
  });

  it("reshape to an incompatible size", () => {
    expect(() => ds.zeros([2, 3]).reshape(4, 2)).toThrow("reshape: shape [4,2] is invalid for input of size 6 (shape [2,3])");
    expect(() => ds.zeros([2, 3]).t().view(6)).toThrow(/view: size \[6\] is not compatible with the input's strides/);
  });

  it("broadcasting incompatible shapes", () => {
    expect(() => ds.zeros([2, 3]).add(ds.zeros([4]))).toThrow("add: shapes [2,3] and [4] cannot be broadcast together (dimension 1: 3 vs 4)");
  });
});

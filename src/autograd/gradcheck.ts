// Finite-difference checks of first and second derivatives (float64 central differences).
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { enableGrad, noGrad } from "./engine.js";
import { runBackward } from "./backward.js";
import { zeros, randn } from "../ops/creation.js";
import { Generator } from "../random/Generator.js";
import { offsets } from "../backend/cpu/strided.js";

/**
 * Options of {@link gradcheck} and {@link gradgradcheck}: the finite-difference step and the tolerances
 * comparing analytical with numerical derivatives.
 */
export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw on mismatch (default) or return false. */
  raiseException?: boolean;
  /**
   * Accept outputs that do not require grad although an input does (default false: that is a failure,
   * since it means the function, or under gradgradcheck a gradient rule, cut the graph). Only for truly
   * piecewise-constant functions; their numerical derivative is then checked to be zero.
   */
  allowDetachedOutputs?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return Array.isArray(out) ? out : [out];
}

/**
 * Compares the autograd Jacobian of `fn` with central differences, for every input that requires grad.
 * Inputs should be float64. Returns true, or throws naming the input, output and element that disagree.
 * ```ts
 * const x = ds.randn([3, 4], { dtype: "float64", requiresGrad: true });
 * ds.gradcheck((t) => t.tanh().sum({ dim: 1 }), [x]); // true
 * ```
 */
export function gradcheck(fn: Fn, inputs: Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-3;
  const raise = options.raiseException ?? true;
  for (const x of inputs) {
    if (x.requiresGrad && x.dtype !== "float64") {
      throw new Error(`gradcheck: inputs that require grad should be float64 for accurate differences, got ${x.dtype} ${fmtShape(x.shape)}`);
    }
  }
  const outs = outputsOf(fn, inputs);
  const diffInputs = inputs.map((x, i) => [x, i] as const).filter(([x]) => x.requiresGrad);
  for (let o = 0; o < outs.length; o++) {
    const out = outs[o]!;
    if (!out.requiresGrad && diffInputs.length > 0 && !options.allowDetachedOutputs) {
      if (!raise) return false;
      throw new Error(
        `gradcheck: output ${o} (shape ${fmtShape(out.shape)}) does not require grad although input ${diffInputs[0]![1]} does: ` +
          "the function (or, under gradgradcheck, a gradient rule) detached it. Pass { allowDetachedOutputs: true } only for a piecewise-constant function",
      );
    }
    // Analytical: one reverse pass per output element (rows of the Jacobian); zero for a detached output.
    const analytical: Float64Array[] = diffInputs.map(([x]) => new Float64Array(out.size * x.size));
    for (let k = 0; k < (out.requiresGrad ? out.size : 0); k++) {
      const e = zeros(out.shape, { dtype: out.dtype });
      e.storage.data[k] = 1;
      const gs = runBackward([out], [e], { targets: diffInputs.map(([x]) => x), retainGraph: true, allowUnused: true });
      gs.forEach((g, j) => {
        if (!g) return;
        const v = g.dataSync();
        analytical[j]!.set(v as ArrayLike<number> as Float64Array, k * diffInputs[j]![0].size);
      });
    }
    // Numerical: perturb each element in place (on the input's own storage) and difference.
    for (let j = 0; j < diffInputs.length; j++) {
      const [x, inputIndex] = diffInputs[j]!;
      const pos = offsets(x, x.shape);
      for (let e = 0; e < x.size; e++) {
        const p = pos[e]!;
        const orig = x.storage.data[p]!;
        const evalAt = (v: number): Float64Array => {
          x.storage.data[p] = v;
          const r = noGrad(() => outputsOf(fn, inputs)[o]!);
          return Float64Array.from(r.dataSync() as ArrayLike<number>);
        };
        const plus = evalAt(orig + eps), minus = evalAt(orig - eps);
        x.storage.data[p] = orig;
        for (let k = 0; k < out.size; k++) {
          const num = (plus[k]! - minus[k]!) / (2 * eps);
          const ana = analytical[j]![k * x.size + e]!;
          if (!(Math.abs(num - ana) <= atol + rtol * Math.abs(num))) {
            if (!raise) return false;
            throw new Error(
              `gradcheck: Jacobian mismatch for output ${o} (shape ${fmtShape(out.shape)}) with respect to input ${inputIndex} ` +
                `(shape ${fmtShape(x.shape)}): d out[${k}] / d in[${e}] is ${ana} by autograd but ${num} by central differences`,
            );
          }
        }
      }
    }
  }
  return true;
}

/**
 * Checks second derivatives: gradcheck of the function (inputs, v) ↦ vᵀ ∂fn/∂inputs computed with
 * createGraph, i.e. that the gradient rows are themselves correctly differentiable.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor[], options: GradcheckOptions & { seed?: number } = {}): boolean {
  const outs = noGrad(() => outputsOf(fn, inputs));
  const gen = new Generator(options.seed ?? 0);
  const cotangents = outs.map((o) => randn(o.shape, { dtype: "float64", generator: gen }).requiresGrad_(true));
  const diffIdx = inputs.map((x, i) => (x.requiresGrad ? i : -1)).filter((i) => i >= 0);
  // Runs with recording on even when gradcheck evaluates it under noGrad: the VJP needs the tape.
  const vjpFn = (...args: Tensor[]): Tensor[] => enableGrad(() => {
    const xs = args.slice(0, inputs.length);
    const vs = args.slice(inputs.length);
    const ys = outputsOf(fn, xs);
    const used = ys.map((y, i) => [y, vs[i]!] as const).filter(([y]) => y.requiresGrad);
    if (used.length === 0) return [];
    const gs = runBackward(
      used.map(([y]) => y),
      used.map(([, v]) => v),
      { targets: diffIdx.map((i) => xs[i]!), createGraph: true, allowUnused: true },
    );
    return gs.map((g, k) => g ?? zeros(xs[diffIdx[k]!]!.shape, { dtype: "float64" }));
  });
  return gradcheck(vjpFn, [...inputs, ...cotangents], options);
}

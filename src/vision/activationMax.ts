// Activation maximization (Erhan et al. 2009; Simonyan et al. 2013; Yosinski et al. 2015): gradient
// ascent on the input image for one unit — a class score or one channel of a layer's feature map —
// with the regularizers of Yosinski et al.: L2 decay, random jitter and periodic Gaussian blur.
import { Tensor } from "../tensor/Tensor.js";
import type { AnyModule } from "../nn/Module.js";
import { Module } from "../nn/Module.js";
import { tensor, zeros } from "../ops/creation.js";
import { valueAndGrad } from "../autograd/functional.js";
import { noGrad } from "../autograd/engine.js";
import { Generator } from "../random/Generator.js";
import { describe as describeValue } from "../tensor/validate.js";
import { fmtShape } from "../tensor/shape.js";
import { gaussianBlur } from "./transforms/functional.js";

/** Options of {@link activationMaximization}. */
export interface ActivationMaximizationOptions {
  /** The input's shape without the batch dimension, e.g. `[1, 28, 28]` (C, H, W). */
  inputShape: readonly number[];
  /**
   * The unit to maximize: an index into the model's output row (a class score) or, with `layer`, a
   * channel of that layer's output, whose spatial mean is maximized.
   */
  unit: number;
  /** A module inside `model` whose output holds the unit (read by a forward hook); default: the model's output. */
  layer?: AnyModule;
  /** Gradient-ascent steps (default 200). */
  steps?: number;
  /** Step size η of x ← x + η·(∂a/∂x − λ·x) (default 0.1). */
  lr?: number;
  /** L2 decay λ: the objective is a(x) − λ/2·‖x‖² (default 0.01). */
  l2?: number;
  /** Largest random shift in pixels (both axes, wrapping around) applied before each step; 0 (default) turns jitter off. */
  jitter?: number;
  /** Blur the image every this many steps (0, the default, never). */
  blurEvery?: number;
  /** The blur's standard deviation in pixels (default 0.5; kernel size 2·⌈2σ⌉ + 1). */
  blurSigma?: number;
  /** Clamp the image into [low, high] after every step (default: no clamping). */
  clamp?: readonly [number, number];
  /** Starting image (default: zeros). Shape `inputShape` or (1, ...inputShape). */
  init?: Tensor;
  /** Random numbers for the jitter (default: seed 0). */
  generator?: Generator;
}

/** What {@link activationMaximization} returns. */
export interface ActivationMaximizationResult {
  /** The optimized image, (1, ...inputShape). */
  image: Tensor;
  /** The unit's activation a(x) at the final image (unjittered). */
  activation: number;
  /** a(x) before each step (at the jittered image when jitter is on). */
  history: number[];
}

/** Rolls the last two axes of a (1, C, H, W) array by (dy, dx), wrapping around. */
function roll(data: Float64Array | Float32Array, c: number, h: number, w: number, dy: number, dx: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < h; i++) {
      const ti = (((i + dy) % h) + h) % h;
      for (let j = 0; j < w; j++) out[(ch * h + ti) * w + ((((j + dx) % w) + w) % w)] = data[(ch * h + i) * w + j]!;
    }
  }
  return out;
}

/**
 * Finds an input that strongly activates one unit by gradient ascent on a(x) − λ/2·‖x‖², starting from
 * `init` (zeros by default): each step optionally shifts the image by a random offset (jitter), takes
 * the gradient there, shifts it back and updates x ← x + η·(∂a/∂x − λ·x); every `blurEvery` steps the
 * image is blurred, and it is clamped if `clamp` is given. The unit is a class score of the model's
 * (1, K) output, or — with `layer` — the spatial mean of one channel of that layer's (1, C, H, W)
 * output (or one entry of a (1, F) output). Parameter gradients are not touched; call `model.eval()`
 * first.
 *
 * With the regularizers off, the iteration is plain gradient ascent on a concave objective when a is
 * linear: it converges to x* = ∇a/λ for η·λ < 2.
 */
export function activationMaximization(model: AnyModule, options: ActivationMaximizationOptions): ActivationMaximizationResult {
  const op = "activationMaximization";
  if (!(model instanceof Module)) throw new Error(`${op}: model must be an nn.Module, got ${describeValue(model)}`);
  const shape = options.inputShape;
  if (!Array.isArray(shape) || shape.length < 1 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${op}: inputShape must be a list of positive sizes such as [1, 28, 28], got ${describeValue(shape)}`);
  }
  const steps = options.steps ?? 200, lr = options.lr ?? 0.1, l2 = options.l2 ?? 0.01;
  const jitter = options.jitter ?? 0, blurEvery = options.blurEvery ?? 0, blurSigma = options.blurSigma ?? 0.5;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`${op}: steps must be a whole number ≥ 0, got ${describeValue(steps)}`);
  if (!(lr > 0)) throw new Error(`${op}: lr must be > 0, got ${describeValue(lr)}`);
  if (!(l2 >= 0)) throw new Error(`${op}: l2 must be ≥ 0, got ${describeValue(l2)}`);
  if (!Number.isInteger(jitter) || jitter < 0) throw new Error(`${op}: jitter must be a whole number of pixels ≥ 0, got ${describeValue(jitter)}`);
  if (!Number.isInteger(blurEvery) || blurEvery < 0) throw new Error(`${op}: blurEvery must be a whole number ≥ 0, got ${describeValue(blurEvery)}`);
  if (blurEvery > 0 && !(blurSigma > 0)) throw new Error(`${op}: blurSigma must be > 0, got ${describeValue(blurSigma)}`);
  if ((jitter > 0 || blurEvery > 0) && shape.length !== 3) {
    throw new Error(`${op}: jitter and blur need an image inputShape [C, H, W], got ${fmtShape(shape)}`);
  }
  const unit = options.unit;
  if (!Number.isInteger(unit) || unit < 0) throw new Error(`${op}: unit must be a whole number ≥ 0, got ${describeValue(unit)}`);
  const full = [1, ...shape];
  let x: Tensor;
  if (options.init !== undefined) {
    const init = options.init;
    if (!(init instanceof Tensor) || init.size !== full.reduce((a, b) => a * b, 1)) {
      throw new Error(`${op}: init must be a tensor of shape ${fmtShape(shape)} or ${fmtShape(full)}, got ${init instanceof Tensor ? fmtShape(init.shape) : describeValue(init)}`);
    }
    x = init.detach().reshape(full).to("float64");
  } else {
    x = zeros(full, { dtype: "float64" });
  }
  const dtype = [...model.parameters()][0]?.dtype ?? "float32";
  const generator = options.generator ?? new Generator(0);
  const [C, H, W] = shape.length === 3 ? (shape as [number, number, number]) : [1, 1, 1];

  // a(x): the chosen unit of the model's output or of `layer`'s output (through a forward hook).
  const activation = (input: Tensor): Tensor => {
    let captured: Tensor | null = null;
    const handle = options.layer?.registerForwardHook((_m, _in, out) => { captured = out as Tensor; });
    let out: Tensor;
    try {
      const y = model.call(input.to(dtype)) as Tensor;
      out = options.layer ? (captured as Tensor | null) ?? (() => { throw new Error(`${op}: the layer was not called by the model's forward`); })() : y;
    } finally {
      handle?.remove();
    }
    if (!(out instanceof Tensor) || out.ndim < 2 || out.shape[0] !== 1) {
      throw new Error(`${op}: expected a (1, units, ...) output for one input, got ${out instanceof Tensor ? fmtShape(out.shape) : describeValue(out)}`);
    }
    if (unit >= out.shape[1]!) throw new Error(`${op}: unit ${unit} is out of range for an output of shape ${fmtShape(out.shape)}`);
    const picked = out.narrow(1, unit, 1);
    return (picked.ndim > 2 ? picked.mean() : picked.sum()).to("float64");
  };
  const gradient = valueAndGrad(activation);

  const history: number[] = [];
  for (let step = 0; step < steps; step++) {
    const dy = jitter > 0 ? generator.randint(-jitter, jitter + 1) : 0;
    const dx = jitter > 0 ? generator.randint(-jitter, jitter + 1) : 0;
    const shifted = dy !== 0 || dx !== 0 ? tensor(roll(x.dataSync() as Float64Array, C, H, W, dy, dx), { dtype: "float64" }).reshape(full) : x;
    const [a, g] = gradient(shifted);
    history.push((a as Tensor).item() as number);
    let grad = (g as Tensor).to("float64");
    if (dy !== 0 || dx !== 0) grad = tensor(roll(grad.dataSync() as Float64Array, C, H, W, -dy, -dx), { dtype: "float64" }).reshape(full);
    x = noGrad(() => {
      let next = x.add(grad.sub(x.mul(l2)).mul(lr));
      if (blurEvery > 0 && (step + 1) % blurEvery === 0) {
        const k = 2 * Math.ceil(2 * blurSigma) + 1;
        next = gaussianBlur(next.reshape(shape), [k, k], blurSigma).reshape(full).to("float64");
      }
      if (options.clamp) next = next.clamp({ min: options.clamp[0], max: options.clamp[1] });
      return next;
    });
  }
  const final = noGrad(() => activation(x).item() as number);
  return { image: x.to(dtype), activation: final, history };
}

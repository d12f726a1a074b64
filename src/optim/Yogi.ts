// Yogi: Adam with an additive, sign-controlled second-moment update (Zaheer et al. 2018).
import type { Tensor } from "../tensor/Tensor.js";
import { fullLike, zerosLike } from "../ops/creation.js";
import { Optimizer, type ParamGroup, type ParamsArg, type Update, withDefaults } from "./Optimizer.js";

/**
 * The hyperparameters of {@link Yogi}; the constructor takes any subset, per parameter group, the rest
 * defaulting to the paper's values.
 */
export interface YogiHyper {
  lr: number;
  betas: [number, number];
  /** ε: the paper recommends 1e-3 (larger than Adam's). */
  eps: number;
  /** v₀: starting value of the second moment (a small positive constant, as TF-Addons' Yogi). */
  initialAccumulatorValue: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * The per-parameter state {@link Yogi} keeps between steps (PyTorch's `optimizer.state[p]` entries in
 * camelCase).
 */
export interface YogiState {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * One Yogi step — Zaheer, Reddi, Sachan, Kale & Kumar (2018), "Adaptive Methods for Nonconvex
 * Optimization", NeurIPS, Algorithm 2 (no bias correction, as in the paper):
 * ```
 * g ← ∇f(θ) (−g if maximize);  if λ ≠ 0: g ← g + λθ
 * m ← β₁m + (1 − β₁)g
 * v ← v − (1 − β₂)·sign(v − g²)·g²
 * θ ← θ − η·m/(√v + ε)
 * ```
 * Unlike Adam's multiplicative v ← β₂v + (1 − β₂)g², v changes by at most (1 − β₂)g² per step, so
 * the effective learning rate cannot grow abruptly when gradients get small.
 */
export function yogiUpdate(param: Tensor, grad: Tensor, state: YogiState | undefined, h: YogiHyper): Update<YogiState> {
  const [beta1, beta2] = h.betas;
  const step = (state?.step ?? 0) + 1;
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(param.mul(h.weightDecay));
  const g2 = g.mul(g);
  const v0 = state?.expAvgSq ?? fullLike(param, h.initialAccumulatorValue);
  const expAvg = (state?.expAvg ?? zerosLike(param)).mul(beta1).add(g.mul(1 - beta1));
  const expAvgSq = v0.sub(v0.sub(g2).sign().mul(g2).mul(1 - beta2));
  const next = param.sub(expAvg.div(expAvgSq.sqrt().add(h.eps)).mul(h.lr));
  return { param: next, state: { step, expAvg, expAvgSq } };
}

/** Yogi with the paper's defaults: lr 1e-2, betas (0.9, 0.999), eps 1e-3; v₀ = 1e-6. */
export class Yogi extends Optimizer<YogiHyper, YogiState> {
  constructor(params: ParamsArg<YogiHyper>, options: Partial<YogiHyper> = {}) {
    const d: YogiHyper = withDefaults("Yogi", { lr: 1e-2, betas: [0.9, 0.999], eps: 1e-3, initialAccumulatorValue: 1e-6, weightDecay: 0, maximize: false } as YogiHyper, options);
    if (!(d.lr >= 0)) throw new Error(`Yogi: invalid learning rate ${d.lr}`);
    if (!(d.eps >= 0)) throw new Error(`Yogi: invalid epsilon ${d.eps}`);
    super(params, d);
  }
  protected updateGroup(group: ParamGroup<YogiHyper>): void {
    this.updateEach(group, (p, g, s) => yogiUpdate(p, g, s, group));
  }
}

// Adamax: Adam with the infinity norm in place of the second moment (Kingma & Ba 2015, §7.1).
import type { Tensor } from "../tensor/Tensor.js";
import { zerosLike } from "../ops/creation.js";
import { maximum } from "../ops/elementwise.js";
import { Optimizer, type ParamGroup, type ParamsArg, type Update, withDefaults } from "./Optimizer.js";

/**
 * The hyperparameters of {@link Adamax} (PyTorch's keyword arguments in camelCase); the constructor takes any
 * subset, per parameter group, the rest defaulting as PyTorch's.
 */
export interface AdamaxHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * The per-parameter state {@link Adamax} keeps between steps (PyTorch's `optimizer.state[p]` entries in
 * camelCase).
 */
export interface AdamaxState {
  step: number;
  expAvg: Tensor;
  /** u: exponentially weighted infinity norm. */
  expInf: Tensor;
}

/**
 * One Adamax step (Kingma & Ba 2015, arXiv:1412.6980, Algorithm 2; PyTorch's algorithm):
 * ```
 * g ← ∇f(θ) (−g if maximize);  if λ ≠ 0: g ← g + λθ
 * m ← β₁m + (1 − β₁)g
 * u ← max(β₂u, |g| + ε)
 * θ ← θ − γ/(1 − β₁ᵗ) · m/u
 * ```
 */
export function adamaxUpdate(param: Tensor, grad: Tensor, state: AdamaxState | undefined, h: AdamaxHyper): Update<AdamaxState> {
  const [beta1, beta2] = h.betas;
  const step = (state?.step ?? 0) + 1;
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(param.mul(h.weightDecay));
  const expAvg = (state?.expAvg ?? zerosLike(param)).mul(beta1).add(g.mul(1 - beta1));
  const expInf = maximum((state?.expInf ?? zerosLike(param)).mul(beta2), g.abs().add(h.eps));
  const clr = h.lr / (1 - Math.pow(beta1, step));
  return { param: param.sub(expAvg.div(expInf).mul(clr)), state: { step, expAvg, expInf } };
}

/** Adamax (PyTorch's `torch.optim.Adamax`): lr 2e-3, betas (0.9, 0.999), eps 1e-8 by default. */
export class Adamax extends Optimizer<AdamaxHyper, AdamaxState> {
  constructor(params: ParamsArg<AdamaxHyper>, options: Partial<AdamaxHyper> = {}) {
    const d: AdamaxHyper = withDefaults("Adamax", { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false } as AdamaxHyper, options);
    if (!(d.lr >= 0)) throw new Error(`Adamax: invalid learning rate ${d.lr}`);
    super(params, d);
  }
  protected updateGroup(group: ParamGroup<AdamaxHyper>): void {
    this.updateEach(group, (p, g, s) => adamaxUpdate(p, g, s, group));
  }
}

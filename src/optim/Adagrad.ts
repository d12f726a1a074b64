// Adagrad: per-coordinate step sizes from the accumulated squared gradients (Duchi et al. 2011).
import type { Tensor } from "../tensor/Tensor.js";
import { fullLike } from "../ops/creation.js";
import { Optimizer, type ParamGroup, type ParamsArg, type Update, withDefaults } from "./Optimizer.js";

/**
 * The hyperparameters of {@link Adagrad} (PyTorch's keyword arguments in camelCase); the constructor takes
 * any subset, per parameter group, the rest defaulting as PyTorch's.
 */
export interface AdagradHyper {
  lr: number;
  /** η: the step size decays as γ/(1 + (t − 1)η). */
  lrDecay: number;
  weightDecay: number;
  /** Starting value of the accumulator Σg². */
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * The per-parameter state {@link Adagrad} keeps between steps (PyTorch's `optimizer.state[p]` entries in
 * camelCase).
 */
export interface AdagradState {
  step: number;
  /** Σ g²: the accumulated squared gradients. */
  sum: Tensor;
}

/**
 * One Adagrad step (Duchi, Hazan & Singer 2011, JMLR 12; PyTorch's algorithm):
 * ```
 * t ← t + 1;  g ← ∇f(θ) (−g if maximize);  if λ ≠ 0: g ← g + λθ
 * γ̃ ← γ / (1 + (t − 1)η)
 * s ← s + g²
 * θ ← θ − γ̃ g / (√s + ε)
 * ```
 */
export function adagradUpdate(param: Tensor, grad: Tensor, state: AdagradState | undefined, h: AdagradHyper): Update<AdagradState> {
  const step = (state?.step ?? 0) + 1;
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(param.mul(h.weightDecay));
  const clr = h.lr / (1 + (step - 1) * h.lrDecay);
  const sum = (state?.sum ?? fullLike(param, h.initialAccumulatorValue)).add(g.mul(g));
  const std = sum.sqrt().add(h.eps);
  return { param: param.sub(g.div(std).mul(clr)), state: { step, sum } };
}

/** Adagrad (PyTorch's `torch.optim.Adagrad`): lr 1e-2, eps 1e-10 by default. */
export class Adagrad extends Optimizer<AdagradHyper, AdagradState> {
  constructor(params: ParamsArg<AdagradHyper>, options: Partial<AdagradHyper> = {}) {
    const d: AdagradHyper = withDefaults("Adagrad", { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false } as AdagradHyper, options);
    if (!(d.lr >= 0)) throw new Error(`Adagrad: invalid learning rate ${d.lr}`);
    if (!(d.lrDecay >= 0)) throw new Error(`Adagrad: invalid lrDecay ${d.lrDecay}`);
    if (!(d.initialAccumulatorValue >= 0)) throw new Error(`Adagrad: invalid initialAccumulatorValue ${d.initialAccumulatorValue}`);
    super(params, d);
  }
  protected updateGroup(group: ParamGroup<AdagradHyper>): void {
    this.updateEach(group, (p, g, s) => adagradUpdate(p, g, s, group));
  }
}

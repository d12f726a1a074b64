// Adadelta: step sizes from running averages of squared gradients and squared updates (Zeiler 2012).
import type { Tensor } from "../tensor/Tensor.js";
import { zerosLike } from "../ops/creation.js";
import { Optimizer, type ParamGroup, type ParamsArg, type Update, withDefaults } from "./Optimizer.js";

/**
 * The hyperparameters of {@link Adadelta} (PyTorch's keyword arguments in camelCase); the constructor takes
 * any subset, per parameter group, the rest defaulting as PyTorch's.
 */
export interface AdadeltaHyper {
  /** Scale applied to the update (the paper has none, i.e. 1). */
  lr: number;
  /** ρ: decay of both running averages. */
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * The per-parameter state {@link Adadelta} keeps between steps (PyTorch's `optimizer.state[p]` entries in
 * camelCase).
 */
export interface AdadeltaState {
  /** E[g²]. */
  squareAvg: Tensor;
  /** E[Δθ²]. */
  accDelta: Tensor;
}

/**
 * One Adadelta step (Zeiler 2012, arXiv:1212.5701, Algorithm 1; PyTorch's algorithm):
 * ```
 * g ← ∇f(θ) (−g if maximize);  if λ ≠ 0: g ← g + λθ
 * v ← ρv + (1 − ρ)g²
 * Δ ← √(u + ε) / √(v + ε) · g
 * u ← ρu + (1 − ρ)Δ²
 * θ ← θ − γΔ
 * ```
 */
export function adadeltaUpdate(param: Tensor, grad: Tensor, state: AdadeltaState | undefined, h: AdadeltaHyper): Update<AdadeltaState> {
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(param.mul(h.weightDecay));
  const squareAvg = (state?.squareAvg ?? zerosLike(param)).mul(h.rho).add(g.mul(g).mul(1 - h.rho));
  const std = squareAvg.add(h.eps).sqrt();
  const delta = (state?.accDelta ?? zerosLike(param)).add(h.eps).sqrt().div(std).mul(g);
  const accDelta = (state?.accDelta ?? zerosLike(param)).mul(h.rho).add(delta.mul(delta).mul(1 - h.rho));
  return { param: param.sub(delta.mul(h.lr)), state: { squareAvg, accDelta } };
}

/** Adadelta (PyTorch's `torch.optim.Adadelta`): lr 1, rho 0.9, eps 1e-6 by default. */
export class Adadelta extends Optimizer<AdadeltaHyper, AdadeltaState> {
  constructor(params: ParamsArg<AdadeltaHyper>, options: Partial<AdadeltaHyper> = {}) {
    const d: AdadeltaHyper = withDefaults("Adadelta", { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false } as AdadeltaHyper, options);
    if (!(d.lr >= 0)) throw new Error(`Adadelta: invalid learning rate ${d.lr}`);
    if (!(d.rho >= 0 && d.rho <= 1)) throw new Error(`Adadelta: invalid rho ${d.rho} (must be in [0, 1])`);
    super(params, d);
  }
  protected updateGroup(group: ParamGroup<AdadeltaHyper>): void {
    this.updateEach(group, (p, g, s) => adadeltaUpdate(p, g, s, group));
  }
}

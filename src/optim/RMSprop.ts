// RMSprop: gradients divided by a running RMS of recent gradients (Hinton, Coursera lecture 6e).
import type { Tensor } from "../tensor/Tensor.js";
import { zerosLike } from "../ops/creation.js";
import { Optimizer, type ParamGroup, type ParamsArg, type Update, withDefaults } from "./Optimizer.js";

/**
 * The hyperparameters of {@link RMSprop} (PyTorch's keyword arguments in camelCase); the constructor takes
 * any subset, per parameter group, the rest defaulting as PyTorch's.
 */
export interface RMSpropHyper {
  lr: number;
  /** α: decay of the running average of g². */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Divide by an estimate of the variance, E[g²] − E[g]² (Graves 2013, arXiv:1308.0850). */
  centered: boolean;
  maximize: boolean;
}

/**
 * The per-parameter state {@link RMSprop} keeps between steps (PyTorch's `optimizer.state[p]` entries in
 * camelCase).
 */
export interface RMSpropState {
  squareAvg: Tensor;
  /** E[g] (centered only). */
  gradAvg?: Tensor;
  /** Momentum buffer (momentum > 0 only). */
  momentumBuffer?: Tensor;
}

/**
 * One RMSprop step (PyTorch's algorithm):
 * ```
 * g ← ∇f(θ) (−g if maximize);  if λ ≠ 0: g ← g + λθ
 * v ← αv + (1 − α)g²
 * if centered: ḡ ← αḡ + (1 − α)g;  d ← √(v − ḡ²) + ε   else d ← √v + ε
 * if μ > 0: b ← μb + g/d;  θ ← θ − γb     else θ ← θ − γg/d
 * ```
 */
export function rmspropUpdate(param: Tensor, grad: Tensor, state: RMSpropState | undefined, h: RMSpropHyper): Update<RMSpropState> {
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(param.mul(h.weightDecay));
  const squareAvg = (state?.squareAvg ?? zerosLike(param)).mul(h.alpha).add(g.mul(g).mul(1 - h.alpha));
  const next: RMSpropState = { squareAvg };
  let avg: Tensor;
  if (h.centered) {
    const gradAvg = (state?.gradAvg ?? zerosLike(param)).mul(h.alpha).add(g.mul(1 - h.alpha));
    next.gradAvg = gradAvg;
    avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
  } else avg = squareAvg.sqrt();
  avg = avg.add(h.eps);
  if (h.momentum > 0) {
    const buf = (state?.momentumBuffer ?? zerosLike(param)).mul(h.momentum).add(g.div(avg));
    next.momentumBuffer = buf;
    return { param: param.sub(buf.mul(h.lr)), state: next };
  }
  return { param: param.sub(g.div(avg).mul(h.lr)), state: next };
}

/** RMSprop (PyTorch's `torch.optim.RMSprop`): lr 1e-2, alpha 0.99, eps 1e-8 by default. */
export class RMSprop extends Optimizer<RMSpropHyper, RMSpropState> {
  constructor(params: ParamsArg<RMSpropHyper>, options: Partial<RMSpropHyper> = {}) {
    const d: RMSpropHyper = withDefaults("RMSprop", { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false } as RMSpropHyper, options);
    if (!(d.lr >= 0)) throw new Error(`RMSprop: invalid learning rate ${d.lr}`);
    if (!(d.alpha >= 0)) throw new Error(`RMSprop: invalid alpha ${d.alpha}`);
    if (!(d.momentum >= 0)) throw new Error(`RMSprop: invalid momentum ${d.momentum}`);
    super(params, d);
  }
  protected updateGroup(group: ParamGroup<RMSpropHyper>): void {
    this.updateEach(group, (p, g, s) => rmspropUpdate(p, g, s, group));
  }
}

// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019).
import { Optimizer, type ParamGroup, type ParamsArg, type Update } from "./Optimizer.js";
import { adamDefaults, adamFamilyStep, adamMoments, type AdamHyper, type AdamState } from "./Adam.js";
import type { Tensor } from "../tensor/Tensor.js";

/**
 * One AdamW step (Loshchilov & Hutter 2019, arXiv:1711.05101; PyTorch's algorithm): the decay shrinks
 * the parameter directly instead of entering the moment estimates.
 * ```
 * θ ← θ(1 − γλ)
 * then Adam's moment update and step with g = ∇f(θ) (−g if maximize)
 * ```
 */
export function adamwUpdate(param: Tensor, grad: Tensor, state: AdamState | undefined, h: AdamHyper): Update<AdamState> {
  const g = h.maximize ? grad.neg() : grad;
  const decayed = h.weightDecay !== 0 ? param.mul(1 - h.lr * h.weightDecay) : param;
  return adamMoments(decayed, g, state, h);
}

/** AdamW (PyTorch's `torch.optim.AdamW`): lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 1e-2. */
export class AdamW extends Optimizer<AdamHyper, AdamState> {
  constructor(params: ParamsArg<AdamHyper>, options: Partial<AdamHyper> = {}) {
    super(params, adamDefaults("AdamW", options, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false }));
  }
  protected updateGroup(group: ParamGroup<AdamHyper>): void {
    adamFamilyStep(this, group, true, (p) => this.updateEach({ ...group, params: [p] }, (pp, g, s) => adamwUpdate(pp, g, s, group)));
  }
}

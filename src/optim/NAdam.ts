// NAdam: Adam with Nesterov momentum and a momentum schedule (Dozat 2016).
import type { Tensor } from "../tensor/Tensor.js";
import { zerosLike } from "../ops/creation.js";
import { Optimizer, type ParamGroup, type ParamsArg, type Update, withDefaults } from "./Optimizer.js";

/**
 * The hyperparameters of {@link NAdam} (PyTorch's keyword arguments in camelCase); the constructor takes any
 * subset, per parameter group, the rest defaulting as PyTorch's.
 */
export interface NAdamHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** ψ: the momentum schedule μ_t = β₁(1 − ½·0.96^(tψ)). */
  momentumDecay: number;
  /**
   * Reproduce torch 1.13's product for the look-ahead term, Π_{i≤t}μ_i · μ_t · μ_{t+1} (μ_t counted
   * twice), instead of Dozat's Π_{i≤t+1}μ_i. Off by default; torch ≥ 2.0 uses Dozat's product.
   */
  torch113MuProduct: boolean;
  maximize: boolean;
}

/**
 * The per-parameter state {@link NAdam} keeps between steps (PyTorch's `optimizer.state[p]` entries in
 * camelCase).
 */
export interface NAdamState {
  step: number;
  /** Π_{i≤t} μ_i. */
  muProduct: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * One NAdam step (Dozat 2016, "Incorporating Nesterov Momentum into Adam", ICLR workshop; PyTorch's
 * algorithm):
 * ```
 * g ← ∇f(θ) (−g if maximize);  if λ ≠ 0: g ← g + λθ
 * μ_t = β₁(1 − ½·0.96^(tψ)),  μ_{t+1} = β₁(1 − ½·0.96^((t+1)ψ)),  P_t = Π_{i≤t} μ_i
 * m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  d = √(v/(1 − β₂ᵗ)) + ε
 * θ ← θ − γ(1 − μ_t)/(1 − P_t) · g/d − γμ_{t+1}/(1 − P_t μ_{t+1}) · m/d
 * ```
 */
export function nadamUpdate(param: Tensor, grad: Tensor, state: NAdamState | undefined, h: NAdamHyper): Update<NAdamState> {
  const [beta1, beta2] = h.betas;
  const step = (state?.step ?? 0) + 1;
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(param.mul(h.weightDecay));
  const mu = beta1 * (1 - 0.5 * Math.pow(0.96, step * h.momentumDecay));
  const muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (step + 1) * h.momentumDecay));
  const muProduct = (state?.muProduct ?? 1) * mu;
  const muProductNext = h.torch113MuProduct ? muProduct * mu * muNext : muProduct * muNext;
  const expAvg = (state?.expAvg ?? zerosLike(param)).mul(beta1).add(g.mul(1 - beta1));
  const expAvgSq = (state?.expAvgSq ?? zerosLike(param)).mul(beta2).add(g.mul(g).mul(1 - beta2));
  const denom = expAvgSq.div(1 - Math.pow(beta2, step)).sqrt().add(h.eps);
  const afterGrad = param.sub(g.div(denom).mul((h.lr * (1 - mu)) / (1 - muProduct)));
  const next = afterGrad.sub(expAvg.div(denom).mul((h.lr * muNext) / (1 - muProductNext)));
  return { param: next, state: { step, muProduct, expAvg, expAvgSq } };
}

/** NAdam (PyTorch's `torch.optim.NAdam`): lr 2e-3, betas (0.9, 0.999), eps 1e-8, momentumDecay 4e-3. */
export class NAdam extends Optimizer<NAdamHyper, NAdamState> {
  constructor(params: ParamsArg<NAdamHyper>, options: Partial<NAdamHyper> = {}) {
    const d: NAdamHyper = withDefaults("NAdam", {
      lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, torch113MuProduct: false, maximize: false,
    } as NAdamHyper, options);
    if (!(d.lr >= 0)) throw new Error(`NAdam: invalid learning rate ${d.lr}`);
    if (!(d.momentumDecay >= 0)) throw new Error(`NAdam: invalid momentumDecay ${d.momentumDecay}`);
    super(params, d);
  }
  protected updateGroup(group: ParamGroup<NAdamHyper>): void {
    this.updateEach(group, (p, g, s) => nadamUpdate(p, g, s, group));
  }
}

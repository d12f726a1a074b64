// Hypergradient descent (Baydin et al. 2018): SGD-HD and Adam-HD adapt the learning rate online by
// gradient descent on it, using the dot product of consecutive gradients / update directions.
import type { Tensor } from "../tensor/Tensor.js";
import { zerosLike } from "../ops/creation.js";
import { sum } from "../ops/reduce.js";
import { Optimizer, type ParamGroup, type ParamsArg, withDefaults } from "./Optimizer.js";

/**
 * The hyperparameters of {@link SGDHD} (hypergradient SGD, Baydin et al. 2018): the initial learning rate,
 * the hypergradient learning rate and L2 weight decay; the constructor takes any subset.
 */
export interface SGDHDHyper {
  /** α: the learning rate, itself updated every step. */
  lr: number;
  /** β: the hypergradient learning rate. */
  hypergradLr: number;
  weightDecay: number;
}

/**
 * The per-parameter state of {@link SGDHD} and {@link AdamHD}: the step count, the previous update direction
 * and (Adam-HD only) the moment estimates.
 */
export interface HDState {
  step: number;
  /** u_{t−1} = −∂θ_{t−1}/∂α: the previous update direction (the previous gradient for SGD-HD). */
  direction: Tensor;
  expAvg?: Tensor;
  expAvgSq?: Tensor;
}

/** Result of a group-level hypergradient step: new parameters, states and learning rate. */
export interface GroupUpdate {
  params: Tensor[];
  states: HDState[];
  lr: number;
}

/** h_t = ∇f(θ_{t−1}) · u_{t−1} summed over the group (0 on the first step, where u₀ = 0). */
function hypergradient(grads: Tensor[], states: (HDState | undefined)[]): number {
  let h = 0;
  grads.forEach((g, i) => {
    const s = states[i];
    if (s !== undefined) h += sum(g.mul(s.direction)).item();
  });
  return h;
}

function withDecay(params: Tensor[], grads: Tensor[], weightDecay: number): Tensor[] {
  return weightDecay === 0 ? grads : grads.map((g, i) => g.add(params[i]!.mul(weightDecay)));
}

/**
 * One SGD-HD step over a group — Baydin, Cornish, Martínez Rubio, Schmidt & Wood (2018), "Online
 * Learning Rate Adaptation with Hypergradient Descent", ICLR, arXiv:1703.04782, §2.1:
 * ```
 * g_t = ∇f(θ_{t−1}) (+ λθ_{t−1})
 * α_t = α_{t−1} + β g_t·g_{t−1}          (g₀ = 0; the dot product runs over the whole group)
 * θ_t = θ_{t−1} − α_t g_t
 * ```
 */
export function sgdhdUpdate(params: Tensor[], grads: Tensor[], states: (HDState | undefined)[], h: SGDHDHyper): GroupUpdate {
  const gs = withDecay(params, grads, h.weightDecay);
  const lr = h.lr + h.hypergradLr * hypergradient(gs, states);
  return {
    params: params.map((p, i) => p.sub(gs[i]!.mul(lr))),
    states: gs.map((g, i) => ({ step: (states[i]?.step ?? 0) + 1, direction: g })),
    lr,
  };
}

/**
 * The hyperparameters of {@link AdamHD} (hypergradient Adam, Baydin et al. 2018): those of {@link SGDHDHyper}
 * plus Adam's betas and ε.
 */
export interface AdamHDHyper extends SGDHDHyper {
  betas: [number, number];
  eps: number;
}

/**
 * One Adam-HD step over a group (Baydin et al. 2018, §2.3 / Algorithm "Adam-HD"):
 * ```
 * g_t = ∇f(θ_{t−1}) (+ λθ_{t−1})
 * α_t = α_{t−1} + β g_t·u_{t−1},  u_{t−1} = m̂_{t−1}/(√v̂_{t−1} + ε)   (u₀ = 0)
 * m_t = β₁m_{t−1} + (1 − β₁)g_t;  v_t = β₂v_{t−1} + (1 − β₂)g_t²
 * m̂_t = m_t/(1 − β₁ᵗ);  v̂_t = v_t/(1 − β₂ᵗ);  u_t = m̂_t/(√v̂_t + ε)
 * θ_t = θ_{t−1} − α_t u_t
 * ```
 */
export function adamhdUpdate(params: Tensor[], grads: Tensor[], states: (HDState | undefined)[], h: AdamHDHyper): GroupUpdate {
  const [beta1, beta2] = h.betas;
  const gs = withDecay(params, grads, h.weightDecay);
  const lr = h.lr + h.hypergradLr * hypergradient(gs, states);
  const out: GroupUpdate = { params: [], states: [], lr };
  gs.forEach((g, i) => {
    const s = states[i];
    const step = (s?.step ?? 0) + 1;
    const expAvg = (s?.expAvg ?? zerosLike(g)).mul(beta1).add(g.mul(1 - beta1));
    const expAvgSq = (s?.expAvgSq ?? zerosLike(g)).mul(beta2).add(g.mul(g).mul(1 - beta2));
    const mHat = expAvg.div(1 - Math.pow(beta1, step));
    const vHat = expAvgSq.div(1 - Math.pow(beta2, step));
    const direction = mHat.div(vHat.sqrt().add(h.eps));
    out.params.push(params[i]!.sub(direction.mul(lr)));
    out.states.push({ step, direction, expAvg, expAvgSq });
  });
  return out;
}

/** Runs a group-level rule over the parameters that have gradients and stores the new learning rate. */
function applyGroup<H extends SGDHDHyper>(
  opt: Optimizer<H, HDState>,
  group: ParamGroup<H>,
  rule: (params: Tensor[], grads: Tensor[], states: (HDState | undefined)[], h: H) => GroupUpdate,
): void {
  const ps = group.params.filter((p) => p.grad !== null);
  if (ps.length === 0) return;
  const r = rule(ps.map((p) => p.detach()), ps.map((p) => p.grad!.detach()), ps.map((p) => opt.state.get(p)), group);
  ps.forEach((p, i) => {
    p.copy_(r.params[i]!);
    opt.state.set(p, r.states[i]!);
  });
  group.lr = r.lr;
}

/** SGD with hypergradient descent on the learning rate (defaults lr 1e-3, hypergradLr 1e-3). */
export class SGDHD extends Optimizer<SGDHDHyper, HDState> {
  constructor(params: ParamsArg<SGDHDHyper>, options: Partial<SGDHDHyper> = {}) {
    const d: SGDHDHyper = withDefaults("SGDHD", { lr: 1e-3, hypergradLr: 1e-3, weightDecay: 0 } as SGDHDHyper, options);
    if (!(d.lr >= 0)) throw new Error(`SGDHD: invalid learning rate ${d.lr}`);
    if (!(d.hypergradLr >= 0)) throw new Error(`SGDHD: invalid hypergradLr ${d.hypergradLr}`);
    super(params, d);
  }
  protected updateGroup(group: ParamGroup<SGDHDHyper>): void {
    applyGroup(this, group, sgdhdUpdate);
  }
}

/** Adam with hypergradient descent on the learning rate (defaults lr 1e-3, hypergradLr 1e-7 as the paper). */
export class AdamHD extends Optimizer<AdamHDHyper, HDState> {
  constructor(params: ParamsArg<AdamHDHyper>, options: Partial<AdamHDHyper> = {}) {
    const d: AdamHDHyper = withDefaults("AdamHD", { lr: 1e-3, hypergradLr: 1e-7, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8 } as AdamHDHyper, options);
    if (!(d.lr >= 0)) throw new Error(`AdamHD: invalid learning rate ${d.lr}`);
    if (!(d.hypergradLr >= 0)) throw new Error(`AdamHD: invalid hypergradLr ${d.hypergradLr}`);
    super(params, d);
  }
  protected updateGroup(group: ParamGroup<AdamHDHyper>): void {
    applyGroup(this, group, adamhdUpdate);
  }
}

// TRPO: trust-region policy optimization — the natural-gradient step F⁻¹g found by conjugate gradient on
// Fisher-vector products (Hessian-vector products of the mean KL, via the library's `hvp`), scaled to the
// KL radius δ and accepted by a backtracking line search (CleanRL-style: one file, top to bottom).
//
// Papers: Schulman et al. 2015, "Trust Region Policy Optimization", https://arxiv.org/abs/1502.05477
// (appendix C: conjugate gradient with Fisher-vector products, line search); Kakade 2001, "A Natural Policy
// Gradient". Critic and GAE as in Stable-Baselines3-contrib's TRPO.

import type { Env } from "../Env.js";
import { SyncVectorEnv } from "../vector.js";
import { Generator } from "../../random/Generator.js";
import { Adam } from "../../optim/Adam.js";
import { Linear } from "../../nn/Linear.js";
import { linear } from "../../nn/functional/layers.js";
import { noGrad } from "../../autograd/engine.js";
import { grad, hvp } from "../../autograd/functional.js";
import { cat } from "../../ops/movement.js";
import { tensor } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { RolloutBuffer } from "../RolloutBuffer.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { Actor, Critic, type PolicyOptions } from "./policies.js";
import type { ReturnCurve } from "./common.js";

/**
 * The hyperparameters of {@link trainTRPO} (Schulman et al. 2015): budget, parallel environments and rollout
 * length, discount and GAE λ, the KL radius, conjugate-gradient iterations and damping, the backtracking line
 * search, the critic's training, advantage normalization, network shape, seed and evaluation episodes.
 */
export interface TRPOConfig {
  totalTimesteps: number;
  numEnvs: number;
  numSteps: number;
  gamma: number;
  gaeLambda: number;
  /** δ: the trust region's radius in mean KL(π_old ‖ π_new). */
  maxKl: number;
  /** Conjugate-gradient iterations for F x = g. */
  cgIters: number;
  /** Added to F (F + λI) for a well-conditioned solve. */
  cgDamping: number;
  /** Backtracking: step fractions 1, β, β², … up to this many tries. */
  lineSearchSteps: number;
  lineSearchShrink: number;
  /** Critic: Adam learning rate, epochs and minibatches per iteration. */
  criticLearningRate: number;
  criticEpochs: number;
  criticMinibatches: number;
  normAdv: boolean;
  hidden: number[];
  activation: "tanh" | "relu";
  seed: number;
  evalEpisodes: number;
}

/** The defaults of {@link trainTRPO}'s {@link TRPOConfig}. */
export const trpoDefaults: TRPOConfig = {
  totalTimesteps: 200_000,
  numEnvs: 2,
  numSteps: 512,
  gamma: 0.99,
  gaeLambda: 0.98,
  maxKl: 0.01,
  cgIters: 10,
  cgDamping: 0.1,
  lineSearchSteps: 10,
  lineSearchShrink: 0.8,
  criticLearningRate: 1e-3,
  criticEpochs: 10,
  criticMinibatches: 8,
  normAdv: true,
  hidden: [64, 64],
  activation: "tanh",
  seed: 1,
  evalEpisodes: 10,
};

/**
 * Solves A x = b for symmetric positive-definite A given only x ↦ A x (Hestenes–Stiefel conjugate gradient,
 * `iters` iterations or until the squared residual drops below `residualTol`).
 */
export function conjugateGradient(Avp: (v: Float64Array) => Float64Array, b: ArrayLike<number>, iters: number, residualTol = 1e-10): Float64Array {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  const dot = (u: Float64Array, v: Float64Array) => u.reduce((s, ui, i) => s + ui * v[i]!, 0);
  let rr = dot(r, r);
  for (let k = 0; k < iters && rr > residualTol; k++) {
    const Ap = Avp(p);
    const alpha = rr / dot(p, Ap);
    for (let i = 0; i < n; i++) {
      x[i] = x[i]! + alpha * p[i]!;
      r[i] = r[i]! - alpha * Ap[i]!;
    }
    const rrNew = dot(r, r);
    for (let i = 0; i < n; i++) p[i] = r[i]! + (rrNew / rr) * p[i]!;
    rr = rrNew;
  }
  return x;
}

/**
 * The actor as a function of one flat parameter vector θ (every Linear's weight and bias in order, then
 * log σ for Gaussian policies), so `grad` and `hvp` can differentiate with respect to θ.
 */
export class FlatPolicy {
  readonly layers: Linear[];
  readonly params: Tensor[];
  readonly size: number;

  constructor(readonly actor: Actor, readonly activation: "tanh" | "relu" = "tanh") {
    this.layers = [...actor.net.modules()].filter((m): m is Linear => m instanceof Linear);
    this.params = [...this.layers.flatMap((l) => [l.weight, l.bias!]), ...(actor.logStd ? [actor.logStd] : [])];
    this.size = this.params.reduce((s, p) => s + p.size, 0);
  }

  /** θ as a (P,) tensor of the parameters' current values (dtype of the parameters). */
  get(): Tensor {
    return noGrad(() => cat(this.params.map((p) => p.detach().reshape([-1]))));
  }

  /** Writes θ back into the actor's parameters. */
  set(theta: Tensor): void {
    let offset = 0;
    noGrad(() => {
      for (const p of this.params) {
        p.copy_(theta.narrow(0, offset, p.size).reshape(p.shape));
        offset += p.size;
      }
    });
  }

  /** Network outputs (logits or Gaussian means) and log σ (null for Discrete) as functions of θ. */
  forward(theta: Tensor, observations: Tensor): { out: Tensor; logStd: Tensor | null } {
    let offset = 0;
    const take = (shape: readonly number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const t = theta.narrow(0, offset, n).reshape(shape);
      offset += n;
      return t;
    };
    let h = observations;
    this.layers.forEach((layer, i) => {
      h = linear(h, take(layer.weight.shape), take(layer.bias!.shape)); // (N, out_i)
      if (i + 1 < this.layers.length) h = this.activation === "relu" ? h.relu() : h.tanh();
    });
    return { out: h, logStd: this.actor.logStd ? take(this.actor.logStd.shape) : null };
  }

  /** log π_θ(a | s), (N,). */
  logProb(theta: Tensor, observations: Tensor, actions: Tensor): Tensor {
    const { out, logStd } = this.forward(theta, observations);
    if (logStd === null) return out.logSoftmax(-1).gather(1, actions.unsqueeze(1)).squeeze(1);
    const z = actions.sub(out).mul(logStd.neg().exp()); // (N, d)
    return z.square().mul(-0.5).sub(logStd).sub(0.5 * Math.log(2 * Math.PI)).sum(1);
  }

  /**
   * θ ↦ mean over the observations of KL(π_old(·|s) ‖ π_θ(·|s)), π_old being the policy at `thetaOld`
   * (held constant). Its Hessian at θ_old is the Fisher information matrix.
   */
  meanKl(thetaOld: Tensor, observations: Tensor): (theta: Tensor) => Tensor {
    const old = noGrad(() => this.forward(thetaOld, observations));
    if (old.logStd === null) {
      const logPOld = old.out.logSoftmax(-1); // (N, A)
      const pOld = logPOld.exp();
      return (theta) => pOld.mul(logPOld.sub(this.forward(theta, observations).out.logSoftmax(-1))).sum(1).mean();
    }
    const varOld = old.logStd.mul(2).exp(); // (d,)
    return (theta) => {
      const { out: mu, logStd } = this.forward(theta, observations);
      // KL(N(μ₀, σ₀²) ‖ N(μ, σ²)) = log σ − log σ₀ + (σ₀² + (μ₀ − μ)²) / (2σ²) − ½, summed over action dims.
      const quad = old.out.sub(mu).square().add(varOld).div(logStd!.mul(2).exp().mul(2));
      return logStd!.sub(old.logStd!).add(quad).sub(0.5).sum(1).mean();
    };
  }
}

/**
 * What {@link trainTRPO} returns: the actor and critic, the deterministic policy as `act`, the training
 * return curve, the final evaluation, the environment steps taken, the wall-clock seconds and the mean KL of
 * each step.
 */
export interface TRPOResult {
  actor: Actor;
  critic: Critic;
  act: (observation: number[]) => number | number[];
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
  /** Mean KL of each accepted step (0 where the line search rejected every step). */
  stepKls: number[];
}

/** Trains TRPO on `numEnvs` copies of `makeEnv()` and evaluates the deterministic policy. Same config, same run. */
export function trainTRPO<Act extends number | number[]>(makeEnv: () => Env<number[], Act>, config: Partial<TRPOConfig> = {}, log: (line: string) => void = () => {}): TRPOResult {
  const cfg: TRPOConfig = { ...trpoDefaults, ...config };
  const start = performance.now();
  const envs = new SyncVectorEnv(Array.from({ length: cfg.numEnvs }, () => makeEnv), { autoresetMode: "same-step" });
  const rng = new Generator(cfg.seed);
  const netOptions: PolicyOptions = { hidden: cfg.hidden, activation: cfg.activation, orthogonal: true };
  const actor = new Actor("TRPO", envs.envs[0]! as Env<unknown, unknown>, netOptions, rng);
  const critic = new Critic(actor.observationSize, netOptions, rng);
  const criticOptimizer = new Adam(critic.parameters(), { lr: cfg.criticLearningRate });
  const policy = new FlatPolicy(actor, cfg.activation);
  const E = cfg.numEnvs;
  const T = cfg.numSteps;
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: E, observationSize: actor.observationSize, actionSize: actor.discrete ? 0 : actor.actionDim });
  const numUpdates = Math.floor(cfg.totalTimesteps / (E * T));

  const curve: ReturnCurve = { steps: [], returns: [] };
  const stepKls: number[] = [];
  const episodeReturns = new Array<number>(E).fill(0);
  let [obs] = envs.reset({ seed: cfg.seed });
  let globalStep = 0;
  for (let update = 0; update < numUpdates; update++) {
    // 1. Roll out (truncated episodes bootstrapped through the reward, as in PPO.ts).
    for (let t = 0; t < T; t++) {
      const { actions, logProbs } = actor.sample(obs, rng);
      const values = critic.values(obs);
      const [nextObs, rewards, terminated, truncated, infos] = envs.step(actions.map((a) => actor.clip(a)) as Act[]);
      globalStep += E;
      const cut = truncated.map((tr, e) => tr && !terminated[e]);
      const finalValues = cut.some((c) => c) ? critic.values(infos.map((info, e) => (cut[e] ? (info.finalObservation as number[]) : nextObs[e]!))) : null;
      for (let e = 0; e < E; e++) {
        buffer.store(t, e, obs[e]!, actions[e]!, logProbs[e]!, values[e]!, rewards[e]! + (cut[e] ? cfg.gamma * finalValues![e]! : 0), terminated[e]! || truncated[e]!);
        episodeReturns[e]! += rewards[e]!;
        if (terminated[e] || truncated[e]) {
          curve.steps.push(globalStep);
          curve.returns.push(episodeReturns[e]!);
          episodeReturns[e] = 0;
        }
      }
      obs = nextObs;
    }
    buffer.computeAdvantages(critic.values(obs), cfg.gamma, cfg.gaeLambda);
    const batch = buffer.batch();
    let advantages = batch.advantages;
    if (cfg.normAdv) advantages = advantages.sub(advantages.mean()).div(advantages.std().add(1e-8));

    // 2. Policy gradient g of the surrogate L(θ) = E[π_θ(a|s) / π_old(a|s) · Â] at θ_old.
    const thetaOld = policy.get();
    const surrogate = (theta: Tensor) => policy.logProb(theta, batch.observations, batch.actions).sub(batch.logProbs).exp().mul(advantages).mean();
    const g = Float64Array.from(grad(surrogate)(thetaOld).dataSync());
    const lossOld = noGrad(() => surrogate(thetaOld).item());

    // 3. Natural-gradient direction s ≈ F⁻¹ g by conjugate gradient; F v = ∇²KL v + λ v via hvp.
    const kl = policy.meanKl(thetaOld, batch.observations);
    const fisherVector = hvp(kl);
    const fvp = (v: Float64Array) => {
      const Fv = fisherVector(thetaOld, tensor(Float32Array.from(v))).dataSync();
      return Float64Array.from(Fv, (x, i) => x + cfg.cgDamping * v[i]!);
    };
    const s = conjugateGradient(fvp, g, cfg.cgIters);
    // 4. Largest step along s with ½ sᵀFs β² = δ, then backtrack until KL ≤ δ and the surrogate improves.
    const Fs = fvp(s);
    const shs = s.reduce((acc, si, i) => acc + si * Fs[i]!, 0);
    const stepScale = Math.sqrt((2 * cfg.maxKl) / Math.max(shs, 1e-12));
    let accepted = 0;
    for (let k = 0; k < cfg.lineSearchSteps; k++) {
      const frac = stepScale * cfg.lineSearchShrink ** k;
      const thetaNew = tensor(Float32Array.from(thetaOld.dataSync(), (x, i) => x + frac * s[i]!));
      const [lossNew, klNew] = noGrad(() => [surrogate(thetaNew).item(), kl(thetaNew).item()]);
      if (klNew <= cfg.maxKl && lossNew > lossOld) {
        policy.set(thetaNew);
        accepted = klNew;
        break;
      }
    }
    stepKls.push(accepted);

    // 5. Critic: regress V(s) onto the GAE returns with Adam minibatches.
    for (let epoch = 0; epoch < cfg.criticEpochs; epoch++) {
      for (const rows of buffer.minibatches(cfg.criticMinibatches, rng)) {
        const mb = buffer.batch(rows);
        const loss = critic.call(mb.observations).sub(mb.returns).square().mean();
        criticOptimizer.zeroGrad();
        loss.backward();
        criticOptimizer.step();
      }
    }
    if ((update + 1) % Math.max(1, Math.floor(numUpdates / 10)) === 0 && curve.returns.length > 0) {
      const recent = curve.returns.slice(-20);
      log(`TRPO step ${globalStep}: mean return of the last ${recent.length} episodes ${(recent.reduce((a, b) => a + b) / recent.length).toFixed(1)}`);
    }
  }
  envs.close();

  const act = (observation: number[]) => actor.actDeterministic(observation);
  const evaluation = evaluatePolicy(makeEnv(), act as (o: number[]) => Act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { actor, critic, act, curve, evaluation, envSteps: globalStep, seconds: (performance.now() - start) / 1000, stepKls };
}

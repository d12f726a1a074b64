// World-model MPC: an ensemble of MLPs learns (Δobservation, reward) from (observation, action) on real
// transitions; a cross-entropy-method planner chooses each action by imagined rollouts through the ensemble
// and executes the first action of the best plan (model-predictive control), re-planning every step.
//
// Papers: Chua et al. 2018, "Deep Reinforcement Learning in a Handful of Trials using Probabilistic Dynamics
// Models" (PETS: ensemble + CEM-MPC), https://arxiv.org/abs/1805.12114 ; Nagabandi et al. 2018, "Neural
// Network Dynamics for Model-Based Deep Reinforcement Learning with Model-Free Fine-Tuning" (normalized
// Δstate targets, MPC rollouts alternating with model re-fits), https://arxiv.org/abs/1708.02596 .
// The ensemble here is deterministic (mean-squared error per member, as Nagabandi et al.); each candidate
// plan is scored by its return averaged over the members (PETS' "expectation" over models).

import type { Env, Info, ResetOptions } from "../Env.js";
import { Wrapper } from "../wrappers.js";
import { Generator } from "../../random/Generator.js";
import { Module } from "../../nn/Module.js";
import { Parameter } from "../../nn/Parameter.js";
import { silu } from "../../nn/functional/activations.js";
import { mseLoss } from "../../nn/functional/losses.js";
import { Adam } from "../../optim/Adam.js";
import { noGrad } from "../../autograd/engine.js";
import { matmul } from "../../ops/linalg.js";
import { cat } from "../../ops/movement.js";
import { rand, tensor, zeros } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { CrossEntropyMethod } from "../../optimize/CrossEntropyMethod.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { continuousSpaces } from "./continuous.js";
import type { ReturnCurve } from "./common.js";

/**
 * One linear layer per ensemble member, applied to all members at once: x (E, N, in) → x·W_e + b_e, (E, N, out).
 * Each member's weights start as PyTorch's `nn.Linear` default, U(−1/√in, 1/√in).
 */
export class EnsembleLinear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;
  constructor(readonly ensembleSize: number, readonly inFeatures: number, readonly outFeatures: number, generator: Generator) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = new Parameter(rand([ensembleSize, inFeatures, outFeatures], { generator }).mul(2 * bound).sub(bound));
    this.bias = new Parameter(rand([ensembleSize, 1, outFeatures], { generator }).mul(2 * bound).sub(bound));
  }
  forward(x: Tensor): Tensor {
    return matmul(x, this.weight).add(this.bias); // (E, N, out)
  }
  override extraRepr(): string {
    return `ensemble_size=${this.ensembleSize}, in_features=${this.inFeatures}, out_features=${this.outFeatures}`;
  }
}

/**
 * A model of the environment used for planning: one imagined step for a whole population of states.
 * `observations` is (P, ds) or (…, P, ds), `actions` (P, da) — one action per member of the population;
 * it returns the next observations (…, P, ds) and the rewards (…, P), where "…" may add model copies
 * (an ensemble returns (E, P, ds) and (E, P)).
 */
export interface DynamicsModel {
  step(observations: Tensor, actions: Tensor): { nextObservations: Tensor; rewards: Tensor };
}

/** Real transitions as rows: inputs [observation, action] and targets [Δobservation, reward], all float. */
export class TransitionData {
  readonly inputs: number[] = [];
  readonly targets: number[] = [];
  size = 0;
  constructor(readonly observationSize: number, readonly actionSize: number) {}
  add(observation: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObservation: ArrayLike<number>): void {
    for (let i = 0; i < this.observationSize; i++) this.inputs.push(observation[i]!);
    for (let i = 0; i < this.actionSize; i++) this.inputs.push(action[i]!);
    for (let i = 0; i < this.observationSize; i++) this.targets.push(nextObservation[i]! - observation[i]!);
    this.targets.push(reward);
    this.size++;
  }
}

/** Column means and standard deviations (floored at 1e-6) of a row-major (rows, cols) array. */
function columnStats(data: readonly number[], rows: number, cols: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float32Array(cols), std = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m += data[r * cols + c]!;
    m /= rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (data[r * cols + c]! - m) ** 2;
    mean[c] = m;
    std[c] = Math.max(Math.sqrt(v / rows), 1e-6);
  }
  return { mean, std };
}

/**
 * E MLPs (SiLU hidden layers, as PETS) predicting the normalized (Δobservation, reward) from the normalized
 * (observation, action). Normalization statistics come from the data of the last {@link fit} and are
 * buffers, saved with the weights.
 */
export class EnsembleDynamics extends Module implements DynamicsModel {
  readonly layers: EnsembleLinear[];
  inputMean: Tensor;
  inputStd: Tensor;
  outputMean: Tensor;
  outputStd: Tensor;
  /** Deal the rows of a planning batch to the members (see {@link step}) instead of giving every row to every member. */
  split = false;

  constructor(readonly observationSize: number, readonly actionSize: number, hidden: readonly number[], readonly ensembleSize: number, generator: Generator) {
    super();
    const sizes = [observationSize + actionSize, ...hidden, observationSize + 1];
    this.layers = sizes.slice(1).map((out, i) => new EnsembleLinear(ensembleSize, sizes[i]!, out, generator));
    this.inputMean = this.registerBuffer("inputMean", zeros([sizes[0]!]));
    this.inputStd = this.registerBuffer("inputStd", zeros([sizes[0]!]).add(1));
    this.outputMean = this.registerBuffer("outputMean", zeros([observationSize + 1]));
    this.outputStd = this.registerBuffer("outputStd", zeros([observationSize + 1]).add(1));
  }

  /** Normalized inputs (E, N, ds + da) → normalized targets (E, N, ds + 1). */
  forward(x: Tensor): Tensor {
    let h = x;
    this.layers.forEach((layer, i) => {
      h = layer.call(h);
      if (i + 1 < this.layers.length) h = silu(h);
    });
    return h;
  }

  /**
   * One imagined step. observations (P, ds) or (E, P, ds), actions (P, da): every member predicts every row →
   * next observations (E, P, ds), rewards (E, P). With `split`, the P rows are dealt to the members instead
   * (rows e·P/E … (e+1)·P/E − 1 to member e; P a multiple of E): observations (P, ds) → (P, ds), rewards (P),
   * at the cost of one member — PETS' "TS∞" propagation with one particle per candidate.
   */
  step(observations: Tensor, actions: Tensor): { nextObservations: Tensor; rewards: Tensor } {
    const E = this.ensembleSize, P = actions.shape[0]!, ds = this.observationSize;
    if (this.split) {
      const { nextObservations, rewards } = this.predict(observations.reshape([E, P / E, ds]), actions.reshape([E, P / E, this.actionSize]));
      return { nextObservations: nextObservations.reshape([P, ds]), rewards: rewards.reshape([P]) };
    }
    const obs = observations.ndim === 2 ? observations.unsqueeze(0).expand([E, P, ds]) : observations;
    return this.predict(obs, actions.unsqueeze(0).expand([E, P, this.actionSize]));
  }

  /** Member e predicts row n of each: observations (E, N, ds), actions (E, N, da) → next observations (E, N, ds), rewards (E, N). */
  predict(observations: Tensor, actions: Tensor): { nextObservations: Tensor; rewards: Tensor } {
    const inputs = cat([observations, actions], 2).sub(this.inputMean).div(this.inputStd);
    const out = this.call(inputs).mul(this.outputStd).add(this.outputMean); // (E, N, ds + 1)
    return {
      nextObservations: observations.add(out.narrow(2, 0, this.observationSize)),
      rewards: out.select(2, this.observationSize),
    };
  }

  /**
   * Refits the normalization to all of `data`, then takes `steps` Adam steps on the mean-squared error of
   * the normalized targets; every member draws its own minibatch of `batchSize` rows (with replacement), so
   * the members see different data as well as starting from different weights. Returns the last loss.
   */
  fit(data: TransitionData, optimizer: Adam, steps: number, batchSize: number, generator: Generator): number {
    const inSize = this.observationSize + this.actionSize, outSize = this.observationSize + 1, E = this.ensembleSize;
    const inStats = columnStats(data.inputs, data.size, inSize), outStats = columnStats(data.targets, data.size, outSize);
    this.inputMean = this.registerBuffer("inputMean", tensor(inStats.mean));
    this.inputStd = this.registerBuffer("inputStd", tensor(inStats.std));
    this.outputMean = this.registerBuffer("outputMean", tensor(outStats.mean));
    this.outputStd = this.registerBuffer("outputStd", tensor(outStats.std));
    const x = new Float32Array(E * batchSize * inSize), y = new Float32Array(E * batchSize * outSize);
    let loss = NaN;
    for (let s = 0; s < steps; s++) {
      for (let row = 0; row < E * batchSize; row++) {
        const r = generator.randint(0, data.size);
        for (let c = 0; c < inSize; c++) x[row * inSize + c] = (data.inputs[r * inSize + c]! - inStats.mean[c]!) / inStats.std[c]!;
        for (let c = 0; c < outSize; c++) y[row * outSize + c] = (data.targets[r * outSize + c]! - outStats.mean[c]!) / outStats.std[c]!;
      }
      const lossT = mseLoss(this.call(tensor(x, { shape: [E, batchSize, inSize] })), tensor(y, { shape: [E, batchSize, outSize] }));
      optimizer.zeroGrad();
      lossT.backward();
      optimizer.step();
      loss = lossT.item();
    }
    return loss;
  }
}

/** Settings of {@link CEMPlanner}: the plan's length and the cross-entropy method's population, elite fraction, iterations and smoothing. */
export interface PlannerConfig {
  /** Planning horizon H: actions per imagined rollout. */
  horizon: number;
  /** Candidate action sequences per CEM iteration. */
  population: number;
  /** Fraction of the population kept as elite (refit of the sampling distribution). */
  eliteFraction: number;
  /** CEM iterations per real step. */
  iterations: number;
  /** CEM smoothing α: mean ← α·elite mean + (1 − α)·mean (PETS uses α = 0.9). */
  smoothing: number;
}

/**
 * Model-predictive control by the cross-entropy method (`optimize.CrossEntropyMethod` over H·da numbers,
 * samples clipped to the action box): each call scores `population` action sequences by their imagined
 * return under `model` (all of them as one batch per step; averaged over ensemble members), refits the
 * sampling distribution `iterations` times, executes the first action of the final mean, and keeps the
 * rest, shifted by one step, as the next call's starting mean (warm start). The sampling σ starts each
 * call at a quarter of the action range (PETS).
 */
export class CEMPlanner {
  private plan: Float64Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly center: number[];
  private readonly sigma0: number[];

  constructor(readonly model: DynamicsModel, readonly low: readonly number[], readonly high: readonly number[], readonly config: PlannerConfig, private readonly generator: Generator) {
    const H = config.horizon;
    this.center = low.map((l, i) => (l + high[i]!) / 2);
    this.sigma0 = low.map((l, i) => (high[i]! - l) / 4);
    this.lower = Float64Array.from({ length: H * low.length }, (_, k) => low[k % low.length]!);
    this.upper = Float64Array.from({ length: H * low.length }, (_, k) => high[k % low.length]!);
    this.plan = Float64Array.from({ length: H * low.length }, (_, k) => this.center[k % low.length]!);
  }

  /** Forgets the warm start (call at the start of an episode). */
  reset(): void {
    this.plan = Float64Array.from({ length: this.plan.length }, (_, k) => this.center[k % this.center.length]!);
  }

  /** Imagined returns Σ_t r_t of each action sequence (rows of H·da numbers) from `observation`, averaged over model copies. */
  imaginedReturns(observation: readonly number[], sequences: readonly Float64Array[]): Float64Array {
    const H = this.config.horizon, d = this.low.length, P = sequences.length;
    const timeMajor = new Float32Array(H * P * d);
    sequences.forEach((seq, p) => {
      for (let t = 0; t < H; t++) for (let k = 0; k < d; k++) timeMajor[(t * P + p) * d + k] = seq[t * d + k]!;
    });
    return noGrad(() => {
      const actions = tensor(timeMajor, { shape: [H, P, d] });
      let states = tensor(observation).unsqueeze(0).expand([P, observation.length]);
      let total: Tensor | null = null;
      for (let t = 0; t < H; t++) {
        const { nextObservations, rewards } = this.model.step(states, actions.select(0, t));
        total = total === null ? rewards : total.add(rewards);
        states = nextObservations;
      }
      return Float64Array.from(total!.reshape([-1, P]).mean(0).dataSync());
    });
  }

  /** Plans from `observation` and returns the first action. */
  act(observation: readonly number[]): number[] {
    const d = this.low.length, H = this.config.horizon;
    const cem = new CrossEntropyMethod(this.plan, {
      sigma0: Array.from({ length: H * d }, (_, k) => this.sigma0[k % d]!),
      popsize: this.config.population,
      eliteFraction: this.config.eliteFraction,
      smoothing: this.config.smoothing,
      lower: this.lower,
      upper: this.upper,
      seed: this.generator.randint(0, 2 ** 31 - 1),
    });
    for (let i = 0; i < this.config.iterations; i++) {
      const candidates = cem.ask();
      const returns = this.imaginedReturns(observation, candidates);
      cem.tell(returns.map((r) => -r)); // CEM minimizes
    }
    const mean = cem.mean;
    const action = Array.from(mean.subarray(0, d));
    this.plan = new Float64Array(H * d);
    this.plan.set(mean.subarray(d));
    for (let k = 0; k < d; k++) this.plan[(H - 1) * d + k] = this.center[k]!;
    return action;
  }
}

/** Forgets the planner's warm start whenever the env resets, so evaluation episodes do not inherit the last plan. */
class ResetPlanner extends Wrapper<number[], number[]> {
  constructor(env: Env<number[], number[]>, private readonly planner: CEMPlanner) {
    super(env);
  }
  override reset(options?: ResetOptions): [number[], Info] {
    this.planner.reset();
    return this.env.reset(options);
  }
}

/**
 * The hyperparameters of {@link trainWorldModelMPC}: real-step budget, random steps before the first fit,
 * the ensemble (members, hidden sizes, Adam learning rate, minibatch, gradient steps per fit, real steps
 * between fits), the CEM planner (see {@link PlannerConfig}), seed and evaluation episodes;
 * {@link worldModelMPCDefaults} holds the defaults.
 */
export interface WorldModelMPCConfig extends PlannerConfig {
  /** Real environment steps of training (random steps included). */
  totalTimesteps: number;
  /** Uniformly random actions before the first model fit. */
  randomSteps: number;
  ensembleSize: number;
  /**
   * Plan with each candidate rolled out by one member (candidates dealt evenly; `population` a multiple of
   * `ensembleSize`) rather than by every member with the returns averaged: E× cheaper per planning step.
   */
  splitCandidates: boolean;
  hidden: number[];
  learningRate: number;
  batchSize: number;
  /** Adam steps per model fit. */
  fitSteps: number;
  /** Real steps between model fits (the model is fitted after the random steps, then every `trainFrequency` steps, and after the last step). */
  trainFrequency: number;
  seed: number;
  evalEpisodes: number;
}

/**
 * Defaults sized for Pendulum-v1 and a small CPU budget: 5 members of 2×32 SiLU, every candidate scored by all
 * of them (dealing candidates to single members let one optimistic member pick the plan: early episodes spun
 * the pendulum); H = 25 (1.25 s), 100 candidates, 3 CEM iterations with 10 % elites; a fit of 500 Adam steps
 * after 400 random steps, then every episode (200 steps) and once more before evaluation; 1,200 real steps.
 */
export const worldModelMPCDefaults: WorldModelMPCConfig = {
  totalTimesteps: 1200,
  randomSteps: 400,
  ensembleSize: 5,
  splitCandidates: false,
  hidden: [32, 32],
  learningRate: 1e-3,
  batchSize: 64,
  fitSteps: 500,
  trainFrequency: 200,
  horizon: 25,
  population: 100,
  eliteFraction: 0.1,
  iterations: 3,
  smoothing: 0.9,
  seed: 1,
  evalEpisodes: 10,
};

/**
 * What {@link trainWorldModelMPC} returns: the fitted ensemble, the planner (its `act` is the MPC policy),
 * the training return curve, the final evaluation, the real environment steps taken, the wall-clock
 * seconds, and the last fit's training loss (normalized mean-squared error).
 */
export interface WorldModelMPCResult {
  model: EnsembleDynamics;
  planner: CEMPlanner;
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
  modelLoss: number;
}

/**
 * Trains a world model on `makeEnv()` (flat Box observations, bounded Box actions) and acts by CEM-MPC
 * through it; evaluates the MPC policy (which keeps planning with the final model) on a fresh environment.
 * Same config, same run.
 */
export function trainWorldModelMPC(makeEnv: () => Env<number[], number[]>, config: Partial<WorldModelMPCConfig> = {}, log: (line: string) => void = () => {}): WorldModelMPCResult {
  const cfg: WorldModelMPCConfig = { ...worldModelMPCDefaults, ...config };
  const start = performance.now();
  const env = makeEnv();
  const { observationSize, low, high } = continuousSpaces("WorldModelMPC", env as Env<unknown, unknown>);
  if (!(cfg.randomSteps >= 1 && cfg.randomSteps <= cfg.totalTimesteps)) {
    throw new Error(`WorldModelMPC: randomSteps (${cfg.randomSteps}) must be between 1 and totalTimesteps (${cfg.totalTimesteps}): the first model fit needs real data`);
  }
  const rng = new Generator(cfg.seed);
  env.actionSpace.seed(cfg.seed);
  if (cfg.splitCandidates && cfg.population % cfg.ensembleSize !== 0) {
    throw new Error(`WorldModelMPC: population (${cfg.population}) must be a multiple of ensembleSize (${cfg.ensembleSize}) to deal the candidates to the members (or set splitCandidates: false)`);
  }
  const model = new EnsembleDynamics(observationSize, low.length, cfg.hidden, cfg.ensembleSize, rng);
  model.split = cfg.splitCandidates;
  const optimizer = new Adam(model.parameters(), { lr: cfg.learningRate });
  const planner = new CEMPlanner(model, low, high, cfg, rng);
  const data = new TransitionData(observationSize, low.length);

  const curve: ReturnCurve = { steps: [], returns: [] };
  let modelLoss = NaN;
  let [obs] = env.reset({ seed: cfg.seed });
  let episodeReturn = 0;
  for (let step = 0; step < cfg.totalTimesteps; step++) {
    // 1. Fit the world model after the random steps, then every trainFrequency steps.
    if (step >= cfg.randomSteps && (step - cfg.randomSteps) % cfg.trainFrequency === 0) {
      modelLoss = model.fit(data, optimizer, cfg.fitSteps, cfg.batchSize, rng);
    }
    // 2. Act: uniformly random at first, then by CEM-MPC through the model.
    const action = step < cfg.randomSteps ? env.actionSpace.sample() : planner.act(obs);
    const [nextObs, reward, terminated, truncated] = env.step(action);
    data.add(obs, action, reward, nextObs);
    episodeReturn += reward;
    obs = nextObs;
    if (terminated || truncated) {
      curve.steps.push(step + 1);
      curve.returns.push(episodeReturn);
      log(`WorldModelMPC step ${step + 1}: episode return ${episodeReturn.toFixed(1)}, model loss ${modelLoss.toFixed(4)}`);
      episodeReturn = 0;
      [obs] = env.reset();
      planner.reset();
    }
  }
  env.close?.();
  // The last transitions join the model before it is evaluated.
  modelLoss = model.fit(data, optimizer, cfg.fitSteps, cfg.batchSize, rng);

  const evaluation = evaluatePolicy(new ResetPlanner(makeEnv(), planner), (observation: number[]) => planner.act(observation), { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { model, planner, curve, evaluation, envSteps: cfg.totalTimesteps, seconds: (performance.now() - start) / 1000, modelLoss };
}

// NFQ: neural fitted Q iteration. Keep every transition ever seen; each iteration, collect an episode with the
// greedy policy, recompute the targets r + γ max_a' Q(s', a') over the whole set, and refit the MLP on all of
// it by full-batch epochs (one file, top to bottom).
//
// Paper: Riedmiller 2005, "Neural Fitted Q Iteration – First Experiences with a Data Efficient Neural
// Reinforcement Learning Method", ECML, https://doi.org/10.1007/11564096_32 . Differences from the paper: the
// network has one output per action instead of the action as an input, and Adam replaces Rprop (both are
// full-batch here, as the paper's Rprop is); rewards are maximized instead of costs minimized.

import type { Env } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { Adam } from "../../optim/Adam.js";
import { mseLoss } from "../../nn/functional/losses.js";
import { noGrad } from "../../autograd/engine.js";
import { tensor } from "../../ops/creation.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { QNetwork, tdTargets } from "./DQN.js";
import { argmaxRows, discreteSpaces, observationBatch, type ReturnCurve } from "./common.js";

/** Hyperparameters of {@link trainNFQ}. */
export interface NFQConfig {
  /** NFQ iterations: each collects `episodesPerIteration` episodes, then refits on all transitions. */
  iterations: number;
  episodesPerIteration: number;
  /** Episodes with uniformly random actions before the first fit. */
  initialRandomEpisodes: number;
  /** ε of the ε-greedy collection policy (the paper collects greedily: 0). */
  epsilon: number;
  gamma: number;
  /** Hidden layer sizes of the Q-network (ReLU). */
  hidden: number[];
  learningRate: number;
  /** Full-batch epochs (optimizer steps on every transition) per iteration. */
  epochsPerIteration: number;
  /** Start every fit from fresh weights (Riedmiller's "from scratch") instead of the last fit's. */
  reinitialize: boolean;
  seed: number;
  /** Episodes of the final greedy evaluation (from seeds seed + 100,000, …). */
  evalEpisodes: number;
}

/** The defaults of {@link trainNFQ}. */
export const nfqDefaults: NFQConfig = {
  iterations: 50,
  episodesPerIteration: 1,
  initialRandomEpisodes: 10,
  epsilon: 0,
  gamma: 0.95,
  hidden: [64, 64],
  learningRate: 1e-3,
  epochsPerIteration: 200,
  reinitialize: false,
  seed: 1,
  evalEpisodes: 10,
};

/** What {@link trainNFQ} returns. */
export interface NFQResult {
  qNetwork: QNetwork;
  /** Greedy action for one observation. */
  act: (observation: number[]) => number;
  /** Returns of the collected episodes (random ones first). */
  curve: ReturnCurve;
  /** Mean-squared Bellman error of the last epoch of each iteration's fit. */
  fitLosses: number[];
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
}

/**
 * NFQ on `makeEnv()` (flat Box observations, Discrete actions); evaluates the greedy policy on a fresh
 * environment. Same config (seed included), same run.
 */
export function trainNFQ(makeEnv: () => Env<number[], number>, config: Partial<NFQConfig> = {}, log: (line: string) => void = () => {}): NFQResult {
  const cfg: NFQConfig = { ...nfqDefaults, ...config };
  const start = performance.now();
  const env = makeEnv();
  const [obsSize, numActions] = discreteSpaces("NFQ", env as Env<unknown, unknown>);
  const rng = new Generator(cfg.seed);
  env.actionSpace.seed(cfg.seed);
  let qNetwork = new QNetwork(obsSize, numActions, cfg.hidden, false, rng);
  let optimizer = new Adam(qNetwork.parameters(), { lr: cfg.learningRate });
  const greedy = (observation: number[]): number => noGrad(() => argmaxRows(qNetwork.call(observationBatch([observation], obsSize)).dataSync(), 1, numActions)[0]!);

  // The transition set D: every (s, a, r, s', terminated) collected so far.
  const observations: number[][] = [];
  const actions: number[] = [];
  const rewards: number[] = [];
  const nextObservations: number[][] = [];
  const terminals: number[] = [];
  const curve: ReturnCurve = { steps: [], returns: [] };
  let envSteps = 0;
  let episodes = 0;
  const collect = (policy: (o: number[]) => number) => {
    let [obs] = env.reset({ seed: cfg.seed + episodes++ });
    let episodeReturn = 0;
    for (;;) {
      const action = policy(obs);
      const [next, reward, terminated, truncated] = env.step(action);
      observations.push(obs);
      actions.push(action);
      rewards.push(reward);
      nextObservations.push(next);
      terminals.push(terminated ? 1 : 0); // a time-limit cut is not terminal: its s' is bootstrapped
      envSteps++;
      episodeReturn += reward;
      obs = next;
      if (terminated || truncated) break;
    }
    curve.steps.push(envSteps);
    curve.returns.push(episodeReturn);
  };

  // 1. Random exploration episodes.
  for (let e = 0; e < cfg.initialRandomEpisodes; e++) collect(() => env.actionSpace.sample());

  const fitLosses: number[] = [];
  for (let iteration = 0; iteration < cfg.iterations; iteration++) {
    // 2. Targets from the current Q over the whole set: y = r + γ (1 − terminated) max_a' Q(s', a').
    const n = actions.length;
    const states = observationBatch(observations, obsSize); // (n, obs)
    const actionIndex = tensor(Int32Array.from(actions), { shape: [n, 1] }); // (n, 1)
    const targets = noGrad(() =>
      tdTargets(tensor(Float32Array.from(rewards)), tensor(new Float32Array(n).fill(cfg.gamma)), tensor(Float32Array.from(terminals)), qNetwork.call(observationBatch(nextObservations, obsSize)), null),
    ); // (n,)

    // 3. Fit Q(s, a) to the targets by full-batch epochs (from fresh weights when `reinitialize`).
    if (cfg.reinitialize && iteration > 0) {
      qNetwork = new QNetwork(obsSize, numActions, cfg.hidden, false, rng);
      optimizer = new Adam(qNetwork.parameters(), { lr: cfg.learningRate });
    }
    let loss = 0;
    for (let epoch = 0; epoch < cfg.epochsPerIteration; epoch++) {
      const q = qNetwork.call(states).gather(1, actionIndex).squeeze(1); // (n,)
      const mse = mseLoss(q, targets);
      optimizer.zeroGrad();
      mse.backward();
      optimizer.step();
      loss = mse.item();
    }
    fitLosses.push(loss);

    // 4. Collect with the new greedy (ε-greedy) policy.
    for (let e = 0; e < cfg.episodesPerIteration; e++) collect((o) => (cfg.epsilon > 0 && rng.random() < cfg.epsilon ? env.actionSpace.sample() : greedy(o)));
    if ((iteration + 1) % Math.max(1, Math.floor(cfg.iterations / 10)) === 0) {
      log(`NFQ iteration ${iteration + 1}: ${n} transitions, fit loss ${loss.toFixed(4)}, last episode return ${curve.returns[curve.returns.length - 1]}`);
    }
  }
  env.close?.();

  // 5. Evaluate the greedy policy on a fresh environment with its own seeds.
  const act = greedy;
  const evaluation = evaluatePolicy(makeEnv(), act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { qNetwork, act, curve, fitLosses, evaluation, envSteps, seconds: (performance.now() - start) / 1000 };
}

// GAIL: generative adversarial imitation learning. A discriminator tells the expert's state-action pairs from
// the learner's; the learner is trained by PPO on a reward that is high where the discriminator mistakes it
// for the expert (one file, top to bottom).
//
// Paper: Ho & Ermon 2016, "Generative Adversarial Imitation Learning", https://arxiv.org/abs/1606.03476
// (Algorithm 1, with PPO in place of TRPO as in most later implementations). Here D(s, a) is the
// probability that (s, a) is the expert's, trained by logistic regression (expert 1, learner 0), and the
// learner's reward is −log(1 − D(s, a)) (= softplus of D's logit), or the logit log D − log(1 − D) (Fu et al.
// 2018, "Learning Robust Rewards with Adversarial Inverse Reinforcement Learning", https://arxiv.org/abs/1710.11248).
// On environments that end on failure the reward's sign matters (Kostrikov et al. 2019, "Discriminator-Actor-
// Critic", https://arxiv.org/abs/1809.02925): −log(1 − D) > 0 rewards surviving as such, which on CartPole
// alone teaches balancing; the logit can be negative and rewards imitation only.

import type { Env, Info, StepResult } from "../Env.js";
import { Wrapper } from "../wrappers.js";
import { Module } from "../../nn/Module.js";
import type { Sequential } from "../../nn/containers.js";
import { Adam } from "../../optim/Adam.js";
import { binaryCrossEntropyWithLogits } from "../../nn/functional/losses.js";
import { noGrad } from "../../autograd/engine.js";
import { ones, tensor, zeros } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/Tensor.js";
import type { Generator } from "../../random/Generator.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { trainPPO, ppoDefaults, type PPOConfig } from "../agents/PPO.js";
import type { Actor } from "../agents/policies.js";
import { mlp, type ReturnCurve } from "../agents/common.js";
import { checkImitationSpaces, collectDemonstrations, seededGenerator, type Demonstrations, type ExpertPolicy } from "./common.js";

/** Hyperparameters of {@link trainGAIL}: the learner's PPO settings plus the discriminator's. */
export interface GAILConfig {
  /** PPO's settings for the learner (its `seed` and `evalEpisodes` are this config's). */
  ppo: Partial<PPOConfig>;
  /** Expert labels: (observation, action) pairs of the expert's demonstrations. */
  labels: number;
  /** Hidden layer sizes of the discriminator MLP (tanh). */
  discriminatorHidden: number[];
  discriminatorLearningRate: number;
  /** Adam steps of the discriminator after each PPO rollout, each on the rollout's pairs and as many expert pairs. */
  discriminatorSteps: number;
  /** "gail": r = −log(1 − D(s, a)); "logit": r = log D(s, a) − log(1 − D(s, a)). */
  reward: "gail" | "logit";
  seed: number;
  /** Episodes of the final deterministic evaluation (from seeds seed + 100,000, …). */
  evalEpisodes: number;
}

/** The defaults of {@link trainGAIL}: PPO's defaults, 1,000 expert labels, a 64-64 discriminator with 5 Adam steps per rollout. */
export const gailDefaults: GAILConfig = {
  ppo: {},
  labels: 1000,
  discriminatorHidden: [64, 64],
  discriminatorLearningRate: 3e-4,
  discriminatorSteps: 5,
  reward: "gail",
  seed: 1,
  evalEpisodes: 10,
};

/** D(s, a) as a logit: an MLP on the observation concatenated with the one-hot action. */
export class Discriminator extends Module {
  readonly net: Sequential;
  readonly observationSize: number;
  readonly actionCount: number;

  constructor(observationSize: number, actionCount: number, hidden: number[], generator: Generator) {
    super();
    this.observationSize = observationSize;
    this.actionCount = actionCount;
    this.net = mlp([observationSize + actionCount, ...hidden, 1], generator, { activation: "tanh", orthogonal: true, outputGain: 1 });
  }

  /** Logits (N,) of (N, observationSize + actionCount) inputs. */
  forward(inputs: Tensor): Tensor {
    return this.net.call(inputs).squeeze(1);
  }

  /** The (N, observationSize + actionCount) input of N state-action pairs. */
  inputs(observations: readonly number[][], actions: readonly number[]): Tensor {
    const width = this.observationSize + this.actionCount;
    const data = new Float32Array(observations.length * width);
    observations.forEach((o, i) => {
      for (let k = 0; k < this.observationSize; k++) data[i * width + k] = o[k]!;
      data[i * width + this.observationSize + actions[i]!] = 1;
    });
    return tensor(data, { shape: [observations.length, width] });
  }

  /** The logit of one pair, as a number (no gradient). */
  logit(observation: number[], action: number): number {
    return noGrad(() => this.call(this.inputs([observation], [action])).item());
  }
}

/** softplus(x) = log(1 + eˣ), computed without overflow. */
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/**
 * Replaces the environment's reward by the discriminator's, records the learner's state-action pairs for the
 * next discriminator update, and keeps the true episode returns (the training curve).
 */
class DiscriminatorReward extends Wrapper<number[], number> {
  private observation: number[] = [];
  private trueReturn = 0;

  constructor(
    env: Env<number[], number>,
    private readonly discriminator: Discriminator,
    private readonly rewardKind: GAILConfig["reward"],
    private readonly pairs: Demonstrations,
    /** Shared by the training envs: steps taken by all of them, and the true returns of finished episodes; null for PPO's own evaluation env. */
    private readonly record: { steps: number; curve: ReturnCurve } | null,
  ) {
    super(env);
  }

  override reset(options?: Parameters<Env["reset"]>[0]): [number[], Info] {
    const [observation, info] = this.env.reset(options);
    this.observation = observation;
    this.trueReturn = 0;
    return [observation, info];
  }

  override step(action: number): StepResult<number[]> {
    const [next, reward, terminated, truncated, info] = this.env.step(action);
    const logit = this.discriminator.logit(this.observation, action);
    this.pairs.observations.push(this.observation);
    this.pairs.actions.push(action);
    this.observation = next;
    this.trueReturn += reward;
    if (this.record !== null) {
      this.record.steps++;
      if (terminated || truncated) {
        this.record.curve.steps.push(this.record.steps);
        this.record.curve.returns.push(this.trueReturn);
      }
    }
    // −log(1 − σ(l)) = softplus(l); log σ(l) − log(1 − σ(l)) = l.
    return [next, this.rewardKind === "gail" ? softplus(logit) : logit, terminated, truncated, info];
  }
}

/** What {@link trainGAIL} returns. */
export interface GAILResult {
  learner: Actor;
  discriminator: Discriminator;
  /** The learner's deterministic policy (most likely action). */
  act: ExpertPolicy;
  /** Expert labels used (the demonstrations' pairs). */
  labels: number;
  /** Mean discriminator loss (BCE, expert + learner terms) of each update, in order. */
  discriminatorLosses: number[];
  /** True (environment) returns of the learner's training episodes. */
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
}

/**
 * GAIL on `makeEnv()` (flat Box observations, Discrete actions): records `labels` expert pairs, then trains
 * the learner with PPO on the discriminator's reward while the discriminator is refit after every rollout.
 * The evaluation uses the true reward. Same config, same result.
 */
export function trainGAIL(makeEnv: () => Env<number[], number>, expert: ExpertPolicy, config: Partial<GAILConfig> = {}, log: (line: string) => void = () => {}): GAILResult {
  const cfg: GAILConfig = { ...gailDefaults, ...config };
  const start = performance.now();
  const env = makeEnv();
  const [observationSize, actionCount] = checkImitationSpaces("GAIL", env as Env<unknown, unknown>);
  const rng = seededGenerator("trainGAIL", cfg.seed);
  const discriminator = new Discriminator(observationSize, actionCount, cfg.discriminatorHidden, rng);
  const optimizer = new Adam(discriminator.parameters(), { lr: cfg.discriminatorLearningRate });

  // 1. Expert demonstrations.
  const demos = collectDemonstrations(env, expert, cfg.labels, cfg.seed);

  // 2. PPO on the discriminator's reward; after each rollout the discriminator learns to tell its pairs from the expert's.
  const learnerPairs: Demonstrations = { observations: [], actions: [] };
  const record = { steps: 0, curve: { steps: [], returns: [] } as ReturnCurve };
  const discriminatorLosses: number[] = [];
  const updateDiscriminator = () => {
    const n = learnerPairs.actions.length;
    const policyInputs = discriminator.inputs(learnerPairs.observations, learnerPairs.actions); // (n, obs + A)
    let total = 0;
    for (let step = 0; step < cfg.discriminatorSteps; step++) {
      const rows = Array.from({ length: n }, () => rng.randint(0, demos.actions.length));
      const expertInputs = discriminator.inputs(rows.map((r) => demos.observations[r]!), rows.map((r) => demos.actions[r]!)); // (n, obs + A)
      const expertLogits = discriminator.call(expertInputs);
      const policyLogits = discriminator.call(policyInputs);
      // −E_expert[log D] − E_learner[log(1 − D)]: logistic regression with the expert's pairs as class 1.
      const loss = binaryCrossEntropyWithLogits(expertLogits, ones([n])).add(binaryCrossEntropyWithLogits(policyLogits, zeros([n])));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      total += loss.item();
    }
    discriminatorLosses.push(total / cfg.discriminatorSteps);
    learnerPairs.observations.length = 0;
    learnerPairs.actions.length = 0;
  };
  const ppoConfig: PPOConfig = { ...ppoDefaults, ...cfg.ppo, seed: cfg.seed, evalEpisodes: 1 };
  // trainPPO makes its numEnvs training envs first, then one for its own (1-episode) evaluation, kept off the curve.
  let made = 0;
  const ppo = trainPPO(
    () => new DiscriminatorReward(makeEnv(), discriminator, cfg.reward, learnerPairs, made++ < ppoConfig.numEnvs ? record : null),
    ppoConfig,
    log,
    { afterRollout: updateDiscriminator },
  );

  // 3. Evaluate the learner's greedy policy on the true reward.
  const act: ExpertPolicy = (observation) => ppo.actor.actDeterministic(observation) as number;
  const evaluation = evaluatePolicy(env, act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { learner: ppo.actor, discriminator, act, labels: demos.actions.length, discriminatorLosses, curve: record.curve, evaluation, envSteps: ppo.envSteps + demos.actions.length, seconds: (performance.now() - start) / 1000 };
}

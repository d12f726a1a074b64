// Pieces behaviour cloning, DAgger and GAIL share: expert demonstrations, the learner's policy network and its
// supervised fit on (observation, expert action) pairs.

import type { Env } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { Adam } from "../../optim/Adam.js";
import { crossEntropy } from "../../nn/functional/losses.js";
import { tensor } from "../../ops/creation.js";
import { Actor, type PolicyOptions } from "../agents/policies.js";
import { discreteSpaces, observationBatch } from "../agents/common.js";
import { checkSeed } from "../seeding.js";

/** An expert (or any fixed policy) on flat observations with Discrete actions: observation → action index. */
export type ExpertPolicy = (observation: number[]) => number;

/** (observation, expert action) pairs: the labelled data of behaviour cloning and DAgger. */
export interface Demonstrations {
  observations: number[][];
  actions: number[];
}

/**
 * Checks that `env` suits an imitation learner with a categorical policy: a flat Box observation and a
 * Discrete(n) action space. Returns [observation size, action count]; anything else is an error naming
 * `agent` and the space.
 */
export function checkImitationSpaces(agent: string, env: Env<unknown, unknown>): [number, number] {
  return discreteSpaces(agent, env);
}

/**
 * Runs `expert` for whole episodes from `reset({ seed })`, `reset({ seed: seed + 1 })`, … and records every
 * (observation, action) pair until `labels` pairs are recorded (the last episode is cut there). Every pair
 * is one expert label: the expert chose that action in that state.
 */
export function collectDemonstrations(env: Env<number[], number>, expert: ExpertPolicy, labels: number, seed: number): Demonstrations & { episodes: number } {
  if (!Number.isInteger(labels) || labels < 1) throw new Error(`collectDemonstrations: labels must be a positive integer, got ${labels}`);
  checkSeed(seed, "collectDemonstrations");
  const data: Demonstrations = { observations: [], actions: [] };
  let episodes = 0;
  while (data.actions.length < labels) {
    let [obs] = env.reset({ seed: seed + episodes });
    episodes++;
    for (;;) {
      const action = expert(obs);
      data.observations.push(obs);
      data.actions.push(action);
      if (data.actions.length >= labels) break;
      const [next, , terminated, truncated] = env.step(action);
      if (terminated || truncated) break;
      obs = next;
    }
  }
  return { ...data, episodes };
}

/** Options of the learner's categorical policy network and its supervised fit (shared by BC and DAgger). */
export interface ClassifierConfig {
  /** Hidden layer sizes of the policy MLP. */
  hidden: number[];
  activation: "tanh" | "relu";
  learningRate: number;
  /** Minibatch size of the cross-entropy fit (the whole data set when it is smaller). */
  batchSize: number;
}

/** The learner: an {@link Actor} (categorical policy MLP, CleanRL's orthogonal init) for `env`. */
export function makeLearner(agent: string, env: Env<unknown, unknown>, config: ClassifierConfig, generator: Generator): Actor {
  checkImitationSpaces(agent, env);
  const options: PolicyOptions = { hidden: config.hidden, activation: config.activation, orthogonal: true };
  return new Actor(agent, env, options, generator);
}

/**
 * Fits the learner's logits to the expert's actions by `steps` Adam steps on cross-entropy over minibatches
 * drawn with `generator` (an optimizer kept across calls continues where the last call stopped). Returns the
 * minibatch losses.
 */
export function fitClassifier(learner: Actor, optimizer: Adam, data: Demonstrations, steps: number, batchSize: number, generator: Generator): number[] {
  const n = data.actions.length;
  if (n === 0) throw new Error("fitClassifier: no labelled pairs to fit");
  const losses: number[] = [];
  const size = Math.min(batchSize, n);
  for (let step = 0; step < steps; step++) {
    const rows = n <= batchSize ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: size }, () => generator.randint(0, n));
    const observations = observationBatch(rows.map((r) => data.observations[r]!), learner.observationSize); // (B, obs)
    const actions = tensor(Int32Array.from(rows, (r) => data.actions[r]!), { shape: [rows.length] }); // (B,)
    const loss = crossEntropy(learner.call(observations), actions);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

/** A fresh Adam for the learner's parameters. */
export function learnerOptimizer(learner: Actor, learningRate: number): Adam {
  return new Adam(learner.parameters(), { lr: learningRate });
}

/** The learner's deterministic policy (most likely action) as a plain function. */
export function greedyPolicy(learner: Actor): ExpertPolicy {
  return (observation) => learner.actDeterministic(observation) as number;
}

/** A fresh generator for `seed` (checked). */
export function seededGenerator(agent: string, seed: number): Generator {
  return new Generator(checkSeed(seed, agent));
}

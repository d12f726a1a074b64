// Imitation learning on CartPole-v1 from a hand-written expert (push toward the side the pole falls to:
// θ + 0.5 θ̇ > 0, which balances for all 500 steps): behaviour cloning, DAgger, GAIL, bad input.
import { describe, expect, it } from "vitest";
import { make } from "../../../src/rl/registry.js";
import type { Env } from "../../../src/rl/Env.js";
import { evaluatePolicy } from "../../../src/rl/evaluate.js";
import { trainBC } from "../../../src/rl/imitation/BC.js";
import { trainDAgger } from "../../../src/rl/imitation/DAgger.js";
import { trainGAIL } from "../../../src/rl/imitation/GAIL.js";
import { collectDemonstrations } from "../../../src/rl/imitation/common.js";
import { Generator } from "../../../src/random/Generator.js";

const cartPole = () => make("CartPole-v1") as Env<number[], number>;
const expert = (o: number[]) => (o[2]! + 0.5 * o[3]! > 0 ? 1 : 0);
const small = { hidden: [32, 32], evalEpisodes: 5 };

describe("the hand-written CartPole expert", () => {
  it("balances for the full 500 steps on 20 seeded episodes", () => {
    const r = evaluatePolicy(cartPole(), expert, { episodes: 20, seed: 100_000 });
    expect(r.returns.every((x) => x === 500)).toBe(true);
  });

  it("gives one label per step of its demonstrations, cutting the last episode at the budget", () => {
    const demos = collectDemonstrations(cartPole(), expert, 700, 3);
    expect(demos.actions.length).toBe(700);
    expect(demos.episodes).toBe(2); // a 500-step episode and 200 steps of the next
    demos.observations.forEach((o, i) => expect(demos.actions[i]).toBe(expert(o)));
  });
});

describe("behaviour cloning and DAgger", () => {
  it("BC reaches the expert's return (500) with 1,000 labels (two demonstrations)", () => {
    const bc = trainBC(cartPole, expert, { ...small, labels: 1000, steps: 1000, seed: 0 });
    expect(bc.labels).toBe(1000);
    expect(bc.evaluation.mean).toBeGreaterThanOrEqual(475);
  }, 60_000);

  it("DAgger reaches the expert's return with 200 labels, where BC with the same 200 labels does not", () => {
    const dagger = trainDAgger(cartPole, expert, { ...small, labels: 200, initialLabels: 20, labelEvery: 5, stepsPerRound: 300, seed: 0 });
    const bc = trainBC(cartPole, expert, { ...small, labels: 200, steps: 1000, seed: 0 });
    expect(dagger.labels).toBe(200);
    expect(dagger.data.actions.length).toBe(200);
    // Every aggregated label is the expert's action in that state, most of them in states the learner visited.
    dagger.data.observations.forEach((o, i) => expect(dagger.data.actions[i]).toBe(expert(o)));
    expect(dagger.rounds.length).toBeGreaterThan(2);
    expect(dagger.evaluation.mean).toBeGreaterThanOrEqual(475);
    expect(bc.evaluation.mean).toBeLessThan(475);
  }, 60_000);

  it("same seed, same learner", () => {
    const a = trainDAgger(cartPole, expert, { hidden: [8], labels: 60, initialLabels: 10, stepsPerRound: 20, evalEpisodes: 1, seed: 5 });
    const b = trainDAgger(cartPole, expert, { hidden: [8], labels: 60, initialLabels: 10, stepsPerRound: 20, evalEpisodes: 1, seed: 5 });
    expect(b.rounds).toEqual(a.rounds);
    const weights = (r: typeof a) => [...r.learner.parameters()].map((p) => p.toArray());
    expect(weights(b)).toEqual(weights(a));
  });
});

describe("GAIL", () => {
  it("its discriminator loss falls and it rates the expert's pairs above others; the learner's training returns rise (4,096 steps)", () => {
    const gail = trainGAIL(cartPole, expert, {
      ppo: { numEnvs: 4, numSteps: 128, totalTimesteps: 4096, updateEpochs: 10, hidden: [32, 32] },
      labels: 500,
      discriminatorSteps: 20,
      seed: 0,
      evalEpisodes: 1,
    });
    expect(gail.labels).toBe(500);
    const losses = gail.discriminatorLosses;
    expect(losses.length).toBe(8); // one discriminator update per PPO rollout
    expect(Math.min(...losses.slice(-4))).toBeLessThan(losses[0]! - 0.2);
    // D(s, a) is higher on the expert's demonstration (seed 0, its training data) than on a uniformly random policy's pairs.
    const rng = new Generator(3);
    const random = () => rng.randint(0, 2);
    const meanLogit = (policy: (o: number[]) => number) => {
      const pairs = collectDemonstrations(cartPole(), policy, 300, 0);
      return pairs.observations.reduce((s, o, i) => s + gail.discriminator.logit(o, pairs.actions[i]!), 0) / pairs.actions.length;
    };
    expect(meanLogit(expert)).toBeGreaterThan(meanLogit(random) + 0.5);
    // The true returns of the learner's training episodes (reward −log(1 − D) > 0 also pays for surviving).
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(gail.curve.returns.slice(-10))).toBeGreaterThan(1.25 * mean(gail.curve.returns.slice(0, 10)));
  }, 120_000);
});

describe("bad input", () => {
  it("names the agent and the unsupported space", () => {
    const pendulum = () => make("Pendulum-v1") as never;
    expect(() => trainBC(pendulum, expert, { labels: 10 })).toThrow(/^BC: unsupported action space Box\(.*\); BC needs a Discrete\(n\) action space starting at 0/);
    expect(() => trainDAgger(pendulum, expert, { labels: 10 })).toThrow(/^DAgger: unsupported action space Box\(/);
    expect(() => trainGAIL(pendulum, expert, { labels: 10 })).toThrow(/^GAIL: unsupported action space Box\(/);
    expect(() => trainBC(() => make("FrozenLake-v1") as never, expert, { labels: 10 })).toThrow(/^BC: unsupported observation space Discrete\(16\); BC needs a flat Box/);
    expect(() => trainDAgger(cartPole, expert, { labels: 0 })).toThrow(/^DAgger: labels must be a positive integer, got 0/);
    expect(() => trainBC(cartPole, expert, { labels: 2.5 })).toThrow(/labels must be a positive integer, got 2.5/);
  });
});

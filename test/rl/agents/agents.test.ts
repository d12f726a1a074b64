// Deep RL agents: log-probabilities against torch.distributions-style classes, seeding, option paths, bad input.
import { describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { make } from "../../../src/rl/registry.js";
import type { Env } from "../../../src/rl/Env.js";
import { Generator } from "../../../src/random/Generator.js";
import { trainDQN } from "../../../src/rl/agents/DQN.js";
import { trainPPO } from "../../../src/rl/agents/PPO.js";
import { trainA2C } from "../../../src/rl/agents/A2C.js";
import { trainREINFORCE } from "../../../src/rl/agents/REINFORCE.js";
import { Actor } from "../../../src/rl/agents/policies.js";

const cartPole = () => make("CartPole-v1") as Env<number[], number>;
const pendulum = () => make("Pendulum-v1") as Env<number[], number[]>;
const options = { hidden: [8, 8], activation: "tanh" as const, orthogonal: true };

describe("Actor log-probabilities and entropies", () => {
  it("equal distributions.Categorical's for Discrete actions", () => {
    const actor = new Actor("PPO", cartPole() as Env<unknown, unknown>, options, new Generator(0));
    const obs = ds.randn([5, 4], { generator: new Generator(1) });
    const actions = ds.tensor(Int32Array.from([0, 1, 1, 0, 1]));
    const { logProb, entropy } = actor.logProbAndEntropy(obs, actions);
    const dist = new ds.distributions.Categorical({ logits: actor.call(obs) });
    (logProb.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo((dist.logProb(actions).toArray() as number[])[i]!, 5));
    (entropy.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo((dist.entropy().toArray() as number[])[i]!, 5));
  });

  it("equal distributions.Normal's (summed over action dims) for Box actions, and sampled log-probabilities agree", () => {
    const actor = new Actor("PPO", pendulum() as Env<unknown, unknown>, options, new Generator(0));
    ds.noGrad(() => actor.logStd!.fill_(-0.7));
    const obs = [[0.1, 0.9, -2], [1, 0, 3], [-0.6, 0.8, 0.5]];
    const sampled = actor.sample(obs, new Generator(4));
    const obsT = ds.tensor(obs);
    const actT = ds.tensor(sampled.actions as number[][]);
    const { logProb, entropy } = actor.logProbAndEntropy(obsT, actT);
    const dist = new ds.distributions.Normal(actor.call(obsT), ds.tensor([Math.exp(-0.7)]));
    const expected = dist.logProb(actT).sum(1).toArray() as number[];
    (logProb.toArray() as number[]).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 5);
      expect(sampled.logProbs[i]).toBeCloseTo(expected[i]!, 5);
    });
    (entropy.toArray() as number[]).forEach((v) => expect(v).toBeCloseTo((dist.entropy().sum(1).toArray() as number[])[0]!, 5));
    expect(actor.clip([5])).toEqual([2]);
  });
});

describe("seeding", () => {
  it("the same seed gives the same DQN run (Double, dueling, 3-step, prioritized), another seed a different one", () => {
    const cfg = { totalTimesteps: 600, learningStarts: 200, batchSize: 32, trainFrequency: 50, gradientSteps: 4, hidden: [16, 16], doubleDqn: true, dueling: true, nStep: 3, prioritized: true, evalEpisodes: 2 };
    const a = trainDQN(cartPole, { ...cfg, seed: 5 });
    const b = trainDQN(cartPole, { ...cfg, seed: 5 });
    const c = trainDQN(cartPole, { ...cfg, seed: 6 });
    expect(a.gradientSteps).toBe(4 * 8);
    expect(b.curve).toEqual(a.curve);
    expect(b.evaluation).toEqual(a.evaluation);
    const weights = (r: typeof a) => [...r.qNetwork.parameters()].map((p) => Array.from(p.dataSync()));
    expect(weights(b)).toEqual(weights(a));
    expect(weights(c)).not.toEqual(weights(a));
  });

  it("the same seed gives the same PPO, A2C and REINFORCE runs", () => {
    const ppo = { totalTimesteps: 256, numEnvs: 2, numSteps: 64, numMinibatches: 2, updateEpochs: 2, hidden: [8], evalEpisodes: 1 };
    expect(trainPPO(cartPole, ppo).curve).toEqual(trainPPO(cartPole, ppo).curve);
    const a2c = { totalTimesteps: 400, hidden: [8], evalEpisodes: 1 };
    const [x, y] = [trainA2C(cartPole, a2c), trainA2C(cartPole, a2c)];
    expect(x.curve).toEqual(y.curve);
    expect(Array.from(x.actor.net.parameters()).map((p) => Array.from(p.dataSync()))).toEqual(Array.from(y.actor.net.parameters()).map((p) => Array.from(p.dataSync())));
    const rf = { totalTimesteps: 300, batchSteps: 100, hidden: [8], evalEpisodes: 1 };
    expect(trainREINFORCE(cartPole, rf).curve).toEqual(trainREINFORCE(cartPole, rf).curve);
  });
});

describe("continuous actions", () => {
  it("PPO and A2C train on Pendulum (Box actions) with raw Gaussian samples clipped at the env, finitely", () => {
    const r = trainPPO(pendulum, { totalTimesteps: 512, numEnvs: 2, numSteps: 128, numMinibatches: 4, updateEpochs: 2, evalEpisodes: 1 });
    expect(r.envSteps).toBe(512);
    expect(r.curve.returns).toHaveLength(2); // Pendulum truncates at 200 steps: each of the 2 envs ends one episode in its 256 steps
    expect(Number.isFinite(r.evaluation.mean)).toBe(true);
    const action = r.act([1, 0, 0]) as number[];
    expect(action).toHaveLength(1);
    expect(Math.abs(action[0]!)).toBeLessThanOrEqual(2);
    expect(Number.isFinite(trainA2C(pendulum, { totalTimesteps: 80, evalEpisodes: 1 }).evaluation.mean)).toBe(true);
  });

  it("PPO with normalizeObservations counts every observation the envs returned and acts on (o − μ) / √(σ² + 1e-8) clipped to ±10", () => {
    const r = trainPPO(pendulum, { totalTimesteps: 128, numEnvs: 2, numSteps: 64, numMinibatches: 2, updateEpochs: 1, evalEpisodes: 1, normalizeObservations: true });
    const stats = r.observationStats!;
    // Gymnasium's RunningMeanStd starts from a pseudo-count of 1e-4; 2 reset observations + 2 × 64 step observations.
    expect(stats.count).toBeCloseTo(1e-4 + 130, 8);
    expect(Math.abs(stats.mean[0]!)).toBeLessThanOrEqual(1);
    const raw = [0.6, -0.8, 5];
    const normalized = raw.map((o, k) => Math.min(Math.max((o - stats.mean[k]!) / Math.sqrt(stats.var[k]! + 1e-8), -10), 10));
    expect(r.act(raw)).toEqual(r.actor.actDeterministic(normalized));
    expect(trainPPO(pendulum, { totalTimesteps: 128, numEnvs: 2, numSteps: 64, numMinibatches: 2, updateEpochs: 1, evalEpisodes: 1 }).observationStats).toBeNull();
  });
});

describe("bad input", () => {
  it("names the agent and the unsupported space", () => {
    expect(() => trainDQN(pendulum as never, { totalTimesteps: 10 })).toThrow(/^DQN: unsupported action space Box\(.*\); DQN needs a Discrete\(n\) action space starting at 0/);
    expect(() => trainDQN(() => make("FrozenLake-v1") as never, { totalTimesteps: 10 })).toThrow(/^DQN: unsupported observation space Discrete\(16\); DQN needs a flat Box/);
    expect(() => trainPPO(() => make("FrozenLake-v1") as never, { totalTimesteps: 10 })).toThrow(/^PPO: unsupported observation space Discrete\(16\)/);
    expect(() => trainA2C(() => make("Blackjack-v1") as never, { totalTimesteps: 10 })).toThrow(/^A2C: unsupported observation space/);
    expect(() => trainREINFORCE(() => make("FrozenLake-v1") as never, { totalTimesteps: 10 })).toThrow(/^REINFORCE: unsupported observation space Discrete\(16\)/);
  });

  it("DQN refuses learningStarts below the batch size (its buffer would be sampled before it holds a batch)", () => {
    expect(() => trainDQN(cartPole, { learningStarts: 10, batchSize: 64 })).toThrow(/^DQN: learningStarts \(10\) must be at least batchSize \(64\)/);
  });

  it("PPO refuses a rollout that does not split into equal minibatches", () => {
    expect(() => trainPPO(cartPole, { numEnvs: 3, numSteps: 5, numMinibatches: 4 })).toThrow(/^PPO: numEnvs · numSteps = 15 rows do not split into 4 equal minibatches/);
  });
});

describe("DQN targets", () => {
  it("DQN takes the target network's max; Double DQN evaluates the online network's argmax with the target network", async () => {
    const { tdTargets } = await import("../../../src/rl/agents/DQN.js");
    const rewards = ds.tensor([1, 0.5, -1]);
    const discounts = ds.tensor([0.9, 0.81, 0.9]); // the second is a 2-step transition
    const terminated = ds.tensor([0, 0, 1]);
    const nextTarget = ds.tensor([[2, 5], [4, 1], [10, 20]]);
    const nextOnline = ds.tensor([[3, 1], [0, 2], [0, 1]]);
    // DQN: 1 + .9·5, .5 + .81·4, −1 (terminal)
    (tdTargets(rewards, discounts, terminated, nextTarget, null).toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo([5.5, 3.74, -1][i]!, 6));
    // Double DQN: online argmax = [0, 1, 1] → target values [2, 1, ·]: 1 + .9·2, .5 + .81·1, −1
    (tdTargets(rewards, discounts, terminated, nextTarget, nextOnline).toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo([2.8, 1.31, -1][i]!, 6));
  });

  it("a dueling Q-network's mean over actions is its value head: mean_a Q(s, a) = V(s)", async () => {
    const { QNetwork } = await import("../../../src/rl/agents/DQN.js");
    const q = new QNetwork(4, 3, [8, 8], true, new Generator(0));
    const obs = ds.randn([5, 4], { generator: new Generator(1) });
    const features = q.trunk.call(obs).relu();
    const v = q.value!.call(features).toArray() as number[][];
    const qs = q.call(obs).toArray() as number[][];
    // mean over actions of Q equals V (Wang et al., eq. 9)
    qs.forEach((row, n) => expect(row.reduce((a, b) => a + b) / 3).toBeCloseTo(v[n]![0]!, 5));
  });
});

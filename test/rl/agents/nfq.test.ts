// NFQ (Riedmiller 2005) on CartPole-v1: data-efficient learning from a small, growing transition set; seeding; bad input.
import { describe, expect, it } from "vitest";
import { make } from "../../../src/rl/registry.js";
import type { Env } from "../../../src/rl/Env.js";
import { evaluatePolicy } from "../../../src/rl/evaluate.js";
import { trainNFQ } from "../../../src/rl/agents/NFQ.js";

const cartPole = () => make("CartPole-v1") as Env<number[], number>;

describe("NFQ", () => {
  it("learns CartPole-v1 to a greedy return ≥ 100 from 10 random and 10 greedy episodes (under 1,500 transitions)", () => {
    const r = trainNFQ(cartPole, { iterations: 10, epochsPerIteration: 100, hidden: [32, 32], seed: 0, evalEpisodes: 5 });
    expect(r.curve.returns.length).toBe(20);
    expect(r.envSteps).toBeLessThan(1500);
    expect(r.fitLosses.length).toBe(10);
    // A uniformly random policy lasts ≈ 22 steps on CartPole; the greedy NFQ policy several times longer.
    const env = cartPole();
    env.actionSpace.seed(0);
    const random = evaluatePolicy(env, () => env.actionSpace.sample(), { episodes: 20, seed: 100_000 });
    expect(random.mean).toBeLessThan(40);
    expect(r.evaluation.mean).toBeGreaterThanOrEqual(100);
  }, 120_000);

  it("same seed, same run", () => {
    const config = { iterations: 2, epochsPerIteration: 5, hidden: [8], initialRandomEpisodes: 2, seed: 3, evalEpisodes: 1 };
    const a = trainNFQ(cartPole, config);
    const b = trainNFQ(cartPole, config);
    expect(b.curve).toEqual(a.curve);
    expect(b.fitLosses).toEqual(a.fitLosses);
  });

  it("names the agent and the unsupported space", () => {
    expect(() => trainNFQ(() => make("Pendulum-v1") as never, { iterations: 1 })).toThrow(/^NFQ: unsupported action space Box\(.*\); NFQ needs a Discrete\(n\) action space starting at 0/);
    expect(() => trainNFQ(() => make("FrozenLake-v1") as never, { iterations: 1 })).toThrow(/^NFQ: unsupported observation space Discrete\(16\)/);
  });
});

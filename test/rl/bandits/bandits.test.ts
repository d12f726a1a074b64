// Bandit learners and the 10-armed testbed against Sutton & Barto, Reinforcement Learning: An Introduction, 2nd ed. (2018), Chapter 2.
import { describe, expect, it } from "vitest";
import { Generator } from "../../../src/random/Generator.js";
import { argmaxTiesRandom } from "../../../src/rl/bandits/BanditAgent.js";
import { EpsilonGreedy } from "../../../src/rl/bandits/EpsilonGreedy.js";
import { GradientBandit } from "../../../src/rl/bandits/GradientBandit.js";
import { runTestbed } from "../../../src/rl/bandits/testbed.js";
import { UCB } from "../../../src/rl/bandits/UCB.js";

const windowMean = (xs: number[], from: number, to: number): number => xs.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);

// 400 runs instead of the book's 2000. Over steps 900..999 the run-to-run spread of the mean reward is
// about 0.4–0.7 (it is dominated by which arm each run settles on), so its standard error is ≤ 0.035;
// a fraction of optimal actions near p has standard error sqrt(p(1 − p)/400) ≤ 0.025. The bands
// below are the book's plotted levels ± about 3 standard errors (plus reading the plot to ±0.03).
const RUNS = 400;

describe("10-armed testbed", () => {
  const main = runTestbed({
    runs: RUNS,
    seed: 1,
    agents: {
      greedy: EpsilonGreedy.factory({ epsilon: 0 }),
      eps001: EpsilonGreedy.factory({ epsilon: 0.01 }),
      eps01: EpsilonGreedy.factory({ epsilon: 0.1 }),
      ucb: UCB.factory({ c: 2 }),
      optimistic: EpsilonGreedy.factory({ epsilon: 0, initialValue: 5, alpha: 0.1 }),
      realistic: EpsilonGreedy.factory({ epsilon: 0.1, initialValue: 0, alpha: 0.1 }),
    },
  });
  const late = (name: string, curve: "averageReward" | "optimalFraction", from = 900): number => windowMean(main[name]![curve], from, 1000);

  it("Figure 2.2: ε = 0.1 beats ε = 0.01 beats greedy, at about the book's levels after 1000 steps", () => {
    expect(late("eps01", "averageReward", 500)).toBeGreaterThan(late("eps001", "averageReward", 500));
    expect(late("eps001", "averageReward", 500)).toBeGreaterThan(late("greedy", "averageReward", 500));
    // Average reward: greedy levels off near 1.0, ε = 0.1 near 1.35 (the best possible is ≈ 1.54).
    expect(late("greedy", "averageReward")).toBeGreaterThan(0.9);
    expect(late("greedy", "averageReward")).toBeLessThan(1.12);
    expect(late("eps01", "averageReward")).toBeGreaterThan(1.25);
    expect(late("eps01", "averageReward")).toBeLessThan(1.45);
    // % optimal action: greedy ≈ 1/3, ε = 0.1 ≈ 80%, ε = 0.01 in between (≈ 55%) and still rising.
    expect(late("greedy", "optimalFraction")).toBeGreaterThan(0.27);
    expect(late("greedy", "optimalFraction")).toBeLessThan(0.45);
    expect(late("eps01", "optimalFraction")).toBeGreaterThan(0.72);
    expect(late("eps01", "optimalFraction")).toBeLessThan(0.88);
    expect(late("eps001", "optimalFraction")).toBeGreaterThan(late("greedy", "optimalFraction"));
    expect(late("eps001", "optimalFraction")).toBeLessThan(late("eps01", "optimalFraction"));
  });

  it("Figure 2.3: optimistic greedy (Q1 = 5) spikes early and ends with more optimal actions than realistic ε-greedy", () => {
    // The spike: after trying all 10 arms, step 11 picks the best-looking arm, optimal in ≈ 40% of runs.
    expect(main["optimistic"]!.optimalFraction[10]!).toBeGreaterThan(main["realistic"]!.optimalFraction[10]! + 0.05);
    expect(late("optimistic", "optimalFraction", 500)).toBeGreaterThan(late("realistic", "optimalFraction", 500));
  });

  it("Figure 2.4: UCB with c = 2 earns more than ε-greedy with ε = 0.1", () => {
    expect(late("ucb", "averageReward", 500)).toBeGreaterThan(late("eps01", "averageReward", 500) + 0.05);
    // UCB tries each of the 10 arms once first, so its first 10 steps average ≈ E[q*] = 0.
    expect(Math.abs(windowMean(main["ucb"]!.averageReward, 0, 10))).toBeLessThan(0.1);
  });

  it("Figure 2.5: the gradient bandit (q* mean 4) does far better with a reward baseline", () => {
    const grad = runTestbed({
      runs: 200,
      seed: 2,
      bandit: { qMean: 4 },
      agents: {
        alpha01: GradientBandit.factory({ alpha: 0.1 }),
        alpha01NoBaseline: GradientBandit.factory({ alpha: 0.1, baseline: false }),
        alpha04: GradientBandit.factory({ alpha: 0.4 }),
        alpha04NoBaseline: GradientBandit.factory({ alpha: 0.4, baseline: false }),
      },
    });
    const opt = (name: string): number => windowMean(grad[name]!.optimalFraction, 500, 1000);
    // Book: ≈ 80% and ≈ 70% with the baseline, ≈ 50% and ≈ 30% without.
    expect(opt("alpha01")).toBeGreaterThan(opt("alpha01NoBaseline") + 0.15);
    expect(opt("alpha04")).toBeGreaterThan(opt("alpha04NoBaseline") + 0.15);
    expect(opt("alpha01")).toBeGreaterThan(0.7);
  });
});

describe("bandit agents", () => {
  it("sample-average ε-greedy estimates are exactly the mean reward of each arm", () => {
    const agent = new EpsilonGreedy(3, new Generator(0), { epsilon: 1 });
    const rewards: number[][] = [[], [], []];
    const rng = new Generator(1);
    for (let t = 0; t < 200; t++) {
      const a = agent.select();
      const r = rng.normal(a, 1);
      rewards[a]!.push(r);
      agent.update(a, r);
    }
    rewards.forEach((rs, a) => expect(agent.values[a]).toBeCloseTo(rs.reduce((x, y) => x + y, 0) / rs.length, 12));
  });

  it("constant-α estimates weight rewards exponentially: Q = (1−α)^n Q1 + Σ α(1−α)^(n−i) R_i (eq. 2.6)", () => {
    const alpha = 0.3;
    const agent = new EpsilonGreedy(1, new Generator(0), { alpha, initialValue: 2 });
    const rewards = [1, -1, 0.5, 3];
    for (const r of rewards) agent.update(0, r);
    const n = rewards.length;
    const expected = (1 - alpha) ** n * 2 + rewards.reduce((acc, r, i) => acc + alpha * (1 - alpha) ** (n - 1 - i) * r, 0);
    expect(agent.values[0]).toBeCloseTo(expected, 12);
  });

  it("UCB pulls every arm once before repeating any", () => {
    const agent = new UCB(5, new Generator(0));
    const seen = new Set<number>();
    for (let t = 0; t < 5; t++) {
      const a = agent.select();
      seen.add(a);
      agent.update(a, 0);
    }
    expect(seen.size).toBe(5);
  });

  it("gradient bandit: a reward above the baseline raises the chosen preference by α(R − R̄)(1 − π) and lowers the others by α(R − R̄)π", () => {
    const agent = new GradientBandit(4, new Generator(0), { alpha: 0.5, baseline: false });
    agent.update(2, 1); // π was uniform 1/4
    expect(agent.values).toEqual([-0.125, -0.125, 0.375, -0.125]);
    expect(agent.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("argmaxTiesRandom picks each tied arm about equally often", () => {
    const rng = new Generator(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[argmaxTiesRandom([1, 5, 5, 5], rng)]!++;
    expect(counts[0]).toBe(0);
    // Binomial(30000, 1/3): sd ≈ 82, allow 4 sd.
    for (const c of counts.slice(1)) expect(Math.abs(c - 10_000)).toBeLessThan(330);
  });

  it("rejects bad settings with clear errors", () => {
    expect(() => new EpsilonGreedy(3, new Generator(0), { epsilon: 2 })).toThrow(/epsilon must lie in \[0, 1\], got 2/);
    expect(() => runTestbed({ agents: {}, runs: 0 })).toThrow(/runs must be a positive integer, got 0/);
  });
});

// Running statistics against the direct formula; the normalization wrappers against Gymnasium 1.3 (fixture);
// evaluatePolicy's mean ± std against episodes rolled out by hand.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Env, Info, ResetOptions, StepResult } from "../../../src/rl/Env.js";
import { Box, Discrete } from "../../../src/rl/spaces.js";
import { NormalizeObservation, NormalizeReward, RunningMeanStd } from "../../../src/rl/normalize.js";
import { evaluatePolicy } from "../../../src/rl/evaluate.js";
import { make } from "../../../src/rl/registry.js";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/rl/normalize_wrappers.json", import.meta.url), "utf8")) as {
  observations: number[][];
  rewards: number[];
  terminated: boolean[];
  normalizedObservations: number[][];
  normalizedRewards: number[];
};

/** The fixture script's environment: observation t, reward t and termination flag t in order; reset does not rewind. */
class Scripted implements Env<number[], number> {
  readonly observationSpace = new Box(-Infinity, Infinity, [3]);
  readonly actionSpace = new Discrete(2);
  private t = 0;
  reset(_options?: ResetOptions): [number[], Info] {
    return [fixture.observations[this.t]!, {}];
  }
  step(): StepResult<number[]> {
    const r = fixture.rewards[this.t]!;
    const term = fixture.terminated[this.t]!;
    this.t++;
    return [fixture.observations[this.t]!, r, term, false, {}];
  }
}

function run(env: Env<number[], number>): { obs: number[][]; rew: number[] } {
  const out = { obs: [env.reset()[0]], rew: [] as number[] };
  for (let t = 0; t < 11; t++) {
    if (t === 5) out.obs.push(env.reset()[0]);
    const [o, r] = env.step(0);
    out.obs.push(o);
    out.rew.push(r);
  }
  return out;
}

describe("RunningMeanStd", () => {
  it("equals the mean and population variance of the data plus Gymnasium's prior (weight ε, mean 0, variance 1), in any batching", () => {
    const data = [[1, 10], [2, -4], [7, 0.5], [-3, 2], [0.25, 8]];
    const eps = 1e-4;
    const n = data.length;
    for (let k = 0; k < 2; k++) {
      const xs = data.map((x) => x[k]!);
      const mean = xs.reduce((a, b) => a + b) / (n + eps);
      const m2 = eps * (1 + mean * mean) + xs.reduce((a, x) => a + (x - mean) ** 2, 0);
      for (const split of [[5], [1, 1, 1, 1, 1], [2, 3]]) {
        const rms = new RunningMeanStd(2, eps);
        let at = 0;
        for (const size of split) {
          rms.update(data.slice(at, at + size));
          at += size;
        }
        expect(rms.mean[k]).toBeCloseTo(mean, 12);
        expect(rms.var[k]).toBeCloseTo(m2 / (n + eps), 12);
        expect(rms.count).toBeCloseTo(n + eps, 12);
      }
    }
  });
});

describe("normalization wrappers (Gymnasium 1.3 fixture)", () => {
  it("NormalizeObservation matches gymnasium.wrappers.NormalizeObservation step by step (Gymnasium returns float32)", () => {
    const { obs } = run(new NormalizeObservation(new Scripted()));
    expect(obs).toHaveLength(fixture.normalizedObservations.length);
    obs.forEach((o, t) => o.forEach((v, k) => expect(v).toBeCloseTo(fixture.normalizedObservations[t]![k]!, 6)));
  });

  it("NormalizeReward matches gymnasium.wrappers.NormalizeReward (γ = 0.9), the return restarting after termination", () => {
    const { rew } = run(new NormalizeReward(new Scripted(), { gamma: 0.9 }));
    rew.forEach((r, t) => expect(r).toBeCloseTo(fixture.normalizedRewards[t]!, 10));
  });

  it("NormalizeObservation refuses a non-Box observation space", () => {
    expect(() => new NormalizeObservation(make("FrozenLake-v1") as unknown as Env<number[], number>)).toThrow(/NormalizeObservation: the observation space must be a Box, got Discrete\(16\)/);
  });
});

describe("evaluatePolicy", () => {
  it("reports the mean and population std of seeded episodes, each reset with seed + i", () => {
    const policy = (obs: number[]) => (obs[2]! + obs[3]! > 0 ? 1 : 0); // a decent hand-written CartPole controller
    const result = evaluatePolicy(make("CartPole-v1"), policy, { episodes: 4, seed: 10 });
    const env = make("CartPole-v1");
    const returns = [10, 11, 12, 13].map((seed) => {
      let [obs] = env.reset({ seed });
      let total = 0;
      for (let done = false; !done; ) {
        const [next, r, term, trunc] = env.step(policy(obs));
        total += r;
        obs = next;
        done = term || trunc;
      }
      return total;
    });
    expect(result.returns).toEqual(returns);
    const mean = returns.reduce((a, b) => a + b) / 4;
    expect(result.mean).toBeCloseTo(mean, 12);
    expect(result.std).toBeCloseTo(Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / 4), 12);
    expect(() => evaluatePolicy(make("CartPole-v1"), policy, { episodes: 0 })).toThrow(/evaluatePolicy: episodes must be a positive integer, got 0/);
  });
});

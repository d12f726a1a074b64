// DDPG, TD3 and SAC: the squashed-Gaussian log-density by the change of variables, Polyak updates, seeding,
// the bounded Box they need, and clear errors otherwise. Their Pendulum targets are run by the
// pendulum-ddpg/-td3/-sac experiments, not here (each needs ~20,000 gradient steps).
import { describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { make } from "../../../src/rl/registry.js";
import type { Env } from "../../../src/rl/Env.js";
import { Generator } from "../../../src/random/Generator.js";
import { trainDDPG } from "../../../src/rl/agents/DDPG.js";
import { trainTD3 } from "../../../src/rl/agents/TD3.js";
import { trainSAC, SquashedGaussianActor } from "../../../src/rl/agents/SAC.js";
import { ActionScale } from "../../../src/rl/agents/continuous.js";
import { softUpdate } from "../../../src/rl/agents/common.js";

const pendulum = () => make("Pendulum-v1") as Env<number[], number[]>;
const tiny = { totalTimesteps: 300, learningStarts: 100, batchSize: 32, hidden: [16, 16], evalEpisodes: 1 };

describe("SquashedGaussianActor", () => {
  it("log π(a|s) is the Gaussian log-density of u minus log |da/du| for a = c + w·tanh(u)", () => {
    const scale = new ActionScale([-2, 0], [2, 1]);
    const actor = new SquashedGaussianActor(3, scale, [8], new Generator(0));
    const obs = ds.randn([4, 3], { generator: new Generator(1) });
    const { action, logProb } = actor.sample(obs, new Generator(2));
    const h = actor.call(obs);
    const mu = actor.mean.call(h);
    const std = actor.logStd.call(h).tanh().add(1).mul(3.5).sub(5).exp();
    const a = action.toArray() as number[][];
    const w = [2, 0.5];
    const c = [0, 0.5];
    const expected = a.map((row, n) =>
      row.reduce((acc, ak, k) => {
        const y = (ak - c[k]!) / w[k]!;
        const u = Math.atanh(y);
        const normal = new ds.distributions.Normal(ds.tensor([(mu.toArray() as number[][])[n]![k]!]), ds.tensor([(std.toArray() as number[][])[n]![k]!]));
        return acc + (normal.logProb(ds.tensor([u])).toArray() as number[])[0]! - Math.log(w[k]! * (1 - y * y) + 1e-6);
      }, 0),
    );
    (logProb.toArray() as number[]).forEach((lp, n) => expect(lp).toBeCloseTo(expected[n]!, 3));
    for (const row of a) {
      expect(row[0]!).toBeGreaterThan(-2);
      expect(row[0]!).toBeLessThan(2);
      expect(row[1]!).toBeGreaterThan(0);
      expect(row[1]!).toBeLessThan(1);
    }
  });
});

describe("softUpdate", () => {
  it("moves the target τ of the way to the source", () => {
    const a = new ds.nn.Linear(2, 1);
    const b = new ds.nn.Linear(2, 1);
    const before = Array.from(a.weight.dataSync());
    const src = Array.from(b.weight.dataSync());
    softUpdate(a, b, 0.25);
    Array.from(a.weight.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(0.75 * before[i]! + 0.25 * src[i]!, 6));
  });
});

describe("DDPG, TD3, SAC", () => {
  const agents = { DDPG: trainDDPG, TD3: trainTD3, SAC: trainSAC };
  for (const [name, train] of Object.entries(agents)) {
    it(`${name}: the same seed gives the same run; actions stay inside Pendulum's Box`, () => {
      const a = train(pendulum, { ...tiny, seed: 3 });
      const b = train(pendulum, { ...tiny, seed: 3 });
      expect(b.curve).toEqual(a.curve);
      expect(b.evaluation).toEqual(a.evaluation);
      expect(a.curve.returns).toHaveLength(1); // one 200-step episode in 300 steps
      const act = a.act([1, 0, 0.5]);
      expect(act).toHaveLength(1);
      expect(Math.abs(act[0]!)).toBeLessThanOrEqual(2);
    });

    it(`${name}: names itself and the unsupported action space; refuses learningStarts below the batch`, () => {
      expect(() => train(() => make("CartPole-v1") as never, tiny)).toThrow(new RegExp(`^${name}: unsupported action space Discrete\\(2\\); ${name} needs a bounded flat Box`));
      expect(() => train(() => make("FrozenLake-v1") as never, tiny)).toThrow(new RegExp(`^${name}: unsupported observation space Discrete\\(16\\)`));
      expect(() => train(pendulum, { ...tiny, learningStarts: 10 })).toThrow(new RegExp(`^${name}: learningStarts \\(10\\) must be at least batchSize \\(32\\)`));
    });
  }

  it("SAC tunes α: it falls from 1 while the policy's entropy exceeds the target −dim(A)", () => {
    const r = trainSAC(pendulum, { ...tiny, totalTimesteps: 400 });
    expect(r.alpha).toBeLessThan(1);
    expect(r.alpha).toBeGreaterThan(0.5);
  });
});

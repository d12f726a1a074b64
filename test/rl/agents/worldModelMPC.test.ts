// World-model MPC: the ensemble learns a known linear system, the CEM planner swings Pendulum up when given
// the true dynamics as its model, same seed gives the same run, and unsupported spaces are clear errors.
// The ≥ −250 target within 5,000 real steps is run by `deepscript run pendulum-mpc`, not here.
import { describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { make } from "../../../src/rl/registry.js";
import type { Env } from "../../../src/rl/Env.js";
import { Generator } from "../../../src/random/Generator.js";
import { Adam } from "../../../src/optim/Adam.js";
import { CEMPlanner, EnsembleDynamics, TransitionData, trainWorldModelMPC, type DynamicsModel } from "../../../src/rl/agents/WorldModelMPC.js";

describe("EnsembleDynamics", () => {
  it("every member learns a linear system s' = A s + B a, r = w·s + v a to within 3 % of the targets' scale", () => {
    const A = [[0.9, 0.2], [-0.3, 1.1]], B = [0.5, -1], w = [1, -2], v = 0.5;
    const truth = (s: number[], a: number) => ({
      next: A.map((row, i) => row[0]! * s[0]! + row[1]! * s[1]! + B[i]! * a),
      reward: w[0]! * s[0]! + w[1]! * s[1]! + v * a,
    });
    const rng = new Generator(0);
    const data = new TransitionData(2, 1);
    for (let i = 0; i < 500; i++) {
      const s = [rng.uniform(-1, 1), rng.uniform(-1, 1)], a = rng.uniform(-1, 1);
      const { next, reward } = truth(s, a);
      data.add(s, [a], reward, next);
    }
    const model = new EnsembleDynamics(2, 1, [32, 32], 3, new Generator(1));
    model.fit(data, new Adam(model.parameters(), { lr: 3e-3 }), 400, 64, new Generator(2));

    // Held-out states and actions: all members' predictions (E, P, ·) against the true system.
    const P = 50;
    const states: number[][] = [], actions: number[] = [];
    for (let i = 0; i < P; i++) { states.push([rng.uniform(-1, 1), rng.uniform(-1, 1)]); actions.push(rng.uniform(-1, 1)); }
    const { nextObservations, rewards } = ds.noGrad(() => model.step(ds.tensor(states), ds.tensor(actions.map((a) => [a]))));
    expect(nextObservations.shape).toEqual([3, P, 2]);
    expect(rewards.shape).toEqual([3, P]);
    const next = nextObservations.toArray() as number[][][], r = rewards.toArray() as number[][];
    let worst = 0;
    for (let e = 0; e < 3; e++) {
      for (let p = 0; p < P; p++) {
        const t = truth(states[p]!, actions[p]!);
        worst = Math.max(worst, Math.abs(next[e]![p]![0]! - t.next[0]!), Math.abs(next[e]![p]![1]! - t.next[1]!), Math.abs(r[e]![p]! - t.reward) / 3);
      }
    }
    // The targets span about ±1.5 (states) and ±3.5 (reward, scaled by 1/3 above); an untrained net is off by ~1.
    expect(worst).toBeLessThan(0.05);
  }, 60_000);

  it("with split, deals the rows of a planning batch to the members: member e predicts rows e·P/E … (e+1)·P/E − 1", () => {
    const model = new EnsembleDynamics(3, 1, [8], 2, new Generator(4));
    const obs = ds.randn([6, 3], { generator: new Generator(5) }), act = ds.randn([6, 1], { generator: new Generator(6) });
    const all = ds.noGrad(() => model.step(obs, act)); // every member on every row: (2, 6, ·)
    model.split = true;
    const dealt = ds.noGrad(() => model.step(obs, act)); // (6, ·)
    expect(dealt.nextObservations.shape).toEqual([6, 3]);
    expect(dealt.rewards.shape).toEqual([6]);
    const allNext = all.nextObservations.toArray() as number[][][], allR = all.rewards.toArray() as number[][];
    const expectedNext = [0, 1, 2, 3, 4, 5].map((p) => allNext[Math.floor(p / 3)]![p]!);
    const expectedR = [0, 1, 2, 3, 4, 5].map((p) => allR[Math.floor(p / 3)]![p]!);
    (dealt.nextObservations.toArray() as number[][]).forEach((row, p) => row.forEach((v, k) => expect(v).toBeCloseTo(expectedNext[p]![k]!, 5)));
    (dealt.rewards.toArray() as number[]).forEach((v, p) => expect(v).toBeCloseTo(expectedR[p]!, 5));
  });
});

/** Pendulum-v1's dynamics and reward written from Gymnasium's pendulum.py, as a batched planning model. */
const truePendulum: DynamicsModel = {
  step(observations, actions) {
    const obs = observations.toArray() as number[][], u = (actions.toArray() as number[][]).map((a) => Math.min(Math.max(a[0]!, -2), 2));
    const next: number[][] = [], rewards: number[] = [];
    obs.forEach(([c, s, thDot], p) => {
      const th = Math.atan2(s!, c!);
      rewards.push(-(th * th + 0.1 * thDot! * thDot! + 0.001 * u[p]! * u[p]!));
      const newThDot = Math.min(Math.max(thDot! + (15 * Math.sin(th) + 3 * u[p]!) * 0.05, -8), 8);
      const newTh = th + newThDot * 0.05;
      next.push([Math.cos(newTh), Math.sin(newTh), newThDot]);
    });
    return { nextObservations: ds.tensor(next), rewards: ds.tensor(rewards) };
  },
};

describe("CEMPlanner", () => {
  it("with the true Pendulum dynamics as its model, swings the pendulum up from hanging at rest and holds it upright", () => {
    const env = make("Pendulum-v1") as Env<number[], number[]>;
    const planner = new CEMPlanner(truePendulum, [-2], [2], { horizon: 25, population: 100, eliteFraction: 0.1, iterations: 3, smoothing: 0.9 }, new Generator(0));
    let [obs] = env.reset({ options: { state: [Math.PI, 0] } });
    let total = 0;
    const angles: number[] = [];
    for (let t = 0; t < 100; t++) {
      const action = planner.act(obs);
      expect(Math.abs(action[0]!)).toBeLessThanOrEqual(2);
      const [next, reward] = env.step(action);
      total += reward;
      obs = next;
      angles.push(Math.atan2(obs[1]!, obs[0]!));
    }
    // Doing nothing leaves it hanging: 100 · (−π²) ≈ −987. A swing-up takes about 3 s (pumping with |u| ≤ 2).
    expect(total).toBeGreaterThan(-450);
    for (const th of angles.slice(-20)) expect(Math.abs(th)).toBeLessThan(0.15);
  }, 60_000);
});

describe("trainWorldModelMPC", () => {
  const tiny = { totalTimesteps: 60, randomSteps: 40, trainFrequency: 10, fitSteps: 5, ensembleSize: 2, hidden: [8], horizon: 4, population: 12, iterations: 2, evalEpisodes: 1 };
  const pendulum = () => make("Pendulum-v1", { maxEpisodeSteps: 20 }) as Env<number[], number[]>;

  it("is reproducible: the same seed gives the same returns and model", () => {
    const a = trainWorldModelMPC(pendulum, { ...tiny, seed: 3 });
    const b = trainWorldModelMPC(pendulum, { ...tiny, seed: 3 });
    expect(a.curve.returns).toEqual(b.curve.returns);
    expect(a.evaluation.returns).toEqual(b.evaluation.returns);
    expect(a.modelLoss).toBe(b.modelLoss);
    expect(a.curve.returns.length).toBe(3);
    expect(a.envSteps).toBe(60);
  });

  it("rejects a discrete action space, a budget without random steps or a population it cannot deal to the members, naming the agent and the space", () => {
    expect(() => trainWorldModelMPC(() => make("CartPole-v1") as unknown as Env<number[], number[]>, tiny)).toThrow(
      /WorldModelMPC: unsupported action space Discrete\(2\); WorldModelMPC needs a bounded flat Box of continuous actions/,
    );
    expect(() => trainWorldModelMPC(pendulum, { ...tiny, randomSteps: 0 })).toThrow(/WorldModelMPC: randomSteps \(0\) must be between 1 and totalTimesteps \(60\)/);
    expect(() => trainWorldModelMPC(pendulum, { ...tiny, population: 13, splitCandidates: true })).toThrow(/WorldModelMPC: population \(13\) must be a multiple of ensembleSize \(2\)/);
  });
});

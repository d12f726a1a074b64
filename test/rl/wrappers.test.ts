import { describe, expect, it } from "vitest";
import type { Env, Info, ResetOptions, StepResult } from "../../src/rl/Env.js";
import { Box, Discrete } from "../../src/rl/spaces.js";
import {
  ClipAction,
  RecordEpisodeStatistics,
  TimeLimit,
  TransformObservation,
  TransformReward,
  unwrapped,
} from "../../src/rl/wrappers.js";
import { SyncVectorEnv } from "../../src/rl/vector.js";
import { Pendulum } from "../../src/rl/envs/classic/Pendulum.js";
import { CartPole } from "../../src/rl/envs/classic/CartPole.js";

/**
 * A counter: observation = steps taken since reset (+ the reset option `start`); the reward of step t
 * (1-based) is t; terminates after `length` steps. Reset info says which reset this is.
 */
class Counter implements Env<number, number> {
  readonly id = "Counter-v0";
  readonly observationSpace = new Discrete(1000);
  readonly actionSpace = new Discrete(2);
  t = 0;
  resets = 0;
  actionsSeen: number[] = [];
  private done = true;
  constructor(readonly length: number) {}
  reset(options: ResetOptions = {}): [number, Info] {
    this.t = Number(options.options?.["start"] ?? 0);
    this.done = false;
    this.resets++;
    return [this.t, { reset: this.resets, seed: options.seed }];
  }
  step(action: number): StepResult<number> {
    if (this.done) throw new Error(`Counter-v0.step(${action}): episode over`);
    this.actionsSeen.push(action);
    this.t++;
    this.done = this.t >= this.length;
    return [this.t, this.t, this.done, false, { t: this.t }];
  }
}

describe("TimeLimit", () => {
  it("truncates on the step that reaches the limit and then refuses to step", () => {
    const env = new TimeLimit(new Counter(100), 3);
    env.reset();
    expect(env.step(0).slice(2, 4)).toEqual([false, false]);
    expect(env.step(0).slice(2, 4)).toEqual([false, false]);
    expect(env.step(0).slice(2, 4)).toEqual([false, true]);
    expect(() => env.step(1)).toThrow(/Counter-v0.step\(1\): the episode is over.*call reset\(\) first/);
    env.reset();
    expect(env.elapsedSteps).toBe(0);
    expect(env.step(0)[3]).toBe(false);
  });

  it("reports both terminated and truncated when the limit coincides with termination (as Gymnasium)", () => {
    const env = new TimeLimit(new Counter(2), 2);
    env.reset();
    env.step(0);
    expect(env.step(0).slice(2, 4)).toEqual([true, true]);
  });

  it("leaves episodes that terminate earlier untouched", () => {
    const env = new TimeLimit(new Counter(2), 5);
    env.reset();
    env.step(0);
    expect(env.step(0).slice(2, 4)).toEqual([true, false]);
    expect(() => env.step(0)).toThrow(/reset/);
  });

  it("rejects a non-positive limit and refuses to step before reset", () => {
    expect(() => new TimeLimit(new Counter(2), 0)).toThrow(/maxEpisodeSteps must be a positive integer, got 0/);
    expect(() => new TimeLimit(new Counter(2), 5).step(0)).toThrow(/reset/);
  });
});

describe("RecordEpisodeStatistics", () => {
  it("puts { r, l } into the info of the last step only", () => {
    // Rewards 1 + 2 + ... + n = n(n+1)/2.
    const env = new RecordEpisodeStatistics(new Counter(4));
    env.reset();
    for (let i = 0; i < 3; i++) expect(env.step(0)[4]["episode"]).toBeUndefined();
    const info = env.step(0)[4];
    expect(info["episode"]).toEqual({ r: 10, l: 4 });
    expect(info["t"]).toBe(4);
  });

  it("counts truncated episodes and keeps a bounded queue", () => {
    const env = new RecordEpisodeStatistics(new TimeLimit(new Counter(100), 2), { bufferLength: 2 });
    for (let ep = 0; ep < 3; ep++) {
      env.reset();
      env.step(0);
      expect(env.step(0)[4]["episode"]).toEqual({ r: 3, l: 2 });
    }
    expect(env.returnQueue).toEqual([3, 3]);
    expect(env.lengthQueue).toEqual([2, 2]);
  });
});

describe("TransformObservation / TransformReward", () => {
  it("applies the functions to reset and step outputs", () => {
    const base = new Counter(5);
    const env = new TransformReward(new TransformObservation(base, (o) => [o, -o], new Box(-1000, 1000, [2])), (r) => 10 * r);
    expect(env.reset()[0]).toEqual([0, -0]);
    const [obs, reward] = env.step(1);
    expect(obs).toEqual([1, -1]);
    expect(reward).toBe(10);
    expect(env.observationSpace.contains([1, -1])).toBe(true);
    expect(env.actionSpace).toBe(base.actionSpace);
    expect(unwrapped(env)).toBe(base);
  });
});

describe("ClipAction", () => {
  it("clips torques into Pendulum's [-2, 2] so an out-of-range action acts like the bound", () => {
    const clipped = new ClipAction(new Pendulum());
    const plain = new Pendulum();
    clipped.reset({ options: { state: [1, 0] } });
    plain.reset({ options: { state: [1, 0] } });
    expect(clipped.step([7])).toEqual(plain.step([2]));
    expect(() => plain.step([7])).toThrow(/Pendulum-v1.step: action \[7\] is not in Box\(-2, 2, \[1\]\)/);
    expect(clipped.actionSpace.contains([1e9])).toBe(true);
  });
});

describe("SyncVectorEnv", () => {
  it("next-step autoreset (Gymnasium 1.0): the step after an episode ends resets that sub-env only", () => {
    const vec = new SyncVectorEnv([() => new Counter(2), () => new Counter(3)]);
    const [obs0] = vec.reset({ seed: 5 });
    expect(obs0).toEqual([0, 0]);
    expect(vec.step([0, 0])).toEqual([[1, 1], [1, 1], [false, false], [false, false], [{ t: 1 }, { t: 1 }]]);
    // Env 0 terminates: its final observation 2 comes back.
    expect(vec.step([0, 0]).slice(0, 4)).toEqual([[2, 2], [2, 2], [true, false], [false, false]]);
    // Env 0 is reset now (action ignored, reward 0, flags false, reset info); env 1 terminates.
    const [obs, rewards, terminated, truncated, infos] = vec.step([1, 0]);
    expect(obs).toEqual([0, 3]);
    expect(rewards).toEqual([0, 3]);
    expect(terminated).toEqual([false, true]);
    expect(truncated).toEqual([false, false]);
    expect(infos[0]).toEqual({ reset: 2, seed: undefined });
    const envs = vec.envs as Counter[];
    expect(envs[0]!.actionsSeen).toEqual([0, 0]); // the action 1 sent during the autoreset was ignored
    expect(vec.step([1, 1]).slice(0, 3)).toEqual([[1, 0], [1, 0], [false, false]]);
  });

  it("same-step autoreset: the ending step returns the reset observation and keeps the final one in info", () => {
    const vec = new SyncVectorEnv([() => new Counter(2), () => new Counter(3)], { autoresetMode: "same-step" });
    vec.reset();
    vec.step([0, 0]);
    const [obs, rewards, terminated, , infos] = vec.step([0, 0]);
    expect(obs).toEqual([0, 2]);
    expect(rewards).toEqual([2, 2]);
    expect(terminated).toEqual([true, false]);
    expect(infos[0]).toEqual({ reset: 2, seed: undefined, finalObservation: 2, finalInfo: { t: 2 } });
    expect(vec.step([0, 0])[0]).toEqual([1, 0]); // env 1 ended on its 3rd step and was reset at once
  });

  it("seeds sub-env i with seed + i, or with the given list", () => {
    const vec = new SyncVectorEnv([0, 1, 2].map(() => () => new CartPole()));
    const [obs] = vec.reset({ seed: 10 });
    obs.forEach((o, i) => expect(o).toEqual(new CartPole().reset({ seed: 10 + i })[0]));
    const [again] = vec.reset({ seed: [12, 11, 10] });
    expect(again).toEqual([obs[2], obs[1], obs[0]]);
    expect(() => vec.reset({ seed: [1, 2] })).toThrow(/got 2 seeds for 3 environments/);
  });

  it("rejects a wrong number of actions and samples one action per sub-env", () => {
    const vec = new SyncVectorEnv([() => new CartPole(), () => new CartPole()]);
    vec.reset({ seed: 0 });
    expect(() => vec.step([0])).toThrow(/got 1 actions for 2 environments/);
    const actions = vec.actionSpace.sample();
    expect(actions.length).toBe(2);
    expect(vec.singleActionSpace.contains(actions[0])).toBe(true);
    expect(vec.step(actions)[0].length).toBe(2);
  });
});

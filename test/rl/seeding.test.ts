// Seeds and reset options are validated as Gymnasium validates them (np_random: non-negative integers),
// with errors naming the environment and the call.
import { describe, expect, it } from "vitest";
import * as rl from "../../src/rl/index.js";
import type { Env } from "../../src/rl/Env.js";

const ids = rl.registeredIds();

/** First observations of a seeded episode with a fixed action sequence. */
function rollout(env: Env<unknown, unknown>, seed: number): unknown[] {
  env.actionSpace.seed(7);
  const out: unknown[] = [env.reset({ seed })[0]];
  for (let t = 0; t < 5; t++) {
    const [obs, , terminated, truncated] = env.step(env.actionSpace.sample());
    out.push(obs);
    if (terminated || truncated) break;
  }
  return out;
}

describe("reset seeds", () => {
  it("covers every registered environment", () => {
    expect(ids).toEqual(expect.arrayContaining(["CartPole-v1", "MountainCar-v0", "Pendulum-v1", "FrozenLake-v1", "Blackjack-v1", "Bandit-v0", "JacksCarRental"]));
  });

  for (const id of ids) {
    it(`${id}.reset rejects negative, fractional, non-number and too-large seeds`, () => {
      const env = rl.make(id);
      const bad: unknown[] = [-1, -0.5, 1.5, NaN, Infinity, "1", 2 ** 32, 2 ** 53, 2 ** 64, 2 ** 64 + 2 ** 12];
      for (const seed of bad) {
        expect(() => env.reset({ seed: seed as number }), `seed ${String(seed)}`).toThrow(
          new RegExp(`^${id}\\.reset: seed must be an integer in \\[0, 2\\^32 − 1\\]`),
        );
      }
      // The largest accepted seed works and differs from seed 0 (a wrapped seed would not).
      expect(() => env.reset({ seed: 2 ** 32 - 1 })).not.toThrow();
      expect(() => env.reset({ seed: null as unknown as number })).not.toThrow(); // Gymnasium's seed=None: keep the stream
    });
  }

  it("a seed of 2^64 no longer replays seed 0's trajectory: it is refused", () => {
    const env = rl.make("CartPole-v1");
    const zero = rollout(env, 0);
    expect(rollout(env, 0)).toEqual(zero);
    expect(() => rollout(env, 2 ** 64)).toThrow(/CartPole-v1\.reset: seed must be an integer in \[0, 2\^32 − 1\].*got 18446744073709552000/);
    expect(rollout(env, 2 ** 32 - 1)).not.toEqual(zero);
  });

  it("rejects reset arguments that are not { seed, options }", () => {
    const env = rl.make("CartPole-v1");
    expect(() => env.reset(42 as unknown as rl.ResetOptions)).toThrow(/CartPole-v1\.reset: expected \{ seed\?, options\? \}, got 42/);
    expect(() => env.reset({ sed: 1 } as unknown as rl.ResetOptions)).toThrow(/CartPole-v1\.reset: unknown argument "sed"; reset takes \{ seed, options \}/);
    expect(() => env.reset({ options: [1] as unknown as Record<string, unknown> })).toThrow(/CartPole-v1\.reset: options must be an object/);
  });

  it("SyncVectorEnv.reset checks its seed before deriving seed + i", () => {
    const envs = new rl.SyncVectorEnv([() => rl.make("CartPole-v1"), () => rl.make("CartPole-v1")]);
    expect(() => envs.reset({ seed: -1 })).toThrow(/SyncVectorEnv\.reset: seed must be an integer in \[0, 2\^32 − 1\], got -1/);
    expect(() => envs.reset({ seed: [0, 2 ** 64] })).toThrow(/SyncVectorEnv\.reset: seed\[1\] must be an integer in \[0, 2\^32 − 1\]/);
  });
});

describe("space seeds", () => {
  const spaces = (): [string, rl.Space<unknown>][] => [
    ["Discrete", new rl.Discrete(3)],
    ["Box", new rl.Box(0, 1, [2])],
    ["MultiDiscrete", new rl.MultiDiscrete([2, 3])],
    ["Tuple", new rl.Tuple([new rl.Discrete(2), new rl.Discrete(3)])],
  ];
  for (const [name, space] of spaces()) {
    it(`${name}.seed rejects what Gymnasium's np_random rejects, and seeds that would wrap`, () => {
      for (const seed of [-1, 0.5, 2 ** 64]) {
        expect(() => space.seed(seed), `seed ${seed}`).toThrow(new RegExp(`^${name}\\.seed: seed must be an integer in \\[0, 2\\^32 − 1\\]`));
      }
      space.seed(2 ** 32 - 1);
    });
  }

  it("space constructors check their seed option", () => {
    expect(() => new rl.Discrete(3, { seed: -2 })).toThrow(/^Discrete: seed must be an integer in \[0, 2\^32 − 1\], got -2/);
    expect(() => new rl.Box(0, 1, [2], { seed: 2 ** 64 })).toThrow(/^Box: seed must be an integer/);
    expect(() => new rl.MultiDiscrete([2], { seed: 1.5 })).toThrow(/^MultiDiscrete: seed must be an integer/);
    expect(() => new rl.Tuple([new rl.Discrete(2)], { seed: -1 })).toThrow(/^Tuple: seed must be an integer/);
  });

  it("generateRandomMap checks its seed", () => {
    expect(() => rl.generateRandomMap(4, 0.8, -1)).toThrow(/^generateRandomMap: seed must be an integer in \[0, 2\^32 − 1\], got -1/);
  });
});

describe("reset options", () => {
  it("FrozenLake-v1 honours options.state (as the other tabular environments) and checks it", () => {
    for (const s of [0, 5, 14]) {
      const env = rl.make<number, number>("FrozenLake-v1");
      expect(env.reset({ seed: 1, options: { state: s } })[0]).toBe(s);
    }
    // Not slippery: from state 14, RIGHT enters the goal 15.
    const env = rl.make<number, number>("FrozenLake-v1", { isSlippery: false });
    env.reset({ options: { state: 14 } });
    expect(env.step(2).slice(0, 3)).toEqual([15, 1, true]);
    expect(() => env.reset({ options: { state: 16 } })).toThrow(/FrozenLake-v1\.reset: options\.state 16 is not in Discrete\(16\)/);
    expect(() => env.reset({ options: { state: 1.5 } })).toThrow(/FrozenLake-v1\.reset: options\.state 1\.5 is not in Discrete\(16\)/);
  });

  it("unknown option keys are errors that list what the environment honours", () => {
    expect(() => rl.make("FrozenLake-v1").reset({ options: { low: 0 } })).toThrow(
      /^FrozenLake-v1\.reset: unknown option "low"; FrozenLake-v1 honours: state$/,
    );
    expect(() => rl.make("Bandit-v0").reset({ options: { state: 0 } })).toThrow(/^Bandit-v0\.reset: unknown option "state"; Bandit-v0 takes no reset options$/);
    expect(() => rl.make("CartPole-v1").reset({ options: { x_init: 1 } })).toThrow(/^CartPole-v1\.reset: unknown option "x_init"; CartPole-v1 honours: state, low, high$/);
    expect(() => rl.make("Pendulum-v1").reset({ options: { low: 0 } })).toThrow(/^Pendulum-v1\.reset: unknown option "low"; Pendulum-v1 honours: state, xInit, yInit$/);
  });

  it("MountainCar-v0 refuses a state outside its observation space", () => {
    const env = rl.make<number[], number>("MountainCar-v0");
    for (const state of [[1.0, 0], [-1.3, 0], [0, 0.08], [0, -0.5]]) {
      expect(() => env.reset({ options: { state } }), JSON.stringify(state)).toThrow(
        /^MountainCar-v0\.reset: options\.state \[.*\] is outside the observation space Box\(\[-1\.2, -0\.07\], \[0\.6, 0\.07\], \[2\]\)/,
      );
    }
    expect(env.reset({ options: { state: [0.6, -0.07] } })[0]).toEqual([0.6, -0.07]);
  });

  it("CartPole-v1 and Pendulum-v1 refuse states outside their observation spaces", () => {
    expect(() => rl.make("CartPole-v1").reset({ options: { state: [5, 0, 0, 0] } })).toThrow(/^CartPole-v1\.reset: options\.state \[5, 0, 0, 0\] is outside the observation space/);
    expect(() => rl.make("CartPole-v1").reset({ options: { state: [0, 0, 0.5, 0] } })).toThrow(/^CartPole-v1\.reset: options\.state .* is outside/);
    expect(() => rl.make("Pendulum-v1").reset({ options: { state: [0, 9] } })).toThrow(/^Pendulum-v1\.reset: options\.state \[0, 9\] has θ̇ outside \[-8, 8\]/);
  });

  it("CartPole-v1 and MountainCar-v0 take Gymnasium's low/high sampling bounds", () => {
    // A degenerate interval pins every sampled component (uniform(low, high) with low = high is low).
    expect(rl.make("CartPole-v1").reset({ seed: 3, options: { low: 0.02, high: 0.02 } })[0]).toEqual([0.02, 0.02, 0.02, 0.02]);
    expect(rl.make("MountainCar-v0").reset({ seed: 3, options: { low: -0.5, high: -0.5 } })[0]).toEqual([-0.5, 0]);
    const cp = rl.make<number[], number>("CartPole-v1");
    for (let i = 0; i < 50; i++) {
      const [obs] = cp.reset(i === 0 ? { seed: 1, options: { low: -0.01, high: 0.01 } } : { options: { low: -0.01 } });
      const hi = i === 0 ? 0.01 : 0.05; // an omitted bound keeps its default (Gymnasium's maybe_parse_reset_bounds)
      expect(obs.every((v) => v >= -0.01 && v < hi)).toBe(true);
    }
    expect(() => cp.reset({ options: { low: 0.1, high: -0.1 } })).toThrow(/^CartPole-v1\.reset: options\.low \(0\.1\) must not exceed options\.high \(-0\.1\)/);
    expect(() => cp.reset({ options: { low: "a" } })).toThrow(/^CartPole-v1\.reset: options\.low must be a finite number, got "a"/);
    expect(() => cp.reset({ options: { low: -1, high: 1 } })).toThrow(/^CartPole-v1\.reset: options \[low, high\] = \[-1, 1\] would start outside the observation space/);
    expect(() => cp.reset({ options: { state: [0, 0, 0, 0], low: 0 } })).toThrow(/^CartPole-v1\.reset: options\.state cannot be combined with low\/high/);
    expect(() => rl.make("MountainCar-v0").reset({ options: { high: 0.7 } })).toThrow(/^MountainCar-v0\.reset: options \[low, high\] = \[-0\.6, 0\.7\] would start outside the observation space/);
  });

  it("Pendulum-v1 takes Gymnasium's x_init/y_init as xInit/yInit", () => {
    // θ ~ U(−xInit, xInit), θ̇ ~ U(−yInit, yInit): zero bounds give the upright rest state exactly.
    expect(rl.make("Pendulum-v1").reset({ seed: 2, options: { xInit: 0, yInit: 0 } })[0]).toEqual([1, 0, 0]);
    const env = rl.make<number[], number[]>("Pendulum-v1");
    env.reset({ seed: 4, options: { xInit: 0.1 } });
    const [th, thDot] = (rl.unwrapped(env) as rl.Pendulum).state as [number, number];
    expect(Math.abs(th) <= 0.1 && Math.abs(thDot) <= 1).toBe(true);
    expect(() => env.reset({ options: { yInit: 9 } })).toThrow(/^Pendulum-v1\.reset: options\.yInit must lie in \[0, 8\], got 9/);
    expect(() => env.reset({ options: { xInit: -1 } })).toThrow(/^Pendulum-v1\.reset: options\.xInit must be a non-negative finite number, got -1/);
  });
});

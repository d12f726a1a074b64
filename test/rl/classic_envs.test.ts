// Behaviour of the classic-control environments that the fixture trajectories do not cover:
// reset distributions, thresholds, options, analytic special cases and error messages.

import { describe, expect, it } from "vitest";
import { CartPole } from "../../src/rl/envs/classic/CartPole.js";
import { MountainCar } from "../../src/rl/envs/classic/MountainCar.js";
import { angleNormalize, Pendulum } from "../../src/rl/envs/classic/Pendulum.js";
import { make } from "../../src/rl/registry.js";
import type { Env } from "../../src/rl/Env.js";

function resets(build: () => { reset(o?: { seed?: number }): [number[], unknown] }, n: number): number[][] {
  const env = build();
  return Array.from({ length: n }, (_, i) => env.reset(i === 0 ? { seed: 1 } : {})[0]);
}

describe("CartPole-v1", () => {
  it("resets each component uniformly in [-0.05, 0.05) (mean 0, variance 0.1²/12)", () => {
    const starts = resets(() => new CartPole(), 4000);
    for (let j = 0; j < 4; j++) {
      const col = starts.map((s) => s[j]!);
      expect(Math.min(...col)).toBeGreaterThanOrEqual(-0.05);
      expect(Math.max(...col)).toBeLessThan(0.05);
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length;
      expect(Math.abs(m)).toBeLessThan((5 * 0.1) / Math.sqrt(12 * col.length));
      expect(Math.abs(v - 0.01 / 12) / (0.01 / 12)).toBeLessThan(0.1);
    }
  });

  it("gives the same episode for the same seed and another for another seed", () => {
    const episode = (seed: number): unknown[] => {
      const env = new CartPole();
      const out: unknown[] = [env.reset({ seed })[0]];
      for (let t = 0; t < 10; t++) out.push(env.step(t % 2));
      return out;
    };
    expect(episode(3)).toEqual(episode(3));
    expect(episode(3)).not.toEqual(episode(4));
  });

  it("terminates beyond 12 degrees or 2.4 m, with reward 1 on the terminating step", () => {
    const limit = (12 * 2 * Math.PI) / 360;
    const env = new CartPole();
    // Explicit Euler moves θ by τ·θ̇ = 0.02 with the old θ̇ = 1.
    env.reset({ options: { state: [0, 0, limit - 0.01, 1] } });
    expect(env.step(1).slice(1, 4)).toEqual([1, true, false]);
    env.reset({ options: { state: [0, 0, limit - 0.03, 1] } });
    expect(env.step(1).slice(1, 4)).toEqual([1, false, false]);
    env.reset({ options: { state: [2.39, 1, 0, 0] } });
    const [obs, reward, terminated] = env.step(0);
    expect(obs[0]).toBe(2.39 + 0.02 * 1);
    expect([reward, terminated]).toEqual([1, true]);
    expect(() => env.step(0)).toThrow("CartPole-v1.step(0): the episode is over (or was never started); call reset() first");
  });

  it("gives the Sutton–Barto reward (0 per step, -1 on failure) when asked", () => {
    const env = new CartPole({ suttonBartoReward: true });
    env.reset({ options: { state: [0, 0, 0.1, 0] } });
    expect(env.step(1)[1]).toBe(0);
    env.reset({ options: { state: [2.39, 1, 0, 0] } });
    expect(env.step(1)[1]).toBe(-1);
  });

  it("names the env and the action on invalid input", () => {
    const env = new CartPole();
    env.reset({ seed: 0 });
    expect(() => env.step(2)).toThrow("CartPole-v1.step: action 2 is not in Discrete(2)");
    expect(() => new CartPole().step(0)).toThrow(/call reset\(\) first/);
    expect(() => env.reset({ options: { state: [0, 0, 0] } })).toThrow(
      /CartPole-v1.reset: options.state must be 4 finite numbers \[x, xDot, theta, thetaDot\], got \[0,0,0\]/,
    );
  });
});

describe("MountainCar-v0", () => {
  it("resets the position uniformly in [-0.6, -0.4) with zero velocity", () => {
    const starts = resets(() => new MountainCar(), 3000);
    const pos = starts.map((s) => s[0]!);
    expect(starts.every((s) => s[1] === 0)).toBe(true);
    expect(Math.min(...pos)).toBeGreaterThanOrEqual(-0.6);
    expect(Math.max(...pos)).toBeLessThan(-0.4);
    const m = pos.reduce((a, b) => a + b, 0) / pos.length;
    expect(Math.abs(m + 0.5)).toBeLessThan((5 * 0.2) / Math.sqrt(12 * pos.length));
  });

  it("stays at rest at the valley bottom (cos(3·(-π/6)) = 0) when not accelerating", () => {
    const env = new MountainCar();
    env.reset({ options: { state: [-Math.PI / 6, 0] } });
    const [[p, v], reward] = env.step(1);
    expect(Math.abs(v)).toBeLessThan(1e-18);
    expect(Math.abs(p + Math.PI / 6)).toBeLessThan(1e-15);
    expect(reward).toBe(-1);
  });

  it("needs position >= 0.5 and velocity >= goalVelocity to terminate", () => {
    const fast = new MountainCar({ goalVelocity: 0.05 });
    fast.reset({ options: { state: [0.49, 0.02] } });
    const [[p], , terminated] = fast.step(2);
    expect(p).toBeGreaterThanOrEqual(0.5);
    expect(terminated).toBe(false);
    const env = new MountainCar();
    env.reset({ options: { state: [0.49, 0.02] } });
    expect(env.step(2)[2]).toBe(true);
    expect(() => env.step(3)).toThrow("MountainCar-v0.step: action 3 is not in Discrete(3)");
  });
});

describe("Pendulum-v1", () => {
  it("resets θ uniformly in [-π, π) and θ̇ in [-1, 1), observing [cos θ, sin θ, θ̇]", () => {
    const env = new Pendulum();
    for (let i = 0; i < 2000; i++) {
      const [obs] = env.reset(i === 0 ? { seed: 9 } : {});
      const [th, thDot] = env.state as [number, number];
      expect(th >= -Math.PI && th < Math.PI && thDot >= -1 && thDot < 1).toBe(true);
      expect(obs).toEqual([Math.cos(th), Math.sin(th), thDot]);
    }
  });

  it("has reward 0 upright at rest and the minimum -(π² + 0.1·8² + 0.001·2²) hanging at full speed and torque", () => {
    const env = new Pendulum();
    env.reset({ options: { state: [0, 0] } });
    const [obs, reward, terminated, truncated] = env.step([0]);
    expect(obs).toEqual([1, 0, 0]); // an equilibrium: sin 0 = 0
    expect([reward, terminated, truncated]).toEqual([-0, false, false]);
    env.reset({ options: { state: [Math.PI, 8] } });
    const [next, worst] = env.step([2]);
    expect(worst).toBeCloseTo(-(Math.PI ** 2 + 6.4 + 0.004), 12);
    expect(next[2]).toBe(8); // θ̇ is clipped to the maximum speed
  });

  it("moves at constant speed without gravity or torque (g = 0)", () => {
    const env = new Pendulum({ g: 0 });
    env.reset({ options: { state: [0.3, 2] } });
    for (let k = 1; k <= 20; k++) env.step([0]);
    expect(env.state[1]).toBe(2);
    expect(env.state[0]).toBeCloseTo(0.3 + 20 * 2 * 0.05, 12);
  });

  it("normalizes angles into [-π, π) periodically", () => {
    for (const x of [-10, -Math.PI, -1, 0, 1, 3, Math.PI, 7.5, 100]) {
      const y = angleNormalize(x);
      expect(y).toBeGreaterThanOrEqual(-Math.PI);
      expect(y).toBeLessThan(Math.PI);
      expect(Math.abs(Math.sin(y) - Math.sin(x))).toBeLessThan(1e-12);
      expect(Math.abs(Math.cos(y) - Math.cos(x))).toBeLessThan(1e-12);
    }
  });

  it("rejects torques outside [-2, 2] and vectors of the wrong length", () => {
    const env = make("Pendulum-v1");
    env.reset({ seed: 0 });
    expect(() => env.step([2.5])).toThrow("Pendulum-v1.step: action [2.5] is not in Box(-2, 2, [1])");
    expect(() => env.step([0, 0])).toThrow(/action \[0, 0\] is not in Box/);
    const anyAction: Env<number[], unknown> = env; // to pass a scalar where a vector is expected
    expect(() => anyAction.step(1)).toThrow(/action 1 is not in Box/);
    const bare = new Pendulum();
    bare.reset({ seed: 0 });
    expect(bare.step(new Float64Array([1.5]))[0].length).toBe(3);
  });
});

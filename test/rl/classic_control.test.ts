// Classic-control dynamics against trajectories from an independent Python implementation of the
// documented Gymnasium equations (test/fixtures/rl/classic_control_fixture.py).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { make } from "../../src/rl/registry.js";

interface Episode {
  name: string;
  start: number[];
  initialObservation: number[];
  actions: Array<number | number[]>;
  observations: number[][];
  rewards: number[];
  terminated: boolean[];
  truncated: boolean[];
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/rl/classic_control.json", import.meta.url), "utf8"),
) as Record<"cartpole" | "mountaincar" | "pendulum", Episode[]>;

const TOL = 1e-12;

function expectClose(actual: number[], expected: number[], where: string): void {
  expect(actual.length, where).toBe(expected.length);
  actual.forEach((v, i) => {
    if (!(Math.abs(v - expected[i]!) <= TOL)) {
      throw new Error(`${where}[${i}]: got ${v}, expected ${expected[i]} (|diff| = ${Math.abs(v - expected[i]!)})`);
    }
  });
}

function replay(id: string, episode: Episode): void {
  const env = make<number[], number | number[]>(id);
  const [obs0] = env.reset({ seed: 0, options: { state: episode.start } });
  expectClose(obs0, episode.initialObservation, `${episode.name}: reset observation`);
  episode.actions.forEach((action, t) => {
    const [obs, reward, terminated, truncated] = env.step(action);
    const where = `${episode.name}: step ${t}`;
    expectClose(obs, episode.observations[t]!, `${where} observation`);
    expect(Math.abs(reward - episode.rewards[t]!), `${where} reward`).toBeLessThanOrEqual(TOL);
    expect(terminated, `${where} terminated`).toBe(episode.terminated[t]);
    expect(truncated, `${where} truncated`).toBe(episode.truncated[t]);
  });
  // The recorded episode ended, so one more step must be refused.
  expect(() => env.step(episode.actions[0]!)).toThrow(/reset/);
}

describe.each([
  ["CartPole-v1", "cartpole"],
  ["MountainCar-v0", "mountaincar"],
  ["Pendulum-v1", "pendulum"],
] as const)("%s matches the independent Python reference to 1e-12", (id, key) => {
  it.each(fixture[key].map((ep) => [ep.name, ep] as const))("%s", (_name, episode) => {
    replay(id, episode);
  });
});

describe("fixture coverage", () => {
  it("includes terminations, 500/200-step truncations and the MountainCar wall", () => {
    const last = (ep: Episode): [boolean, boolean, number] => [ep.terminated.at(-1)!, ep.truncated.at(-1)!, ep.actions.length];
    expect(fixture.cartpole.map(last)).toContainEqual([false, true, 500]);
    expect(fixture.cartpole.filter((ep) => last(ep)[0]).length).toBeGreaterThan(0);
    expect(fixture.mountaincar.map(last)).toContainEqual([true, false, 124]);
    expect(fixture.mountaincar.map(last)).toContainEqual([false, true, 200]);
    expect(fixture.pendulum.every((ep) => last(ep)[1] && ep.actions.length === 200)).toBe(true);
    const wall = fixture.mountaincar.find((ep) => ep.name === "push left into the wall")!;
    expect(wall.observations.some(([p, v]) => p === -1.2 && v === 0)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { FrozenLake, FROZEN_LAKE_MAPS, generateRandomMap } from "../../src/rl/envs/FrozenLake.js";
import { make } from "../../src/rl/registry.js";

const [LEFT, DOWN, RIGHT, UP] = [0, 1, 2, 3];

describe("FrozenLake-v1", () => {
  it("uses Gymnasium's default 4x4 and 8x8 maps", () => {
    // gymnasium/envs/toy_text/frozen_lake.py, MAPS.
    expect(FROZEN_LAKE_MAPS["4x4"]).toEqual(["SFFF", "FHFH", "FFFH", "HFFG"]);
    expect(FROZEN_LAKE_MAPS["8x8"]).toEqual([
      "SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG",
    ]);
    const lake = new FrozenLake();
    expect([lake.nS, lake.nA, lake.nrow, lake.ncol]).toEqual([16, 4, 4, 4]);
    expect(new FrozenLake({ mapName: "8x8" }).nS).toBe(64);
  });

  it("numbers states row*ncol + col and follows the shortest path to the goal without slipping", () => {
    // 0 →D 4 →D 8 →R 9 →R 10 →D 14 →R 15 (G): reward 1 only on the last step.
    const env = new FrozenLake({ isSlippery: false });
    expect(env.reset({ seed: 3 })).toEqual([0, { prob: 1 }]);
    const path = [DOWN, DOWN, RIGHT, RIGHT, DOWN, RIGHT].map((a) => env.step(a));
    expect(path.map((r) => r[0])).toEqual([4, 8, 9, 10, 14, 15]);
    expect(path.map((r) => r[1])).toEqual([0, 0, 0, 0, 0, 1]);
    expect(path.map((r) => r[2])).toEqual([false, false, false, false, false, true]);
    expect(path[5]![4]).toEqual({ prob: 1 });
    expect(() => env.step(LEFT)).toThrow(/FrozenLake-v1.step\(0\): the episode is over/);
  });

  it("ends the episode with reward 0 in a hole and stays put at the border", () => {
    const env = new FrozenLake({ isSlippery: false });
    env.reset();
    expect(env.step(UP)).toEqual([0, 0, false, false, { prob: 1 }]);
    expect(env.step(LEFT)).toEqual([0, 0, false, false, { prob: 1 }]);
    expect(env.step(RIGHT)[0]).toBe(1);
    expect(env.step(DOWN)).toEqual([5, 0, true, false, { prob: 1 }]);
  });

  it("slips as Gymnasium documents: intended and both perpendicular directions with 1/3 each", () => {
    // Gymnasium docs: action LEFT on slippery ice moves left, up or down, each with probability 1/3.
    const lake = new FrozenLake();
    const third = 1 / 3;
    // The perpendicular probability is (1 - 1/3) / 2, one ulp above 1/3 in float64 (as in Gymnasium 1.0).
    const rounded = (ts: readonly { prob: number }[]): unknown[] => ts.map((t) => ({ ...t, prob: Number(t.prob.toFixed(15)) }));
    const thirdR = Number(third.toFixed(15));
    expect(rounded(lake.P[0]![LEFT]!)).toEqual([
      { prob: thirdR, next: 0, reward: 0, done: false }, // UP (blocked by the border)
      { prob: thirdR, next: 0, reward: 0, done: false }, // LEFT (blocked)
      { prob: thirdR, next: 4, reward: 0, done: false }, // DOWN
    ]);
    // Directions are tried in Gymnasium's order (a-1)%4, a, (a+1)%4: for RIGHT that is DOWN, RIGHT, UP.
    expect(rounded(lake.P[14]![RIGHT]!)).toEqual([
      { prob: thirdR, next: 14, reward: 0, done: false }, // DOWN (blocked by the border)
      { prob: thirdR, next: 15, reward: 1, done: true }, // RIGHT into the goal
      { prob: thirdR, next: 10, reward: 0, done: false }, // UP
    ]);
    for (let s = 0; s < lake.nS; s++) {
      for (let a = 0; a < 4; a++) {
        expect(lake.P[s]![a]!.reduce((sum, t) => sum + t.prob, 0)).toBeCloseTo(1, 14);
      }
    }
    // Holes (5, 7, 11, 12) and the goal (15) are absorbing.
    for (const s of [5, 7, 11, 12, 15]) {
      for (let a = 0; a < 4; a++) expect(lake.P[s]![a]).toEqual([{ prob: 1, next: s, reward: 0, done: true }]);
    }
  });

  it("samples slips with the frequencies of P (5 binomial standard deviations)", () => {
    const env = new FrozenLake();
    const counts = new Map<number, number>();
    const N = 9000;
    for (let i = 0; i < N; i++) {
      env.reset({ seed: i === 0 ? 42 : undefined });
      const next = env.step(RIGHT)[0];
      counts.set(next, (counts.get(next) ?? 0) + 1);
    }
    // From state 0, RIGHT: DOWN → 4, RIGHT → 1, UP → 0 (border), 1/3 each.
    const sd = Math.sqrt(N * (1 / 3) * (2 / 3));
    for (const s of [0, 1, 4]) expect(Math.abs(counts.get(s)! - N / 3)).toBeLessThan(5 * sd);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([0, 1, 4]);
  });

  it("supports successRate and rewardSchedule", () => {
    const lake = new FrozenLake({ successRate: 0.8, rewardSchedule: [10, -1, -0.1] });
    expect(lake.P[0]![DOWN]!.map((t) => [t.prob, t.next, t.reward])).toEqual([
      [0.09999999999999998, 0, -0.1], // LEFT: (1 - 0.8) / 2 in float64
      [0.8, 4, -0.1], // DOWN
      [0.09999999999999998, 1, -0.1], // RIGHT
    ]);
    expect(lake.P[4]![DOWN]![1]).toEqual({ prob: 0.8, next: 8, reward: -0.1, done: false });
    expect(lake.P[1]![DOWN]![1]).toEqual({ prob: 0.8, next: 5, reward: -1, done: true });
  });

  it("accepts a custom desc map and rejects malformed ones", () => {
    const lake = new FrozenLake({ desc: ["SFH", "FFG"], isSlippery: false });
    expect([lake.nrow, lake.ncol, lake.nS]).toEqual([2, 3, 6]);
    expect(lake.P[4]![RIGHT]).toEqual([{ prob: 1, next: 5, reward: 1, done: true }]);
    expect(() => new FrozenLake({ desc: ["SF", "F"] })).toThrow(/rows must have equal length/);
    expect(() => new FrozenLake({ desc: ["SX"] })).toThrow(/may only hold S, F, H, G; row 0 "SX" holds "X"/);
    expect(() => new FrozenLake({ desc: ["FG"] })).toThrow(/start cell S/);
  });

  it("rejects invalid actions with an error naming the env and the action", () => {
    const env = make("FrozenLake-v1");
    env.reset({ seed: 0 });
    expect(() => env.step(4)).toThrow("FrozenLake-v1.step: action 4 is not in Discrete(4)");
    expect(() => env.step(1.5)).toThrow(/action 1.5 is not in Discrete\(4\)/);
  });

  it("is reproducible per seed", () => {
    const run = (seed: number): number[] => {
      const env = new FrozenLake({ mapName: "8x8" });
      const out = [env.reset({ seed })[0]];
      for (let t = 0; t < 30; t++) {
        const [s, , term] = env.step(t % 4);
        out.push(s);
        if (term) break;
      }
      return out;
    };
    expect(run(5)).toEqual(run(5));
    expect([1, 2, 3, 4, 6].map(run)).not.toEqual([5, 5, 5, 5, 5].map(run));
  });
});

describe("generateRandomMap", () => {
  it("puts S top-left and G bottom-right with a hole-free path between them", () => {
    for (let seed = 0; seed < 20; seed++) {
      const map = generateRandomMap(6, 0.6, seed);
      expect(map.length).toBe(6);
      expect(map[0]![0]).toBe("S");
      expect(map[5]![5]).toBe("G");
      // Breadth-first flood fill over non-hole cells.
      const reach = new Set(["0,0"]);
      const queue: Array<[number, number]> = [[0, 0]];
      while (queue.length > 0) {
        const [r, c] = queue.shift()!;
        for (const [nr, nc] of [[r + 1, c], [r - 1, c], [r, c + 1], [r, c - 1]] as const) {
          if (nr < 0 || nc < 0 || nr > 5 || nc > 5 || map[nr]![nc] === "H" || reach.has(`${nr},${nc}`)) continue;
          reach.add(`${nr},${nc}`);
          queue.push([nr, nc]);
        }
      }
      expect(reach.has("5,5")).toBe(true);
    }
    expect(generateRandomMap(8, 0.8, 3)).toEqual(generateRandomMap(8, 0.8, 3));
  });
});

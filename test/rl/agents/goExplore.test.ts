// Go-Explore phase 1 on small mazes: solves within a budget, every archive entry replays to its cell, seeding, bad input.
import { describe, expect, it } from "vitest";
import { make } from "../../../src/rl/registry.js";
import { Maze, generateMaze, MAZE_MOVES } from "../../../src/rl/envs/Maze.js";
import { cellWeight, goExplore, replayTrajectory } from "../../../src/rl/agents/GoExplore.js";

// An 11 × 11 perfect maze (5 × 5 rooms) whose goal is 20 steps from the start.
const layout = generateMaze(5, 0);
const config = { totalTimesteps: 3000, exploreSteps: 20, repeatActionProbability: 0.5 };

/** The floor cells reachable from S without passing through G (G itself included): what exploration can find. */
function reachableBeforeGoal(rows: readonly string[]): number {
  const seen = new Set<string>(["1,1"]);
  const stack: [number, number][] = [[1, 1]];
  while (stack.length > 0) {
    const [r, c] = stack.pop()!;
    if (rows[r]![c] === "G") continue;
    for (const [dr, dc] of MAZE_MOVES) {
      const key = `${r + dr},${c + dc}`;
      if (rows[r + dr]![c + dc] !== "#" && !seen.has(key)) {
        seen.add(key);
        stack.push([r + dr, c + dc]);
      }
    }
  }
  return seen.size;
}

describe("goExplore", () => {
  it("solves an 11 × 11 maze within 3,000 steps and archives every cell reachable before the goal", () => {
    const result = goExplore(new Maze({ layout }), { ...config, seed: 0 });
    expect(result.best.score).toBe(1);
    expect(result.bestScoreStep).toBeGreaterThan(0);
    expect(result.bestScoreStep).toBeLessThanOrEqual(3000);
    expect(result.envSteps).toBe(3000);
    const replay = replayTrajectory(new Maze({ layout }), result.best.actions);
    expect(replay).toEqual({ return: 1, steps: result.best.actions.length, terminated: true, truncated: false });
    expect(result.cellsFound).toBe(reachableBeforeGoal(layout));
    expect(result.cellsFound).toBe(result.archive.size);
    // The archive only grows, from the start cell alone.
    expect(result.growth.cells.every((n, i) => i === 0 || n >= result.growth.cells[i - 1]!)).toBe(true);
    expect(result.growth.cells[0]!).toBeLessThan(result.cellsFound);
  });

  it("keeps for every cell a trajectory that reaches it from reset, with its return as the score", () => {
    const { archive } = goExplore(new Maze({ layout }), { ...config, totalTimesteps: 1500, seed: 5 });
    const env = new Maze({ layout });
    for (const cell of archive.values()) {
      let total = 0;
      let observation = env.reset()[0];
      for (const action of cell.actions) {
        const [next, reward] = env.step(action);
        observation = next;
        total += reward;
      }
      expect(JSON.stringify(observation)).toBe(cell.key);
      expect(total).toBe(cell.score);
      expect(cell.state).toEqual(env.cloneState());
    }
  });

  it("same seed, same run; another seed, another run", () => {
    const a = goExplore(new Maze({ layout }), { ...config, seed: 3 });
    const b = goExplore(new Maze({ layout }), { ...config, seed: 3 });
    const c = goExplore(new Maze({ layout }), { ...config, seed: 4 });
    expect(b.best.actions).toEqual(a.best.actions);
    expect(b.growth).toEqual(a.growth);
    expect([...b.archive.keys()]).toEqual([...a.archive.keys()]);
    expect(c.growth).not.toEqual(a.growth);
  });

  it("groups observations into cells with cellOf (a coarser cell, a smaller archive)", () => {
    const maze = new Maze({ layout });
    const byRow = goExplore(maze, { ...config, totalTimesteps: 1000, cellOf: (obs) => String(maze.positionOf(obs)[0]) });
    expect(byRow.cellsFound).toBeLessThanOrEqual(layout.length - 2);
    expect([...byRow.archive.keys()].every((k) => /^\d+$/.test(k))).toBe(true);
  });

  it("weighs cells by 1/√(times seen + 1)", () => {
    expect(cellWeight({ timesSeen: 0 })).toBe(1);
    expect(cellWeight({ timesSeen: 3 })).toBe(0.5);
    expect(cellWeight({ timesSeen: 99 })).toBeCloseTo(0.1, 12);
  });

  it("rejects environments without state restore and bad settings, naming the agent", () => {
    expect(() => goExplore(make("CartPole-v1"))).toThrow(/^GoExplore: environment CartPole-v1 has no cloneState\(\)\/restoreState\(\)/);
    expect(() => goExplore(make("Maze-v0", { maxEpisodeSteps: 50 }))).toThrow(/GoExplore: environment Maze-v0 has no cloneState.*TimeLimit hides them/);
    expect(() => goExplore(new Maze({ layout }), { exploreSteps: 0 })).toThrow(/GoExplore: exploreSteps must be a positive integer, got 0/);
    expect(() => goExplore(new Maze({ layout }), { totalTimesteps: 2.5 })).toThrow(/GoExplore: totalTimesteps must be a positive integer, got 2.5/);
    expect(() => goExplore(new Maze({ layout }), { repeatActionProbability: 1.5 })).toThrow(/GoExplore: repeatActionProbability must lie in \[0, 1\], got 1.5/);
  });
});

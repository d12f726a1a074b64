// Maze-v0: walls block, the goal pays +1 and terminates, truncation at maxSteps, snapshots, the generated maze's shape, checkEnv.
import { describe, expect, it } from "vitest";
import { checkEnv } from "../../src/rl/checkEnv.js";
import { make } from "../../src/rl/registry.js";
import { Maze, generateMaze } from "../../src/rl/envs/Maze.js";
import { TimeLimit } from "../../src/rl/wrappers.js";

// S at (1, 1), G at (1, 3), a wall between them: the way round is down, right, right, up (4 steps).
const small = ["#####", "#S#G#", "#...#", "#####"];
const UP = 0, RIGHT = 1, DOWN = 2, LEFT = 3;

describe("Maze", () => {
  it("observes normalized coordinates, blocks walls, and pays +1 (terminated) on entering G", () => {
    const maze = new Maze({ layout: small });
    expect(maze.reset({ seed: 7 })).toEqual([[1 / 3, 1 / 4], {}]);
    expect(maze.step(RIGHT)).toEqual([[1 / 3, 1 / 4], 0, false, false, {}]); // the wall at (1, 2)
    expect(maze.step(UP)).toEqual([[1 / 3, 1 / 4], 0, false, false, {}]); // the border wall at (0, 1)
    expect(maze.step(LEFT)).toEqual([[1 / 3, 1 / 4], 0, false, false, {}]);
    expect(maze.step(DOWN)).toEqual([[2 / 3, 1 / 4], 0, false, false, {}]);
    expect(maze.step(RIGHT)[0]).toEqual([2 / 3, 2 / 4]);
    expect(maze.step(RIGHT)[0]).toEqual([2 / 3, 3 / 4]);
    expect(maze.step(UP)).toEqual([[1 / 3, 3 / 4], 1, true, false, {}]);
    expect(() => maze.step(DOWN)).toThrow(/Maze-v0\.step\(2\): the episode is over/);
    expect(maze.shortestPathLength()).toBe(4);
    expect(maze.positionOf([2 / 3, 3 / 4])).toEqual([2, 3]);
  });

  it("truncates (not terminates) after maxSteps steps", () => {
    const maze = new Maze({ layout: small, maxSteps: 3 });
    maze.reset();
    expect(maze.step(UP).slice(1, 4)).toEqual([0, false, false]);
    expect(maze.step(UP).slice(1, 4)).toEqual([0, false, false]);
    expect(maze.step(UP).slice(1, 4)).toEqual([0, false, true]);
    expect(() => maze.step(UP)).toThrow(/episode is over/);
    // Reaching G on the last allowed step terminates rather than truncates.
    const tight = new Maze({ layout: small, maxSteps: 4 });
    tight.reset();
    const results = [DOWN, RIGHT, RIGHT, UP].map((a) => tight.step(a));
    expect(results[3]!.slice(1, 4)).toEqual([1, true, false]);
  });

  it("restoreState(cloneState()) continues the episode exactly, step count included", () => {
    const maze = new Maze({ layout: small, maxSteps: 6 });
    maze.reset();
    maze.step(DOWN);
    maze.step(RIGHT);
    const snapshot = maze.cloneState();
    expect(snapshot).toEqual({ row: 2, col: 2, steps: 2, done: false });
    const first = [RIGHT, UP].map((a) => maze.step(a));
    maze.restoreState(snapshot);
    expect([RIGHT, UP].map((a) => maze.step(a))).toEqual(first);
    // The step count travels with the snapshot: 2 + 4 bumps reach maxSteps = 6.
    maze.restoreState(snapshot);
    const bumps = [DOWN, DOWN, DOWN, DOWN].map((a) => maze.step(a));
    expect(bumps.map((r) => r[3])).toEqual([false, false, false, true]);
    expect(() => maze.restoreState({ row: 0, col: 0, steps: 0, done: false })).toThrow(/Maze-v0\.restoreState: .*floor cell.*"row":0/);
  });

  it("rejects bad layouts with the reason", () => {
    expect(() => new Maze({ layout: ["#S#", "#.G", "#S#"] })).toThrow(/Maze: layout needs exactly one S, found 2/);
    expect(() => new Maze({ layout: ["#S#", "#x#", "#G#"] })).toThrow(/may only hold #, \., S, G; row 1 "#x#" holds "x"/);
    expect(() => new Maze({ layout: ["#S#", "#.", "#G#"] })).toThrow(/rows must have equal length/);
    expect(() => new Maze({ layout: small, maxSteps: 0 })).toThrow(/maxSteps must be a positive integer, got 0/);
    expect(() => generateMaze(1)).toThrow(/generateMaze: size must be an integer ≥ 2, got 1/);
  });

  it("generates a perfect maze: a walled (2n+1)-square grid whose n² rooms and n² − 1 passages form a tree", () => {
    for (const [size, seed] of [[5, 0], [10, 0], [7, 3]] as const) {
      const layout = generateMaze(size, seed);
      const n = 2 * size + 1;
      expect(layout.length).toBe(n);
      expect(layout.every((row) => row.length === n)).toBe(true);
      expect(layout[0]).toBe("#".repeat(n));
      expect(layout[n - 1]).toBe("#".repeat(n));
      expect(layout[1]![1]).toBe("S");
      expect(layout[n - 2]![n - 2]).toBe("G");
      const floor: [number, number][] = [];
      layout.forEach((row, r) => [...row].forEach((ch, c) => ch !== "#" && floor.push([r, c])));
      expect(floor.length).toBe(2 * size * size - 1);
      // A connected graph with V vertices and V − 1 edges is a tree: one path between any two cells.
      const edges = floor.filter(([r, c]) => layout[r]![c + 1] !== "#").length + floor.filter(([r, c]) => layout[r + 1]![c] !== "#").length;
      expect(edges).toBe(floor.length - 1);
    }
    expect(generateMaze(6, 1)).toEqual(generateMaze(6, 1));
    expect(generateMaze(6, 1)).not.toEqual(generateMaze(6, 2));
  });

  it("Maze-v0 is the default 21 × 21 maze: 199 floor cells, the goal 120 steps away, 796 steps per episode, no TimeLimit wrapper", () => {
    const env = make("Maze-v0");
    expect(env).toBeInstanceOf(Maze);
    const maze = env as Maze;
    expect([maze.rows, maze.cols, maze.floorCells(), maze.maxSteps]).toEqual([21, 21, 199, 796]);
    expect(maze.shortestPathLength()).toBe(120);
    expect(make("Maze-v0", { size: 4 }) as Maze).toMatchObject({ rows: 9, cols: 9 });
    expect(make("Maze-v0", { maxEpisodeSteps: 50 })).toBeInstanceOf(TimeLimit);
    expect(() => make("Maze-v0", { sise: 4 })).toThrow(/unknown option\(s\) sise/);
  });

  it("passes checkEnv", () => {
    checkEnv(make("Maze-v0"));
    checkEnv(new Maze({ layout: small, maxSteps: 20 }));
  });
});

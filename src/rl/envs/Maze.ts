// Maze-v0: a deterministic hard-exploration maze (long corridors, dead ends, one sparse reward at the far corner).

import type { Env, Info, ResetOptions, StepResult } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { assertContains, Box, Discrete } from "../spaces.js";
import { checkSeed, resetArgs } from "../seeding.js";

/** The moves of actions 0 up, 1 right, 2 down, 3 left as [Δrow, Δcol] (the toy-text grid worlds' order). */
export const MAZE_MOVES: readonly (readonly [number, number])[] = [[-1, 0], [0, 1], [1, 0], [0, -1]];

/**
 * Options of the Maze environment: a layout of your own, or the size and seed of a generated one, and the
 * step limit.
 */
export interface MazeOptions {
  /**
   * A custom layout, one string per row, of `#` (wall), `.` (floor), `S` (the start, exactly one) and `G`
   * (the goal, exactly one). Overrides `size` and `layoutSeed`.
   */
  layout?: readonly string[];
  /** Rooms per side of the generated maze (default 10, a 21 × 21 grid). */
  size?: number;
  /** Seed of the maze generator (default 0); the same seed draws the same maze. */
  layoutSeed?: number;
  /** Steps after which an episode is truncated (default 4 × the number of floor cells). */
  maxSteps?: number;
}

/** A snapshot of a Maze episode, as `cloneState()` returns it and `restoreState()` takes it. */
export interface MazeState {
  readonly row: number;
  readonly col: number;
  /** Steps taken in the episode so far. */
  readonly steps: number;
  /** True once the episode terminated or was truncated. */
  readonly done: boolean;
}

/**
 * A deterministic maze for hard-exploration experiments (Go-Explore's setting, Ecoffet et al. 2021,
 * https://arxiv.org/abs/1901.10995 ).
 *
 * - Layout: `layout` rows of `#`, `.`, `S`, `G`, or (default) a "perfect" maze drawn by the recursive
 *   backtracker (a depth-first search that carves passages between `size` × `size` rooms, so every two
 *   floor cells are joined by exactly one path): a (2·size+1)-square grid with the start S in the top-left
 *   room and the goal G in the bottom-right room. The default 21 × 21 maze (`Maze-v0`) has 199 floor cells
 *   and a shortest path of 120 steps from S to G.
 * - Observations (Box(2) in [0, 1]): the position as normalized coordinates [row / (rows − 1), col / (cols − 1)].
 * - Actions (Discrete(4)): 0 up, 1 right, 2 down, 3 left; moving into a wall leaves the agent in place.
 * - Reward +1 on entering G (which terminates the episode), 0 on every other step.
 * - Truncated after `maxSteps` steps (default 4 × the floor cells). The maze owns its time limit, so that
 *   a snapshot (`cloneState()` / `restoreState()`) holds the step count too; `make("Maze-v0")` adds no
 *   TimeLimit wrapper.
 * - Nothing is random: `reset({ seed })` accepts a seed (as every environment) but always starts at S.
 */
export class Maze implements Env<number[], number> {
  readonly id: string = "Maze-v0";
  /** The layout, one string per row. */
  readonly layout: readonly string[];
  readonly rows: number;
  readonly cols: number;
  readonly start: readonly [number, number];
  readonly goal: readonly [number, number];
  readonly maxSteps: number;
  readonly observationSpace = new Box(0, 1, [2]);
  readonly actionSpace = new Discrete(4);

  private row = 0;
  private col = 0;
  private steps = 0;
  private done = true;

  constructor(options: MazeOptions = {}) {
    const layout = options.layout ?? generateMaze(options.size ?? 10, options.layoutSeed ?? 0);
    const { start, goal } = validateLayout(layout);
    this.layout = [...layout];
    this.rows = layout.length;
    this.cols = layout[0]!.length;
    this.start = start;
    this.goal = goal;
    const maxSteps = options.maxSteps ?? 4 * this.floorCells();
    if (!Number.isInteger(maxSteps) || maxSteps <= 0) throw new Error(`Maze: maxSteps must be a positive integer, got ${maxSteps}`);
    this.maxSteps = maxSteps;
    [this.row, this.col] = start;
  }

  /** True when (row, col) is inside the grid and not a wall. */
  isFloor(row: number, col: number): boolean {
    return row >= 0 && row < this.rows && col >= 0 && col < this.cols && this.layout[row]![col] !== "#";
  }

  /** Number of non-wall cells. */
  floorCells(): number {
    return this.layout.reduce((n, line) => n + [...line].filter((ch) => ch !== "#").length, 0);
  }

  /** The normalized-coordinate observation of a cell. */
  observationAt(row: number, col: number): number[] {
    return [row / Math.max(this.rows - 1, 1), col / Math.max(this.cols - 1, 1)];
  }

  /** The cell [row, col] an observation stands for (the inverse of `observationAt`). */
  positionOf(observation: readonly number[]): [number, number] {
    return [Math.round(observation[0]! * Math.max(this.rows - 1, 1)), Math.round(observation[1]! * Math.max(this.cols - 1, 1))];
  }

  /** Length of the shortest path from S to G (breadth-first search over the floor cells). */
  shortestPathLength(): number {
    const dist = new Map<number, number>([[this.start[0] * this.cols + this.start[1], 0]]);
    const queue: [number, number][] = [[this.start[0], this.start[1]]];
    for (let head = 0; head < queue.length; head++) {
      const [r, c] = queue[head]!;
      const d = dist.get(r * this.cols + c)!;
      if (r === this.goal[0] && c === this.goal[1]) return d;
      for (const [dr, dc] of MAZE_MOVES) {
        const key = (r + dr) * this.cols + c + dc;
        if (this.isFloor(r + dr, c + dc) && !dist.has(key)) {
          dist.set(key, d + 1);
          queue.push([r + dr, c + dc]);
        }
      }
    }
    throw new Error("Maze: the goal cannot be reached from the start");
  }

  reset(args?: ResetOptions): [number[], Info] {
    resetArgs(args, this.id, []);
    [this.row, this.col] = this.start;
    this.steps = 0;
    this.done = false;
    return [this.observationAt(this.row, this.col), {}];
  }

  step(action: number): StepResult<number[]> {
    assertContains(this.actionSpace, action, `${this.id}.step`);
    if (this.done) throw new Error(`${this.id}.step(${action}): the episode is over (or was never started); call reset() first`);
    const [dr, dc] = MAZE_MOVES[action]!;
    if (this.isFloor(this.row + dr, this.col + dc)) {
      this.row += dr;
      this.col += dc;
    }
    this.steps++;
    const terminated = this.row === this.goal[0] && this.col === this.goal[1];
    const truncated = !terminated && this.steps >= this.maxSteps;
    this.done = terminated || truncated;
    return [this.observationAt(this.row, this.col), terminated ? 1 : 0, terminated, truncated, {}];
  }

  /** A snapshot of the episode (position, steps taken, whether it is over), for `restoreState`. */
  cloneState(): MazeState {
    return { row: this.row, col: this.col, steps: this.steps, done: this.done };
  }

  /** Puts the episode back into a state `cloneState()` returned (Go-Explore's return phase). */
  restoreState(state: MazeState): void {
    const ok = typeof state === "object" && state !== null && Number.isInteger(state.steps) && state.steps >= 0 && typeof state.done === "boolean";
    if (!ok || !this.isFloor(state.row, state.col)) {
      throw new Error(`${this.id}.restoreState: expected a state from cloneState() ({ row, col, steps, done } on a floor cell), got ${JSON.stringify(state)}`);
    }
    this.row = state.row;
    this.col = state.col;
    this.steps = state.steps;
    this.done = state.done;
  }

  /** The layout with the agent drawn as `@`. */
  render(): string {
    return this.layout.map((line, r) => (r === this.row ? line.slice(0, this.col) + "@" + line.slice(this.col + 1) : line)).join("\n");
  }
}

function validateLayout(layout: readonly string[]): { start: [number, number]; goal: [number, number] } {
  if (!Array.isArray(layout) || layout.length === 0 || typeof layout[0] !== "string" || layout[0].length === 0) {
    throw new Error("Maze: layout must be a non-empty list of rows");
  }
  const cols = layout[0].length;
  const found: Record<"S" | "G", [number, number][]> = { S: [], G: [] };
  layout.forEach((line, r) => {
    if (typeof line !== "string" || line.length !== cols) throw new Error(`Maze: layout rows must have equal length, row ${r} ${JSON.stringify(line)} differs from row 0's ${cols}`);
    [...line].forEach((ch, c) => {
      if (!"#.SG".includes(ch)) throw new Error(`Maze: layout may only hold #, ., S, G; row ${r} ${JSON.stringify(line)} holds "${ch}"`);
      if (ch === "S" || ch === "G") found[ch].push([r, c]);
    });
  });
  for (const ch of ["S", "G"] as const) {
    if (found[ch].length !== 1) throw new Error(`Maze: layout needs exactly one ${ch}, found ${found[ch].length}`);
  }
  return { start: found.S[0]!, goal: found.G[0]! };
}

/**
 * A perfect maze of `size` × `size` rooms drawn by the recursive backtracker (randomized depth-first
 * search, iterative), as a (2·size+1)-square layout with S in the top-left room and G in the bottom-right.
 */
export function generateMaze(size = 10, seed = 0): string[] {
  if (!Number.isInteger(size) || size < 2) throw new Error(`generateMaze: size must be an integer ≥ 2, got ${size}`);
  const rng = new Generator(checkSeed(seed, "generateMaze"));
  const n = 2 * size + 1;
  const grid = Array.from({ length: n }, () => new Array<string>(n).fill("#"));
  const visited = new Uint8Array(size * size);
  const stack: [number, number][] = [[0, 0]];
  visited[0] = 1;
  grid[1]![1] = ".";
  while (stack.length > 0) {
    const [r, c] = stack[stack.length - 1]!;
    const options = MAZE_MOVES.filter(([dr, dc]) => r + dr >= 0 && r + dr < size && c + dc >= 0 && c + dc < size && visited[(r + dr) * size + c + dc] === 0);
    if (options.length === 0) {
      stack.pop();
      continue;
    }
    const [dr, dc] = options[rng.randint(0, options.length)]!;
    visited[(r + dr) * size + c + dc] = 1;
    grid[2 * r + 1 + dr]![2 * c + 1 + dc] = "."; // the wall between the two rooms
    grid[2 * (r + dr) + 1]![2 * (c + dc) + 1] = ".";
    stack.push([r + dr, c + dc]);
  }
  grid[1]![1] = "S";
  grid[n - 2]![n - 2] = "G";
  return grid.map((line) => line.join(""));
}

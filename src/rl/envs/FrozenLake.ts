// FrozenLake-v1: walk across a frozen lake from S to G without falling into a hole (Gymnasium toy text).

import type { Env, Info, ResetOptions, StepResult, TabularMDP, Transition } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { assertContains, Discrete } from "../spaces.js";
import { checkSeed, resetArgs } from "../seeding.js";

/** Gymnasium's two built-in maps. S start, F frozen, H hole, G goal. */
export const FROZEN_LAKE_MAPS: Readonly<Record<"4x4" | "8x8", readonly string[]>> = {
  "4x4": ["SFFF", "FHFH", "FFFH", "HFFG"],
  "8x8": ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"],
};

export const LEFT = 0, DOWN = 1, RIGHT = 2, UP = 3;

/**
 * Options of the FrozenLake environment (Gymnasium's `FrozenLake-v1` keyword arguments in camelCase): the
 * map, slipperiness and success rate, and the reward schedule.
 */
export interface FrozenLakeOptions {
  /** A custom map, one string per row, of the letters S, F, H, G (at least one S). Overrides mapName. */
  desc?: readonly string[];
  /** "4x4" (default) or "8x8". */
  mapName?: "4x4" | "8x8";
  /** When true (default), a move goes the intended way with probability successRate, else sideways. */
  isSlippery?: boolean;
  /** Probability of moving in the intended direction on slippery ice (default 1/3; each perpendicular gets half the rest). */
  successRate?: number;
  /** Rewards for entering [goal, hole, frozen/start] cells; default [1, 0, 0]. */
  rewardSchedule?: readonly [number, number, number];
}

/**
 * FrozenLake-v1, as in Gymnasium's `toy_text/frozen_lake.py`.
 *
 * - States (Discrete(nrow·ncol)): the cell at row r, column c (row 0 on top) is state `r·ncol + c`;
 *   on the 4x4 map the start is 0 and the goal 15.
 * - Actions (Discrete(4)): 0 LEFT, 1 DOWN, 2 RIGHT, 3 UP. Moving into the border leaves you in place.
 * - Slippery ice (default): the intended direction with probability successRate (1/3), each of the two
 *   perpendicular directions with (1 − successRate)/2 (1/3 each by default). Not slippery: deterministic.
 * - Reward 1 on entering G, 0 otherwise (see rewardSchedule). Terminated on entering G or H.
 *   `make("FrozenLake-v1")` truncates at 100 steps, `make("FrozenLake8x8-v1")` at 200.
 * - Reset: uniformly among the S cells (one on the built-in maps). Infos carry `prob`, the
 *   probability of the transition taken (1 on reset). `reset({ options: { state } })` starts in a chosen
 *   state instead (as the other tabular environments; Gymnasium's FrozenLake takes no reset options).
 *   Other option keys are errors.
 * - `P[s][a]` is the tabular model `[{ prob, next, reward, done }]`, one entry per direction tried, so a
 *   next state may appear more than once (as in Gymnasium). Hole and goal states are absorbing:
 *   `P[s][a] = [{ prob: 1, next: s, reward: 0, done: true }]`.
 */
export class FrozenLake implements Env<number, number>, TabularMDP {
  readonly id: string = "FrozenLake-v1";
  readonly desc: readonly string[];
  readonly nrow: number;
  readonly ncol: number;
  readonly nS: number;
  readonly nA = 4;
  readonly P: Transition[][][];
  /** Probability of starting in each state (uniform over S cells). */
  readonly initialStateDistribution: number[];
  readonly observationSpace: Discrete;
  readonly actionSpace = new Discrete(4);

  /** Current state. */
  s = 0;
  private rng = new Generator(0);
  private done = true;

  constructor(options: FrozenLakeOptions = {}) {
    const desc = options.desc ?? FROZEN_LAKE_MAPS[options.mapName ?? "4x4"];
    if (desc === undefined) throw new Error(`FrozenLake: unknown mapName ${JSON.stringify(options.mapName)}; use "4x4", "8x8" or pass desc`);
    validateMap(desc);
    this.desc = [...desc];
    this.nrow = desc.length;
    this.ncol = desc[0]!.length;
    this.nS = this.nrow * this.ncol;
    this.observationSpace = new Discrete(this.nS);

    const isSlippery = options.isSlippery ?? true;
    const successRate = options.successRate ?? 1 / 3;
    if (!(successRate >= 0 && successRate <= 1)) throw new Error(`FrozenLake: successRate must lie in [0, 1], got ${successRate}`);
    const [goalReward, holeReward, frozenReward] = options.rewardSchedule ?? [1, 0, 0];
    const sideRate = (1 - successRate) / 2;

    const letter = (s: number): string => this.desc[Math.floor(s / this.ncol)]![s % this.ncol]!;
    const move = (s: number, a: number): Transition => {
      let row = Math.floor(s / this.ncol), col = s % this.ncol;
      if (a === LEFT) col = Math.max(col - 1, 0);
      else if (a === DOWN) row = Math.min(row + 1, this.nrow - 1);
      else if (a === RIGHT) col = Math.min(col + 1, this.ncol - 1);
      else row = Math.max(row - 1, 0);
      const next = row * this.ncol + col;
      const cell = letter(next);
      const reward = cell === "G" ? goalReward : cell === "H" ? holeReward : frozenReward;
      return { prob: 1, next, reward, done: cell === "G" || cell === "H" };
    };

    this.P = [];
    for (let s = 0; s < this.nS; s++) {
      const row: Transition[][] = [];
      for (let a = 0; a < 4; a++) {
        if (letter(s) === "G" || letter(s) === "H") row.push([{ prob: 1, next: s, reward: 0, done: true }]);
        else if (!isSlippery) row.push([move(s, a)]);
        else row.push([(a + 3) % 4, a, (a + 1) % 4].map((b) => ({ ...move(s, b), prob: b === a ? successRate : sideRate })));
      }
      this.P.push(row);
    }
    const starts = Array.from({ length: this.nS }, (_, s): number => (letter(s) === "S" ? 1 : 0));
    const nStarts = starts.reduce((x, y) => x + y, 0);
    this.initialStateDistribution = starts.map((v) => v / nStarts);
  }

  reset(args?: ResetOptions): [number, Info] {
    const { seed, options } = resetArgs(args, this.id, ["state"]);
    if (seed !== undefined) this.rng.manualSeed(seed);
    const start = options["state"];
    if (start !== undefined) {
      assertContains(this.observationSpace, start, `${this.id}.reset`, "options.state");
      this.s = start;
    } else {
      this.s = this.rng.categorical(this.initialStateDistribution);
    }
    this.done = false;
    return [this.s, { prob: 1 }];
  }

  step(action: number): StepResult<number> {
    assertContains(this.actionSpace, action, `${this.id}.step`);
    if (this.done) throw new Error(`${this.id}.step(${action}): the episode is over (or was never started); call reset() first`);
    const transitions = this.P[this.s]![action]!;
    const t = transitions[this.rng.categorical(transitions.map((tr) => tr.prob))]!;
    this.s = t.next;
    this.done = t.done;
    return [t.next, t.reward, t.done, false, { prob: t.prob }];
  }

  /** The map as rows of letters, the current cell marked with brackets. */
  render(): string {
    return this.desc
      .map((line, r) => [...line].map((ch, c) => (r * this.ncol + c === this.s ? `[${ch}]` : ` ${ch} `)).join(""))
      .join("\n");
  }
}

function validateMap(desc: readonly string[]): void {
  if (desc.length === 0 || desc[0]!.length === 0) throw new Error("FrozenLake: desc must be a non-empty list of rows");
  const ncol = desc[0]!.length;
  desc.forEach((row, r) => {
    if (row.length !== ncol) throw new Error(`FrozenLake: desc rows must have equal length, row ${r} "${row}" has ${row.length}, row 0 has ${ncol}`);
    const bad = [...row].find((ch) => !"SFHG".includes(ch));
    if (bad !== undefined) throw new Error(`FrozenLake: desc may only hold S, F, H, G; row ${r} "${row}" holds "${bad}"`);
  });
  if (!desc.some((row) => row.includes("S"))) throw new Error("FrozenLake: desc needs at least one start cell S");
}

/**
 * Gymnasium's `generate_random_map`: a `size`×`size` map, each cell frozen with probability `p` (else a
 * hole), S at the top-left and G at the bottom-right, redrawn until a path of non-hole cells joins them.
 */
export function generateRandomMap(size = 8, p = 0.8, seed = 0): string[] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`generateRandomMap: size must be a positive integer, got ${size}`);
  if (!(p > 0 && p <= 1)) throw new Error(`generateRandomMap: p must lie in (0, 1], got ${p}`);
  const rng = new Generator(checkSeed(seed, "generateRandomMap"));
  for (;;) {
    const board = Array.from({ length: size }, () => Array.from({ length: size }, (): string => (rng.bernoulli(p) ? "F" : "H")));
    board[0]![0] = "S";
    board[size - 1]![size - 1] = "G";
    if (hasPath(board)) return board.map((row) => row.join(""));
  }
}

/** Depth-first search from the top-left cell to G through non-hole cells. */
function hasPath(board: string[][]): boolean {
  const size = board.length;
  const seen = new Set<number>();
  const stack = [0];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    const r = Math.floor(s / size), c = s % size;
    if (board[r]![c] === "G") return true;
    for (const [dr, dc] of [[1, 0], [0, 1], [-1, 0], [0, -1]] as const) {
      const nr = r + dr, nc = c + dc;
      if (nr >= 0 && nr < size && nc >= 0 && nc < size && board[nr]![nc] !== "H") stack.push(nr * size + nc);
    }
  }
  return false;
}

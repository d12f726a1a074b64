// Gymnasium's basic spaces — Discrete, Box, MultiDiscrete, Tuple — each with its own seeded generator.
//
// Reference: https://gymnasium.farama.org/api/spaces/fundamental/ and .../composite/
// Every space owns a `Generator` (seed 0 unless `{ seed }` is given), so `sample()` is reproducible;
// `seed(n)` restarts that stream. Seeds are integers in [0, 2^32 − 1] (see seeding.ts).

import { Generator } from "../random/Generator.js";
import type { Space } from "./Env.js";
import { checkSeed } from "./seeding.js";

/** Options of the spaces' constructors: the seed of the space's own generator. */
export interface SpaceOptions {
  /** Seed of the space's own generator (default 0). */
  seed?: number;
}

/**
 * `Discrete(n, { start })`: the integers `start, start + 1, ..., start + n - 1`.
 *
 * ```ts
 * const actions = new Discrete(2);        // {0, 1}
 * const dice = new Discrete(6, { start: 1 }); // {1, ..., 6}
 * ```
 */
export class Discrete implements Space<number> {
  readonly n: number;
  readonly start: number;
  private rng: Generator;

  constructor(n: number, options: SpaceOptions & { start?: number } = {}) {
    const start = options.start ?? 0;
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Discrete: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(start)) throw new Error(`Discrete: start must be an integer, got ${start}`);
    this.n = n;
    this.start = start;
    this.rng = new Generator(checkSeed(options.seed ?? 0, "Discrete"));
  }

  sample(): number {
    return this.start + this.rng.randint(0, this.n);
  }

  contains(x: unknown): boolean {
    return typeof x === "number" && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  seed(seed: number): void {
    this.rng.manualSeed(checkSeed(seed, "Discrete.seed"));
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

/**
 * `Box(low, high, shape)`: real vectors `x` with `low[i] <= x[i] <= high[i]`, stored flat (row-major)
 * as `number[]`; `contains` also accepts a `Float64Array`. Bounds may be scalars (broadcast to the
 * shape) or arrays with one entry per element, and may be ±Infinity. Values are float64 (Gymnasium
 * defaults to float32; we keep full precision so dynamics match their equations exactly).
 *
 * `sample()` follows Gymnasium: a coordinate bounded on both sides is uniform on [low, high); bounded
 * below only, `low + Exponential(1)`; bounded above only, `high - Exponential(1)`; unbounded, N(0, 1).
 *
 * ```ts
 * new Box(-2, 2, [1]);                          // Pendulum's torque
 * new Box([-1.2, -0.07], [0.6, 0.07]);           // shape [2] taken from the bounds
 * ```
 */
export class Box implements Space<number[]> {
  readonly low: readonly number[];
  readonly high: readonly number[];
  readonly shape: readonly number[];
  /** Number of elements: the product of `shape`. */
  readonly size: number;
  private rng: Generator;

  constructor(
    low: number | readonly number[],
    high: number | readonly number[],
    shape?: readonly number[],
    options: SpaceOptions = {},
  ) {
    const inferred = Array.isArray(low) ? [low.length] : Array.isArray(high) ? [high.length] : undefined;
    const boxShape = shape ?? inferred;
    if (boxShape === undefined) throw new Error("Box: scalar low and high need an explicit shape, e.g. new Box(-1, 1, [3])");
    for (const d of boxShape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`Box: shape must hold non-negative integers, got [${boxShape.join(", ")}]`);
    }
    const size = boxShape.reduce((a, b) => a * b, 1);
    const expand = (bound: number | readonly number[], name: string): number[] => {
      if (typeof bound === "number") return new Array<number>(size).fill(bound);
      if (bound.length !== size) {
        throw new Error(`Box: ${name} has ${bound.length} entries but shape [${boxShape.join(", ")}] has ${size} elements`);
      }
      return [...bound];
    };
    const lo = expand(low, "low");
    const hi = expand(high, "high");
    for (let i = 0; i < size; i++) {
      if (Number.isNaN(lo[i]) || Number.isNaN(hi[i]) || lo[i]! > hi[i]!) {
        throw new Error(`Box: need low <= high, got low[${i}]=${lo[i]} and high[${i}]=${hi[i]}`);
      }
    }
    this.low = lo;
    this.high = hi;
    this.shape = [...boxShape];
    this.size = size;
    this.rng = new Generator(checkSeed(options.seed ?? 0, "Box"));
  }

  /** True when every coordinate has a finite lower (`"below"`), upper (`"above"`) or both (`"both"`) bound. */
  isBounded(manner: "both" | "below" | "above" = "both"): boolean {
    const below = this.low.every(Number.isFinite);
    const above = this.high.every(Number.isFinite);
    return manner === "both" ? below && above : manner === "below" ? below : above;
  }

  sample(): number[] {
    const out = new Array<number>(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!, hi = this.high[i]!;
      const finiteLow = Number.isFinite(lo), finiteHigh = Number.isFinite(hi);
      if (finiteLow && finiteHigh) out[i] = this.rng.uniform(lo, hi);
      else if (finiteLow) out[i] = lo + this.exponential();
      else if (finiteHigh) out[i] = hi - this.exponential();
      else out[i] = this.rng.normal();
    }
    return out;
  }

  contains(x: unknown): boolean {
    if (!(Array.isArray(x) || x instanceof Float64Array || x instanceof Float32Array)) return false;
    if (x.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v: unknown = x[i];
      // NaN fails both comparisons, so it is rejected too.
      if (typeof v !== "number" || !(v >= this.low[i]! && v <= this.high[i]!)) return false;
    }
    return true;
  }

  seed(seed: number): void {
    this.rng.manualSeed(checkSeed(seed, "Box.seed"));
  }

  toString(): string {
    const fmt = (b: readonly number[]): string => (b.every((v) => v === b[0]) ? String(b[0]) : `[${b.join(", ")}]`);
    return `Box(${fmt(this.low)}, ${fmt(this.high)}, [${this.shape.join(", ")}])`;
  }

  private exponential(): number {
    return -Math.log(1 - this.rng.random());
  }
}

/**
 * `MultiDiscrete(nvec)`: integer vectors `x` with `start[i] <= x[i] < start[i] + nvec[i]`
 * (Gymnasium's product of Discrete spaces; `start` defaults to zeros).
 */
export class MultiDiscrete implements Space<number[]> {
  readonly nvec: readonly number[];
  readonly start: readonly number[];
  private rng: Generator;

  constructor(nvec: readonly number[], options: SpaceOptions & { start?: readonly number[] } = {}) {
    if (nvec.length === 0) throw new Error("MultiDiscrete: nvec must not be empty");
    nvec.forEach((n, i) => {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`MultiDiscrete: nvec[${i}] must be a positive integer, got ${n}`);
    });
    const start = options.start ?? new Array<number>(nvec.length).fill(0);
    if (start.length !== nvec.length) {
      throw new Error(`MultiDiscrete: start has ${start.length} entries but nvec has ${nvec.length}`);
    }
    start.forEach((s, i) => {
      if (!Number.isInteger(s)) throw new Error(`MultiDiscrete: start[${i}] must be an integer, got ${s}`);
    });
    this.nvec = [...nvec];
    this.start = [...start];
    this.rng = new Generator(checkSeed(options.seed ?? 0, "MultiDiscrete"));
  }

  sample(): number[] {
    return this.nvec.map((n, i) => this.start[i]! + this.rng.randint(0, n));
  }

  contains(x: unknown): boolean {
    if (!Array.isArray(x) || x.length !== this.nvec.length) return false;
    return x.every((v: unknown, i) => {
      const lo = this.start[i]!;
      return typeof v === "number" && Number.isInteger(v) && v >= lo && v < lo + this.nvec[i]!;
    });
  }

  seed(seed: number): void {
    this.rng.manualSeed(checkSeed(seed, "MultiDiscrete.seed"));
  }

  toString(): string {
    return `MultiDiscrete([${this.nvec.join(", ")}])`;
  }
}

/** The element type of each space in a tuple of spaces. */
export type SpaceValues<S extends readonly Space<unknown>[]> = { [K in keyof S]: S[K] extends Space<infer T> ? T : never };

/**
 * `Tuple(spaces)`: ordered pairs, triples, ... of elements of the given spaces.
 * `seed(n)` draws one seed per sub-space from `Generator(n)`, so sub-spaces get different streams.
 *
 * ```ts
 * const s = new Tuple([new Discrete(32), new Discrete(11), new Discrete(2)]); // Blackjack's observation
 * s.sample(); // e.g. [14, 3, 0]
 * ```
 */
export class Tuple<S extends readonly Space<unknown>[]> implements Space<SpaceValues<S>> {
  readonly spaces: S;

  constructor(spaces: S, options: SpaceOptions = {}) {
    this.spaces = spaces;
    if (options.seed !== undefined) this.seed(checkSeed(options.seed, "Tuple"));
  }

  sample(): SpaceValues<S> {
    // The mapped tuple type is exactly what this map produces; TypeScript cannot see through `map`.
    return this.spaces.map((s) => s.sample()) as SpaceValues<S>;
  }

  contains(x: unknown): boolean {
    return Array.isArray(x) && x.length === this.spaces.length && this.spaces.every((s, i) => s.contains(x[i]));
  }

  seed(seed: number): void {
    const seeder = new Generator(checkSeed(seed, "Tuple.seed"));
    for (const s of this.spaces) s.seed(seeder.randint(0, 2 ** 31));
  }

  toString(): string {
    return `Tuple(${this.spaces.map((s) => String(s)).join(", ")})`;
  }
}

/** Formats a value for error messages: arrays as `[a, b]`, strings quoted, everything else with String(). */
export function formatValue(x: unknown): string {
  if (Array.isArray(x) || x instanceof Float64Array || x instanceof Float32Array) {
    return `[${Array.from(x as ArrayLike<unknown>, formatValue).join(", ")}]`;
  }
  if (typeof x === "string") return JSON.stringify(x);
  if (x !== null && typeof x === "object") {
    try {
      return JSON.stringify(x);
    } catch {
      return String(x);
    }
  }
  return String(x);
}

/**
 * Throws unless `space` contains `x`. `context` names the operation, e.g. `"CartPole-v1.step"`, and
 * `what` the value (`"action"`), so the message reads `CartPole-v1.step: action 2 is not in Discrete(2)`.
 */
export function assertContains<T>(space: Space<T>, x: unknown, context: string, what = "action"): asserts x is T {
  if (!space.contains(x)) throw new Error(`${context}: ${what} ${formatValue(x)} is not in ${String(space)}`);
}

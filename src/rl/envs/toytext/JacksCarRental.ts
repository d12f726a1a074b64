// Jack's car rental (Sutton & Barto Example 4.2): move cars overnight between two locations to meet Poisson demand.

import type { Env, Info, ResetOptions, StepResult, TabularMDP, Transition } from "../../Env.js";
import { Generator } from "../../../random/Generator.js";
import { assertContains, Discrete } from "../../spaces.js";
import { resetArgs } from "../../seeding.js";

/**
 * Options of {@link JacksCarRental} (Sutton & Barto, Example 4.2): capacities, the overnight move limit,
 * rental credit, move cost and the Poisson rates of requests and returns.
 */
export interface JacksCarRentalOptions {
  /** Most cars a location can hold (extra cars are returned to the company). Default 20. */
  maxCars?: number;
  /** Most cars moved overnight. Default 5. */
  maxMove?: number;
  /**
   * Most cars a location can hold in the morning after the overnight move (extra moved cars vanish).
   * Default maxCars + maxMove = 25, as in the book's own code (jacks.lisp), which drew Figure 4.2;
   * set it to maxCars to cap at 20 right after the move as well.
   */
  overnightCapacity?: number;
  /** Credit per car rented. Default 10. */
  rentReward?: number;
  /** Cost per car moved. Default 2. */
  moveCost?: number;
  /** Poisson means of rental requests at the first and second location. Default [3, 4]. */
  requestMeans?: [number, number];
  /** Poisson means of returns at the first and second location. Default [3, 2]. */
  returnMeans?: [number, number];
}

/**
 * Sutton & Barto (2nd ed., 2018), Example 4.2 / Figure 4.2 (http://incompleteideas.net/book/RLbook2020.pdf#page=103).
 *
 * - States (Discrete(441)): `n1·21 + n2` with n1, n2 ∈ 0..20 the cars at the first and second location
 *   at the end of a day.
 * - Actions (Discrete(11)): action a moves `a − 5` cars overnight from the first location to the second
 *   (negative: from the second to the first), at $2 a car. A location ends a day with at most 20 cars
 *   (extra returns go back to the company, as the book says); right after the move it may hold up to
 *   `overnightCapacity` (25, as in the book's code jacks.lisp). A move larger than the cars at its
 *   source moves all of them but still costs $2 per car asked for (never better than the feasible move).
 * - Next day, at each location, rental requests ~ Poisson(3), Poisson(4) are met as far as cars allow
 *   ($10 each); returns ~ Poisson(3), Poisson(2) become available the day after (capped at 20).
 * - A continuing task, γ = 0.9 in the book; reset starts at (10, 10) unless `options.state` is given.
 *   `make("JacksCarRental")` truncates at 100 days.
 * - `step` samples real requests and returns. `P` (built on first use: 441·11 lists of up to 441
 *   transitions) has the exact next-state probabilities (Poisson tails lumped into the cap) and, as
 *   reward, the expected reward of (s, a) on every transition — exactly what DP needs.
 */
export class JacksCarRental implements Env<number, number> {
  readonly id: string = "JacksCarRental";
  readonly maxCars: number;
  readonly maxMove: number;
  readonly overnightCapacity: number;
  readonly rentReward: number;
  readonly moveCost: number;
  readonly requestMeans: [number, number];
  readonly returnMeans: [number, number];
  readonly nS: number;
  readonly nA: number;
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  /** Current state `n1·(maxCars+1) + n2`. */
  s = 0;
  private rng = new Generator(0);
  private done = true;
  private model: Transition[][][] | undefined;

  constructor(options: JacksCarRentalOptions = {}) {
    this.maxCars = options.maxCars ?? 20;
    this.maxMove = options.maxMove ?? 5;
    this.overnightCapacity = options.overnightCapacity ?? this.maxCars + this.maxMove;
    this.rentReward = options.rentReward ?? 10;
    this.moveCost = options.moveCost ?? 2;
    this.requestMeans = options.requestMeans ?? [3, 4];
    this.returnMeans = options.returnMeans ?? [3, 2];
    for (const [name, v] of [["maxCars", this.maxCars], ["maxMove", this.maxMove], ["overnightCapacity", this.overnightCapacity]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`JacksCarRental: ${name} must be a non-negative integer, got ${v}`);
    }
    if (this.overnightCapacity < this.maxCars) {
      throw new Error(`JacksCarRental: overnightCapacity (${this.overnightCapacity}) must be at least maxCars (${this.maxCars})`);
    }
    this.nS = (this.maxCars + 1) ** 2;
    this.nA = 2 * this.maxMove + 1;
    this.observationSpace = new Discrete(this.nS);
    this.actionSpace = new Discrete(this.nA);
  }

  /** State index of (n1, n2). */
  stateOf(n1: number, n2: number): number {
    return n1 * (this.maxCars + 1) + n2;
  }

  /** [n1, n2] of a state index. */
  carsOf(s: number): [number, number] {
    return [Math.floor(s / (this.maxCars + 1)), s % (this.maxCars + 1)];
  }

  /** Cars moved from the first location to the second by action a (negative: the other way). */
  moveOf(action: number): number {
    return action - this.maxMove;
  }

  /** Cars at each location after the overnight move of `action` from state `s`, and its cost. */
  private afterMove(s: number, action: number): { cars: [number, number]; cost: number } {
    const [n1, n2] = this.carsOf(s);
    const move = this.moveOf(action);
    const moved = move >= 0 ? Math.min(move, n1) : -Math.min(-move, n2);
    return {
      cars: [Math.min(n1 - moved, this.overnightCapacity), Math.min(n2 + moved, this.overnightCapacity)],
      cost: this.moveCost * Math.abs(move),
    };
  }

  reset(args?: ResetOptions): [number, Info] {
    const { seed, options } = resetArgs(args, this.id, ["state"]);
    if (seed !== undefined) this.rng.manualSeed(seed);
    const start = options["state"];
    if (start !== undefined) assertContains(this.observationSpace, start, `${this.id}.reset`, "options.state");
    this.s = start ?? this.stateOf(Math.floor(this.maxCars / 2), Math.floor(this.maxCars / 2));
    this.done = false;
    return [this.s, {}];
  }

  step(action: number): StepResult<number> {
    assertContains(this.actionSpace, action, `${this.id}.step`);
    if (this.done) throw new Error(`${this.id}.step(${action}): call reset() first`);
    const { cars, cost } = this.afterMove(this.s, action);
    let reward = -cost;
    const next = cars.map((n, i) => {
      const rented = Math.min(n, poisson(this.rng, this.requestMeans[i]!));
      reward += this.rentReward * rented;
      return Math.min(this.maxCars, n - rented + poisson(this.rng, this.returnMeans[i]!));
    });
    this.s = this.stateOf(next[0]!, next[1]!);
    return [this.s, reward, false, false, { rented: reward + cost }];
  }

  /** The tabular model (built on first access, then cached). */
  get P(): Transition[][][] {
    this.model ??= this.buildModel();
    return this.model;
  }

  private buildModel(): Transition[][][] {
    const N = this.maxCars + 1;
    // For each location and each count n after the move: distribution of the next count and expected rentals.
    const perLocation = [0, 1].map((i) =>
      Array.from({ length: this.overnightCapacity + 1 }, (_, n) => locationDynamics(n, this.maxCars, this.requestMeans[i]!, this.returnMeans[i]!)),
    );
    // Transitions depend on (s, a) only through the cars after the move and the cost: share the lists.
    const cache = new Map<string, Transition[]>();
    const P: Transition[][][] = [];
    for (let s = 0; s < this.nS; s++) {
      const row: Transition[][] = [];
      for (let a = 0; a < this.nA; a++) {
        const { cars, cost } = this.afterMove(s, a);
        const key = `${cars[0]},${cars[1]},${cost}`;
        let list = cache.get(key);
        if (list === undefined) {
          const first = perLocation[0]![cars[0]]!;
          const second = perLocation[1]![cars[1]]!;
          const reward = this.rentReward * (first.expectedRented + second.expectedRented) - cost;
          list = [];
          for (let m1 = 0; m1 < N; m1++) {
            for (let m2 = 0; m2 < N; m2++) {
              const prob = first.next[m1]! * second.next[m2]!;
              if (prob > 0) list.push({ prob, next: m1 * N + m2, reward, done: false });
            }
          }
          cache.set(key, list);
        }
        row.push(list);
      }
      P.push(row);
    }
    return P;
  }

  /** `{ nS, nA, P }` for dynamic programming. */
  toMDP(): TabularMDP {
    return { nS: this.nS, nA: this.nA, P: this.P };
  }
}

/** Poisson probability mass at k. */
function poissonPmf(k: number, mean: number): number {
  let p = Math.exp(-mean);
  for (let i = 1; i <= k; i++) p *= mean / i;
  return p;
}

/** One location's day starting with n cars: next-count distribution (0..max) and expected cars rented. */
function locationDynamics(n: number, max: number, requestMean: number, returnMean: number): { next: number[]; expectedRented: number } {
  const next = new Array<number>(max + 1).fill(0);
  let expectedRented = 0;
  let requestMass = 0;
  for (let rented = 0; rented <= n; rented++) {
    // All requests of n or more rent out every car: lump the tail into rented = n.
    const pRent = rented < n ? poissonPmf(rented, requestMean) : 1 - requestMass;
    requestMass += pRent;
    expectedRented += pRent * rented;
    const left = n - rented;
    if (left >= max) {
      // More cars than the lot holds (possible right after a move): the day ends full whatever returns.
      next[max]! += pRent;
      continue;
    }
    let returnMass = 0;
    for (let returned = 0; left + returned <= max; returned++) {
      const pRet = left + returned < max ? poissonPmf(returned, returnMean) : 1 - returnMass;
      returnMass += pRet;
      next[left + returned]! += pRent * pRet;
    }
  }
  return { next, expectedRented };
}

/** A Poisson(mean) draw by Knuth's multiplication method (fine for the small means used here). */
function poisson(rng: Generator, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.random();
  while (p > limit) {
    k++;
    p *= rng.random();
  }
  return k;
}

// Normal-form games: support enumeration, the zero-sum LP, best responses and learning dynamics.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Generator } from "../../src/random/Generator.js";
import {
  NormalFormGame,
  battleOfTheSexes,
  matchingPennies,
  prisonersDilemma,
  rockPaperScissors,
  stagHunt,
} from "../../src/games/NormalFormGame.js";
import { nash, type NashEquilibrium } from "../../src/games/nash.js";
import { zeroSumNash } from "../../src/games/zeroSumNash.js";
import { bestResponse, exploitability, nashConv } from "../../src/games/bestResponse.js";
import { regretMatching } from "../../src/games/regretMatching.js";
import { fictitiousPlay } from "../../src/games/fictitiousPlay.js";

function expectVector(actual: number[], expected: number[], tol = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(tol));
}

/** Finds the equilibrium whose row strategy matches `row` (order of the list is unspecified). */
function findEq(eqs: NashEquilibrium[], row: number[]): NashEquilibrium {
  const found = eqs.find((e) => e.row.every((v, i) => Math.abs(v - row[i]!) < 1e-9));
  if (!found) throw new Error(`no equilibrium with row strategy ${JSON.stringify(row)} in ${JSON.stringify(eqs)}`);
  return found;
}

describe("support enumeration matches the analytic equilibria of the classic games", () => {
  it("rock-paper-scissors: the unique equilibrium is uniform with value 0", () => {
    const g = rockPaperScissors();
    const eqs = nash(g.A, g.B);
    expect(eqs).toHaveLength(1);
    expectVector(eqs[0]!.row, [1 / 3, 1 / 3, 1 / 3]);
    expectVector(eqs[0]!.column, [1 / 3, 1 / 3, 1 / 3]);
    expectVector(eqs[0]!.values, [0, 0]);
  });

  it("matching pennies: the unique equilibrium is (1/2, 1/2) for both", () => {
    const g = matchingPennies();
    const eqs = nash(g.A, g.B);
    expect(eqs).toHaveLength(1);
    expectVector(eqs[0]!.row, [0.5, 0.5]);
    expectVector(eqs[0]!.column, [0.5, 0.5]);
  });

  it("battle of the sexes: two pure equilibria and one mixed (row Bach 2/3, column Bach 1/3)", () => {
    // Payoffs (2,1),(0,0),(0,0),(1,2). Column indifferent when 1·p = 2·(1 − p) ⇒ p = 2/3;
    // row indifferent when 2·q = 1·(1 − q) ⇒ q = 1/3; both then earn 2/3 (Osborne 2004, §4.1).
    const g = battleOfTheSexes();
    const eqs = nash(g.A, g.B);
    expect(eqs).toHaveLength(3);
    const bach = findEq(eqs, [1, 0]);
    expectVector(bach.column, [1, 0]);
    expectVector(bach.values, [2, 1]);
    const stravinsky = findEq(eqs, [0, 1]);
    expectVector(stravinsky.column, [0, 1]);
    expectVector(stravinsky.values, [1, 2]);
    const mixed = findEq(eqs, [2 / 3, 1 / 3]);
    expectVector(mixed.column, [1 / 3, 2 / 3]);
    expectVector(mixed.values, [2 / 3, 2 / 3]);
  });

  it("prisoner's dilemma: defect-defect is the unique equilibrium", () => {
    const g = prisonersDilemma();
    const eqs = nash(g.A, g.B);
    expect(eqs).toHaveLength(1);
    expectVector(eqs[0]!.row, [0, 1]);
    expectVector(eqs[0]!.column, [0, 1]);
    expectVector(eqs[0]!.values, [1, 1]);
  });

  it("stag hunt: stag-stag, hare-hare and the mixed equilibrium with stag probability 3/4", () => {
    // Stag earns 4·q, hare earns 3 whatever the other does: indifferent at q = 3/4, payoff 3.
    const g = stagHunt();
    const eqs = nash(g.A, g.B);
    expect(eqs).toHaveLength(3);
    expectVector(findEq(eqs, [1, 0]).values, [4, 4]);
    expectVector(findEq(eqs, [0, 1]).values, [3, 3]);
    const mixed = findEq(eqs, [3 / 4, 1 / 4]);
    expectVector(mixed.column, [3 / 4, 1 / 4]);
    expectVector(mixed.values, [3, 3]);
  });

  it("every equilibrium found in random 4x5 general-sum games has NashConv 0", () => {
    const rng = new Generator(7);
    let total = 0;
    for (let trial = 0; trial < 20; trial++) {
      const A = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => rng.normal()));
      const B = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => rng.normal()));
      const g = new NormalFormGame(A, B);
      const eqs = nash(A, B);
      // A nondegenerate game has an odd number of equilibria (Lemke–Howson / Shapley 1974).
      expect(eqs.length % 2).toBe(1);
      for (const e of eqs) expect(nashConv(g, e.row, e.column)).toBeLessThan(1e-9);
      total += eqs.length;
    }
    expect(total).toBeGreaterThanOrEqual(20);
  });

  it("rejects mismatched payoff shapes with a clear error", () => {
    expect(() => nash([[1, 2]], [[1], [2]])).toThrow(/same shape/);
    expect(() => nash([[1, 2], [3]], [[1, 2], [3, 4]])).toThrow(/ragged/);
  });
});

describe("zeroSumNash (simplex LP)", () => {
  it("solves Wikipedia's red/blue example: value 20/7, red (4/7, 3/7), blue (0, 4/7, 3/7)", () => {
    // https://en.wikipedia.org/wiki/Zero-sum_game#Example — Red's payoffs, Red chooses the row.
    const A = [
      [30, -10, 20],
      [-10, 20, -20],
    ];
    const sol = zeroSumNash(A);
    expect(sol.value).toBeCloseTo(20 / 7, 10);
    expectVector(sol.row, [4 / 7, 3 / 7]);
    expectVector(sol.column, [0, 4 / 7, 3 / 7]);
  });

  it("solves the Weiss QM for Windows example: value 27.069 with row (0.0517, 0.9483, 0)", () => {
    // Weiss, "QM for Windows" game-theory module example (Prentice Hall): row 3 is dominated; the
    // published mixes are row (5.17%, 94.83%, 0), column (68.97%, 0, 0, 31.03%), value 27.069.
    const A = [
      [10, -10, 24, 65],
      [28, 43, 96, 25],
      [16, 37, 86, 22],
    ];
    const sol = zeroSumNash(A);
    expect(Math.abs(sol.value - 27.069)).toBeLessThan(5e-4);
    expectVector(sol.row, [0.0517, 0.9483, 0], 5e-5);
    expectVector(sol.column, [0.6897, 0, 0, 0.3103], 5e-5);
  });

  it("agrees with scipy's HiGHS LP on random integer games (fixture)", () => {
    const fixture = JSON.parse(readFileSync(new URL("../fixtures/games/zero_sum_lp.json", import.meta.url), "utf8")) as {
      games: { A: number[][]; value: number }[];
    };
    expect(fixture.games.length).toBeGreaterThan(5);
    for (const { A, value } of fixture.games) {
      const sol = zeroSumNash(A);
      expect(Math.abs(sol.value - value)).toBeLessThan(1e-9);
      // The strategies certify the value: x guarantees ≥ v, y concedes ≤ v.
      const g = NormalFormGame.zeroSum(A);
      expect(exploitability(g, sol.row, sol.column)).toBeLessThan(1e-9);
    }
  });

  it("agrees with support enumeration on random zero-sum games (identity: same value, same strategies)", () => {
    const rng = new Generator(11);
    for (let trial = 0; trial < 25; trial++) {
      const m = rng.randint(2, 6);
      const n = rng.randint(2, 6);
      const A = Array.from({ length: m }, () => Array.from({ length: n }, () => rng.uniform(-1, 1)));
      const g = NormalFormGame.zeroSum(A);
      const lp = zeroSumNash(A);
      const eqs = nash(g.A, g.B);
      // A generic zero-sum game has a unique equilibrium (Bohnenblust, Karlin & Shapley 1950).
      expect(eqs).toHaveLength(1);
      expect(Math.abs(eqs[0]!.values[0] - lp.value)).toBeLessThan(1e-9);
      expectVector(lp.row, eqs[0]!.row, 1e-8);
      expectVector(lp.column, eqs[0]!.column, 1e-8);
    }
  });

  it("finds a pure saddle point", () => {
    // Saddle at (row 1, column 0): 3 is the minimum of its row and the maximum of its column.
    const sol = zeroSumNash([
      [1, 5],
      [3, 4],
    ]);
    expect(sol.value).toBeCloseTo(3, 12);
    expectVector(sol.row, [0, 1]);
    expectVector(sol.column, [1, 0]);
  });
});

describe("best responses and exploitability", () => {
  it("paper beats rock, and pure rock against pure rock is exploitable by 1 + 1 = 2", () => {
    const g = rockPaperScissors();
    const br = bestResponse(g, 0, [1, 0, 0]);
    expect(br.action).toBe(1);
    expect(br.value).toBe(1);
    expectVector(br.actionValues, [0, 1, -1]);
    expect(bestResponse(g, 1, [1, 0, 0]).action).toBe(1);
    expect(exploitability(g, [1, 0, 0], [1, 0, 0])).toBeCloseTo(2, 12);
    expect(exploitability(g, [1 / 3, 1 / 3, 1 / 3], [1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(0, 12);
  });

  it("NashConv of cooperate-cooperate in the prisoner's dilemma is (5 − 3) + (5 − 3) = 4", () => {
    const g = prisonersDilemma();
    expect(nashConv(g, [1, 0], [1, 0])).toBeCloseTo(4, 12);
    expect(nashConv(g, [0, 1], [0, 1])).toBeCloseTo(0, 12);
  });

  it("exploitability refuses general-sum games and bad strategies", () => {
    expect(() => exploitability(prisonersDilemma(), [0, 1], [0, 1])).toThrow(/not zero-sum/);
    expect(() => nashConv(rockPaperScissors(), [0.5, 0.5], [1, 0, 0])).toThrow(/2 entries.*3 actions/);
    expect(() => nashConv(rockPaperScissors(), [0.5, 0.6, -0.1], [1, 0, 0])).toThrow(/negative/);
  });
});

describe("learning dynamics on rock-paper-scissors", () => {
  it("regret matching's average profile is within the regret bound 2·Δ·√(|A|/T) of equilibrium", () => {
    // Each player's average regret is ≤ Δ√(|A|/T) (Cesa-Bianchi & Lugosi 2006, Thm 2.1 for the
    // polynomial potential with p = 2), and in a zero-sum game NashConv of the average profile is at
    // most the sum of the two average regrets. Here Δ = 2 (payoffs in [−1, 1]) and |A| = 3.
    const g = rockPaperScissors();
    const T = 5000;
    const trace = regretMatching(g, { iterations: T, evaluateEvery: 1000 });
    const bound = 2 * 2 * Math.sqrt(3 / T);
    expect(trace.nashConv.at(-1)!).toBeLessThan(bound);
    expect(trace.iterations).toEqual([1000, 2000, 3000, 4000, 5000]);
    expectVector(trace.averageRow, [1 / 3, 1 / 3, 1 / 3], 0.05);
  });

  it("fictitious play's empirical mix approaches the uniform equilibrium (Robinson 1951)", () => {
    const g = rockPaperScissors();
    const trace = fictitiousPlay(g, { iterations: 20000, evaluateEvery: 100 });
    expect(trace.iterations[0]).toBe(100);
    expect(trace.nashConv.at(-1)!).toBeLessThan(trace.nashConv[0]! / 2);
    expect(trace.nashConv.at(-1)!).toBeLessThan(0.05);
    expectVector(trace.averageColumn, [1 / 3, 1 / 3, 1 / 3], 0.02);
  });
});

// linearSumAssignment against brute force on random matrices and against scipy on a committed fixture.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { optimize, tensor } from "../../src/index.js";

const { linearSumAssignment } = optimize;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The smallest total over every way to give each row of the (n ≤ m) matrix its own column. */
function bruteForce(cost: number[][]): number {
  const n = cost.length;
  const m = cost[0]!.length;
  const used = new Array<boolean>(m).fill(false);
  let best = Infinity;
  const visit = (row: number, total: number): void => {
    if (row === n) {
      best = Math.min(best, total);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      visit(row + 1, total + cost[row]![j]!);
      used[j] = false;
    }
  };
  visit(0, 0);
  return best;
}

const transposeOf = (a: number[][]): number[][] => a[0]!.map((_, j) => a.map((row) => row[j]!));

function checkValid(cost: number[][], rows: number[], cols: number[]): number {
  const n = cost.length;
  const m = cost[0]!.length;
  expect(rows.length).toBe(Math.min(n, m));
  expect(cols.length).toBe(rows.length);
  expect(new Set(rows).size).toBe(rows.length);
  expect(new Set(cols).size).toBe(cols.length);
  for (let k = 1; k < rows.length; k++) expect(rows[k]!).toBeGreaterThan(rows[k - 1]!);
  let total = 0;
  for (let k = 0; k < rows.length; k++) total += cost[rows[k]!]![cols[k]!]!;
  return total;
}

describe("optimize.linearSumAssignment", () => {
  it("equals brute force on random square matrices up to 8×8", () => {
    const rand = mulberry32(1);
    let trials = 0;
    for (let n = 1; n <= 8; n++) {
      for (let t = 0; t < (n <= 6 ? 40 : 8); t++) {
        // Integer costs give many ties (several optima); continuous ones give a unique optimum.
        const integer = t % 2 === 0;
        const cost = Array.from({ length: n }, () => Array.from({ length: n }, () => (integer ? Math.floor(rand() * 5) : rand() * 10 - 3)));
        const { rows, cols } = linearSumAssignment(cost);
        expect(checkValid(cost, rows, cols)).toBeCloseTo(bruteForce(cost), 9);
        trials++;
      }
    }
    expect(trials).toBe(256);
  });

  it("equals brute force on random rectangular matrices (wide and tall) and with maximize", () => {
    const rand = mulberry32(2);
    for (const [n, m] of [[1, 5], [2, 7], [3, 8], [4, 6], [5, 8], [6, 7], [7, 8], [5, 1], [7, 2], [8, 3], [6, 4], [8, 5], [8, 7]] as const) {
      for (let t = 0; t < 6; t++) {
        const cost = Array.from({ length: n }, () => Array.from({ length: m }, () => (t % 2 === 0 ? Math.floor(rand() * 4) : rand() * 2 - 1)));
        const wide = n <= m ? cost : transposeOf(cost);
        const { rows, cols } = linearSumAssignment(cost);
        expect(checkValid(cost, rows, cols)).toBeCloseTo(bruteForce(wide), 9);
        const max = linearSumAssignment(cost, { maximize: true });
        const negated = wide.map((row) => row.map((v) => -v));
        expect(checkValid(cost, max.rows, max.cols)).toBeCloseTo(-bruteForce(negated), 9);
      }
    }
  });

  it("equals scipy.optimize.linear_sum_assignment on the committed fixture", () => {
    const fixture = JSON.parse(readFileSync(new URL("../fixtures/optimize/linear_sum_assignment.json", import.meta.url), "utf8")) as {
      cases: { cost: (number | null)[][]; maximize: boolean; rows: number[]; cols: number[]; total: number }[];
    };
    expect(fixture.cases.length).toBe(15);
    for (const c of fixture.cases) {
      const cost = c.cost.map((row) => row.map((v) => (v === null ? Infinity : v)));
      const result = linearSumAssignment(cost, { maximize: c.maximize });
      expect(result.rows).toEqual(c.rows);
      expect(result.cols).toEqual(c.cols);
      expect(checkValid(cost, result.rows, result.cols)).toBeCloseTo(c.total, 9);
    }
  });

  it("accepts a 2-D tensor and empty matrices", () => {
    expect(linearSumAssignment(tensor([[4, 1, 3], [2, 0, 5], [3, 2, 2]]))).toEqual({ rows: [0, 1, 2], cols: [1, 0, 2] });
    expect(linearSumAssignment([])).toEqual({ rows: [], cols: [] });
    expect(linearSumAssignment([[], []])).toEqual({ rows: [], cols: [] });
  });

  it("rejects NaN, -Infinity, infeasible and non-2-D input with errors naming the op", () => {
    expect(() => linearSumAssignment([[1, NaN], [0, 2]])).toThrow(/^linearSumAssignment: the cost matrix contains NaN at \[0, 1\]/);
    expect(() => linearSumAssignment([[1, -Infinity], [0, 2]])).toThrow(/^linearSumAssignment: .*-Infinity at \[0, 1\]/);
    expect(() => linearSumAssignment([[1, Infinity], [0, 2]], { maximize: true })).toThrow(/^linearSumAssignment: .*maximize/);
    expect(() => linearSumAssignment([[Infinity, Infinity], [0, 2]])).toThrow(/^linearSumAssignment: the cost matrix is infeasible/);
    expect(() => linearSumAssignment(tensor([1, 2, 3]) as never)).toThrow(/^linearSumAssignment: expected a 2-D cost matrix, got a tensor of shape \[3\]/);
    expect(() => linearSumAssignment([1, 2] as never)).toThrow(/^linearSumAssignment: expected a 2-D cost matrix, but row 0 is 1/);
    expect(() => linearSumAssignment([[1, 2], [3]])).toThrow(/^linearSumAssignment: the cost matrix is ragged/);
    expect(() => linearSumAssignment([[1, "2"]] as never)).toThrow(/^linearSumAssignment: cost\[0\]\[1\] must be a number/);
  });
});

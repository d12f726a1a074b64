// clipGradNorm_ / clipGradValue_ against PyTorch 2.x with NaN and ±Infinity gradients
// (fixture: test/fixtures/nn/make_clip_fixture.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import * as nn from "../../src/nn/index.js";

type Num = number | "nan" | "inf" | "-inf";
interface NormCase {
  name: string;
  grads: Num[][];
  maxNorm: number;
  normType: Num;
  errorIfNonfinite: boolean;
  raises: boolean;
  total?: Num;
  after: Num[][];
}
interface ValueCase {
  grads: Num[][];
  clipValue: number;
  after: Num[][];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/nn/clip_reference.json", import.meta.url), "utf8")) as {
  clipGradNorm: NormCase[];
  clipGradValue: ValueCase[];
};

const decode = (v: Num): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);

function params(grads: Num[][]): nn.Parameter[] {
  return grads.map((g) => {
    const p = new nn.Parameter(tensor(g.map(() => 0)));
    p.grad = tensor(g.map(decode));
    return p;
  });
}

/**
 * NaN, ±Infinity and ±0 must match exactly; other values to 2 float32 ulps (the fixture is float32).
 * `signOfZero: false` accepts 0 for −0 (clamp's `minimum(−0, 0)` kernel returns +0 where PyTorch keeps −0).
 */
function expectSame(actual: number, expected: number, where: string, signOfZero = true): void {
  if (expected === 0 && !signOfZero) {
    expect(actual === 0, `${where}: ${actual} vs ${expected}`).toBe(true);
  } else if (Number.isFinite(expected) && expected !== 0) {
    expect(Math.abs(actual - expected), `${where}: ${actual} vs ${expected}`).toBeLessThanOrEqual(Math.abs(expected) * 2 ** -22);
  } else {
    expect(actual, where).toBe(expected); // Object.is: NaN equals NaN, -0 differs from 0
  }
}

describe("clipGradNorm_ matches PyTorch on finite and non-finite gradients", () => {
  for (const c of fixture.clipGradNorm) {
    const normType = decode(c.normType);
    const title = `${c.name}: maxNorm ${c.maxNorm}, normType ${normType}, errorIfNonfinite ${c.errorIfNonfinite}`;
    it(title, () => {
      const ps = params(c.grads);
      const call = () => nn.clipGradNorm_(ps, c.maxNorm, normType, { errorIfNonfinite: c.errorIfNonfinite });
      if (c.raises) {
        expect(call).toThrow(/clipGradNorm_: the total .*norm of the gradients is (NaN|Infinity).*non-finite/);
      } else {
        expectSame(call(), decode(c.total!), "total norm");
      }
      // Gradients afterwards (unchanged when PyTorch raises, since it raises before scaling).
      ps.forEach((p, i) => p.grad!.toList().forEach((v, j) => expectSame(v as number, decode(c.after[i]![j]!), `grad ${i}[${j}]`)));
    });
  }

  it("accepts the options object in place of normType", () => {
    const ps = params([[1, NaN]]);
    expect(() => nn.clipGradNorm_(ps, 1, { normType: 1, errorIfNonfinite: true })).toThrow(/clipGradNorm_: the total 1-norm/);
    expect(nn.clipGradNorm_(params([[3, -4]]), 100, { normType: Infinity })).toBe(4);
  });

  it("rejects arguments PyTorch would turn into a silently different computation", () => {
    const ps = params([[3, 4]]);
    expect(() => nn.clipGradNorm_(ps, NaN)).toThrow(/clipGradNorm_: maxNorm must be a non-negative number, got NaN/);
    expect(() => nn.clipGradNorm_(ps, -1)).toThrow(/clipGradNorm_: maxNorm must be a non-negative number, got -1/);
    expect(() => nn.clipGradNorm_(ps, 1, 0)).toThrow(/clipGradNorm_: normType must be positive or Infinity, got 0/);
    expect(() => nn.clipGradNorm_(ps, 1, 2, { errorIfNonfinite: "yes" as unknown as boolean })).toThrow(
      /clipGradNorm_: errorIfNonfinite must be a boolean, got "yes"/,
    );
    expect(() => nn.clipGradNorm_(params([[], [1]]), 1, Infinity)).toThrow(/clipGradNorm_: cannot take the ∞-norm of an empty gradient \(parameter 0, shape \[0\]\)/);
    expect(ps[0]!.grad!.toList()).toEqual([3, 4]);
  });
});

describe("clipGradValue_ matches PyTorch on NaN and ±Infinity", () => {
  for (const c of fixture.clipGradValue) {
    it(`${JSON.stringify(c.grads)} clipped at ${c.clipValue}`, () => {
      const ps = params(c.grads);
      nn.clipGradValue_(ps, c.clipValue);
      ps.forEach((p, i) => p.grad!.toList().forEach((v, j) => expectSame(v as number, decode(c.after[i]![j]!), `grad ${i}[${j}]`, false)));
    });
  }
});

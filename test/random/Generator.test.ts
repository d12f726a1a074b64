import { describe, expect, it } from "vitest";
import { Generator } from "../../src/random/Generator.js";

describe("Generator", () => {
  it("produces the same stream for the same seed and a different one for another seed", () => {
    const a = new Generator(42), b = new Generator(42), c = new Generator(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    const sb = Array.from({ length: 8 }, () => b.nextUint32());
    const sc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it("has uniform and normal moments close to theory", () => {
    const g = new Generator(1);
    const n = 200_000;
    let s = 0, s2 = 0, ns = 0, ns2 = 0, ns4 = 0;
    for (let i = 0; i < n; i++) {
      const u = g.random(); s += u; s2 += u * u;
      const z = g.normal(); ns += z; ns2 += z * z; ns4 += z ** 4;
    }
    // standard errors: mean of U(0,1) ±0.00065, var ±0.0002; N(0,1) mean ±0.0022, var ±0.0032, 4th moment ±0.02
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.003);
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(0.001);
    expect(Math.abs(ns / n)).toBeLessThan(0.01);
    expect(Math.abs(ns2 / n - 1)).toBeLessThan(0.015);
    expect(Math.abs(ns4 / n - 3)).toBeLessThan(0.1);
  });

  it("randint covers its range without bias and permutation is a permutation", () => {
    const g = new Generator(7);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[g.randint(0, 6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400); // ~4.4 sigma
    const p = g.permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(() => g.randint(3, 3)).toThrow(/randint/);
  });

  it("restores its state exactly", () => {
    const g = new Generator(5);
    g.normal();
    const st = g.getState();
    const x = [g.normal(), g.random(), g.nextUint32()];
    g.setState(st);
    expect([g.normal(), g.random(), g.nextUint32()]).toEqual(x);
  });
});

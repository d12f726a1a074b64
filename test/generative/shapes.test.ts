// shapePairs: seeded, outlines are the boundary of the filled shapes, and values stay in [−1, 1].
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { generative } from "../../src/index.js";

describe("shapePairs", () => {
  it("the same seed gives the same images, another seed other images", () => {
    const a = generative.shapePairs(6, { generator: new ds.Generator(3) });
    const b = generative.shapePairs(6, { generator: new ds.Generator(3) });
    const c = generative.shapePairs(6, { generator: new ds.Generator(4) });
    expect([...a.edges.dataSync()]).toEqual([...b.edges.dataSync()]);
    expect([...a.filled.dataSync()]).toEqual([...b.filled.dataSync()]);
    expect([...a.filled.dataSync()]).not.toEqual([...c.filled.dataSync()]);
  });

  it("grey pairs: values ±1, every outline pixel is a shape pixel on the shape's boundary, every shape has an interior", () => {
    const s = 32, n = 40;
    const { edges, filled } = generative.shapePairs(n, { size: s, generator: new ds.Generator(0) });
    expect(edges.shape).toEqual([n, 1, s, s]);
    expect(filled.shape).toEqual([n, 1, s, s]);
    const e = edges.dataSync(), f = filled.dataSync();
    const bad: string[] = [];
    for (let k = 0; k < n; k++) {
      let edgeCount = 0, interior = 0;
      const at = (x: number, y: number) => (x < 0 || y < 0 || x >= s || y >= s ? -1 : f[k * s * s + y * s + x]!);
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < s; x++) {
          const i = k * s * s + y * s + x;
          if (Math.abs(e[i]!) !== 1 || Math.abs(f[i]!) !== 1) bad.push(`image ${k} pixel ${x},${y}: values ${e[i]}, ${f[i]}`);
          const boundary = f[i] === 1 && [at(x - 1, y), at(x + 1, y), at(x, y - 1), at(x, y + 1)].includes(-1);
          if ((e[i] === 1) !== boundary) bad.push(`image ${k} pixel ${x},${y}: outline ${e[i]}, boundary ${boundary}`);
          if (e[i] === 1) edgeCount++;
          else if (f[i] === 1) interior++;
        }
      }
      expect(edgeCount).toBeGreaterThan(8);
      expect(interior).toBeGreaterThan(0);
    }
    expect(bad).toEqual([]);
  });

  it("colour pairs: 3 channels, outline pixels carry the fill colour", () => {
    const { edges, filled } = generative.shapePairs(5, { size: 16, channels: 3, maxShapes: 3, generator: new ds.Generator(1) });
    expect(edges.shape).toEqual([5, 3, 16, 16]);
    const e = edges.dataSync(), f = filled.dataSync();
    for (let i = 0; i < e.length; i++) if (e[i] !== -1) expect(e[i]).toBe(f[i]);
    expect(Math.min(...f)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...f)).toBeLessThanOrEqual(1);
  });

  it("bad arguments are errors naming shapePairs", () => {
    expect(() => generative.shapePairs(0)).toThrow(/shapePairs: n must be a positive integer/);
    expect(() => generative.shapePairs(2, { channels: 2 as 1 })).toThrow(/shapePairs: channels must be 1 or 3/);
    expect(() => generative.shapePairs(2, { size: 4 })).toThrow(/shapePairs: size must be an integer ≥ 8/);
  });
});

describe("training steps", () => {
  it("pix2pixStep: on 8 fixed pairs (16 × 16), 110 steps bring the L1 of G below the outline-as-output baseline", () => {
    const { edges, filled } = generative.shapePairs(8, { size: 16, generator: new ds.Generator(5) });
    const rng = new ds.Generator(0);
    const G = new generative.UNetGenerator(1, 1, { depth: 4, features: 8, generator: rng });
    const D = new generative.PatchDiscriminator(2, { features: 8, nLayers: 2, generator: rng });
    const oG = new ds.optim.Adam(G.parameters(), { lr: 1e-3, betas: [0.5, 0.999] }), oD = new ds.optim.Adam(D.parameters(), { lr: 1e-3, betas: [0.5, 0.999] });
    const baseline = edges.sub(filled).abs().mean().item();
    const first = generative.pix2pixStep(G, D, oG, oD, edges, filled);
    let last = first;
    for (let i = 0; i < 109; i++) last = generative.pix2pixStep(G, D, oG, oD, edges, filled);
    expect(last.gL1).toBeLessThan(baseline);
    expect(last.gL1).toBeLessThan(first.gL1 / 4);
    expect(last.gLoss).toBeCloseTo(last.gAdversarial + 100 * last.gL1, 4); // float32
  }, 60_000);

  it("cycleGanStep: 40 steps on 4 + 4 unpaired images (16 × 16, with image pools) lower the cycle-consistency loss by 30 %", () => {
    const A = generative.shapePairs(4, { size: 16, generator: new ds.Generator(6) }).edges;
    const B = generative.shapePairs(4, { size: 16, generator: new ds.Generator(7) }).filled;
    const rng = new ds.Generator(0);
    const model = new generative.CycleGAN({ depth: 4, generatorFeatures: 8, discriminatorFeatures: 8, nLayers: 2, generator: rng });
    const oG = new ds.optim.Adam([...model.genAB.parameters(), ...model.genBA.parameters()], { lr: 1e-3, betas: [0.5, 0.999] });
    const oD = new ds.optim.Adam([...model.discA.parameters(), ...model.discB.parameters()], { lr: 1e-3, betas: [0.5, 0.999] });
    const poolA = new generative.ImagePool(6, { generator: rng }), poolB = new generative.ImagePool(6, { generator: rng });
    const first = generative.cycleGanStep(model, oG, oD, A, B, { poolA, poolB });
    let last = first;
    for (let i = 0; i < 39; i++) last = generative.cycleGanStep(model, oG, oD, A, B, { poolA, poolB });
    expect(last.cycleA + last.cycleB).toBeLessThan(0.7 * (first.cycleA + first.cycleB));
    expect(last.gLoss).toBeCloseTo(last.ganAB + last.ganBA + last.cycleA + last.cycleB + last.identityA + last.identityB, 4);
  }, 60_000);

  it("ImagePool: fills up first, then returns a mix of stored and new images", () => {
    const pool = new generative.ImagePool(3, { generator: new ds.Generator(0) });
    const batch = (v: number) => ds.full([2, 1, 1, 1], v);
    expect([...pool.query(batch(1)).dataSync()]).toEqual([1, 1]);
    const mixed: number[] = [];
    for (let v = 2; v < 30; v++) mixed.push(...pool.query(batch(v)).dataSync());
    expect(mixed.slice(0, 1)).toEqual([2]); // the third slot is still free
    const old = mixed.filter((x, i) => x < 2 + Math.floor(i / 2));
    expect(old.length).toBeGreaterThan(5);
    expect(old.length).toBeLessThan(mixed.length - 5);
    expect([...new generative.ImagePool(0).query(batch(7)).dataSync()]).toEqual([7, 7]);
  });
});

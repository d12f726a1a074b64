// The fused WASM SGD update against the same formulas evaluated in float32, one rounding per operation.
import { describe, expect, it } from "vitest";
import { Generator } from "../../../src/random/Generator.js";
import type { SgdMode } from "../../../src/backend/wasm/optim.js";
import { kernels, randomArray } from "./helpers.js";

const f = Math.fround;
const FLT_MIN = 2 ** -126;

function referenceSgd(mode: SgdMode, p: Float32Array, g: Float32Array, b: Float32Array, lr: number, mu: number, keep: number, wd: number): void {
  [lr, mu, keep, wd] = [f(lr), f(mu), f(keep), f(wd)];
  for (let i = 0; i < p.length; i++) {
    const gi = f(g[i]! + f(wd * p[i]!));
    let step = gi;
    if (mode === "first") b[i] = Math.abs(gi) < FLT_MIN ? 0 : gi;
    if (mode === "momentum") {
      const bi = f(f(mu * b[i]!) + f(keep * gi));
      b[i] = Math.abs(bi) < FLT_MIN ? 0 : bi;
      step = b[i]!;
    }
    p[i] = f(p[i]! - f(lr * step));
  }
}

describe("wasm sgd", () => {
  const gen = new Generator(7);
  for (const mode of ["plain", "first", "momentum"] as const) {
    for (const n of [0, 1, 3, 4, 5, 17, 1000, 4099]) {
      it(`${mode}, n = ${n}, matches the float32 formulas exactly`, async () => {
        const k = await kernels();
        const p = randomArray(gen, n), g = randomArray(gen, n), b = randomArray(gen, n);
        const [p2, b2] = [p.slice(), b.slice()];
        const h = { lr: 0.05, momentum: 0.9, keep: 0.75, weightDecay: 1e-3 };
        k.sgd(mode, p, g, mode === "plain" ? null : b, h);
        referenceSgd(mode, p2, g, b2, h.lr, h.momentum, h.keep, h.weightDecay);
        expect(Array.from(p)).toEqual(Array.from(p2));
        if (mode !== "plain") expect(Array.from(b)).toEqual(Array.from(b2));
      });
    }
  }

  it("stores subnormal momentum as 0 (a dead unit's buffer decays to 0 instead of sticking at 2^-149)", async () => {
    const k = await kernels();
    const p = new Float32Array([1, 1, 1, 1, 1]);
    const g = new Float32Array(5);
    const b = new Float32Array([2 ** -149, 2 ** -130, 2 ** -120, -(2 ** -140), 1]);
    k.sgd("momentum", p, g, b, { lr: 0.1, momentum: 0.9, keep: 1, weightDecay: 0 });
    expect(Array.from(b.subarray(0, 2))).toEqual([0, 0]);
    expect(b[2]).toBe(f(f(0.9) * 2 ** -120)); // still normal: kept
    expect(Object.is(b[3], -0) || b[3] === 0).toBe(true);
    expect(b[4]).toBe(f(0.9));
  });

  it("rejects mismatched lengths and a missing buffer", async () => {
    const k = await kernels();
    const h = { lr: 0.1, momentum: 0.9, keep: 1, weightDecay: 0 };
    expect(() => k.sgd("plain", new Float32Array(3), new Float32Array(4), null, h)).toThrow("sgd: p, g and b must have the same length, got 3, 4 and none");
    expect(() => k.sgd("momentum", new Float32Array(3), new Float32Array(3), null, h)).toThrow('sgd: mode "momentum" needs a momentum buffer');
  });
});

describe("wasm adam", () => {
  const gen = new Generator(17);
  for (const amsgrad of [false, true]) {
    for (const [decay, wd] of [[1, 0], [1, 0.01], [1 - 1e-3 * 0.02, 0]] as const) {
      for (const n of [0, 1, 5, 17, 1000]) {
        it(`amsgrad=${amsgrad}, decay=${decay}, wd=${wd}, n = ${n}: the float32 formulas exactly`, async () => {
          const k = await kernels();
          const p = randomArray(gen, n), g = randomArray(gen, n), m = randomArray(gen, n, -0.1, 0.1), v = randomArray(gen, n, 0, 0.01);
          const vmax = randomArray(gen, n, 0, 0.01);
          const want = [p, m, v, vmax].map((a) => a.slice());
          const h = { stepSize: 1e-3 / (1 - 0.9 ** 3), beta1: 0.9, beta2: 0.999, bc2: Math.sqrt(1 - 0.999 ** 3), eps: 1e-8, weightDecay: wd, decay };
          k.adam(p, g, m, v, amsgrad ? vmax : null, h);
          const [P, M, V, VM] = want as [Float32Array, Float32Array, Float32Array, Float32Array];
          const [b1, b1c, b2, b2c, step, bc2, eps] = [f(0.9), f(1 - 0.9), f(0.999), f(1 - 0.999), f(h.stepSize), f(h.bc2), f(1e-8)];
          for (let i = 0; i < n; i++) {
            const pp = f(P[i]! * f(decay));
            const gg = f(g[i]! + f(f(wd) * pp));
            let mm = f(f(M[i]! * b1) + f(gg * b1c));
            let vv = f(f(V[i]! * b2) + f(f(gg * gg) * b2c));
            if (Math.abs(mm) < FLT_MIN) mm = 0;
            if (Math.abs(vv) < FLT_MIN) vv = 0;
            M[i] = mm;
            V[i] = vv;
            let vh = vv;
            if (amsgrad) VM[i] = vh = Math.max(VM[i]!, vv);
            const denom = f(f(f(Math.sqrt(vh)) / bc2) + eps);
            P[i] = f(pp - f(f(mm / denom) * step));
          }
          expect(Array.from(p)).toEqual(Array.from(P));
          expect(Array.from(m)).toEqual(Array.from(M));
          expect(Array.from(v)).toEqual(Array.from(V));
          if (amsgrad) expect(Array.from(vmax)).toEqual(Array.from(VM));
        });
      }
    }
  }
});

// WASM unary and binary elementwise kernels against plain-JS math, including broadcasting fast paths.
import { describe, expect, it } from "vitest";
import { Generator } from "../../../src/random/Generator.js";
import { BINARY_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from "../../../src/backend/wasm/elementwise.js";
import { kernels, randomArray } from "./helpers.js";
import { erf } from "../../../src/backend/cpu/elementwise.js";

const sizes = [0, 1, 3, 4, 5, 8, 17, 1000, 4099];
const specials = [0, -0, 1, -1, 0.5, 1e-30, -1e-30, 1e-40, 3e38, -3e38, Infinity, -Infinity, NaN, 88.5, 89, -87, -104, 20, -20];

const reference: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  relu: (x) => (Number.isNaN(x) ? NaN : x > 0 ? x : 0),
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  erf, // the CPU reference kernel's erf (a table and Taylor expansion, a few float64 ulps)
  gelu: (x) => 0.5 * x * (1 + erf(x * Math.SQRT1_2)),
};

/**
 * neg, abs, relu and sqrt are exact or correctly rounded in IEEE arithmetic, so they must equal the
 * float64 result rounded to float32. exp, log, tanh and sigmoid use the Cephes polynomials, whose
 * stated peak relative errors are 1.7e-7 (expf), 7.6e-8 (logf) and 8.2e-8 (tanhf) (Moshier 1989,
 * netlib.org/cephes); sigmoid adds one addition and one division (2 more half-ulps); erf is a series below 1
 * and 1 − erfc (fractional error < 1.2e-7 on erfc ≤ 0.16) above. So we allow a
 * relative error of 3·2⁻²³ ≈ 3.6e-7, compared with the float32 rounding of the exact value (results
 * whose exact value is subnormal only need to be within 2⁻¹⁴⁹·2 absolutely).
 */
function checkUnary(op: UnaryOp, x: Float32Array, y: Float32Array): void {
  const exact = op === "neg" || op === "abs" || op === "relu" || op === "sqrt";
  for (let i = 0; i < x.length; i++) {
    const want = Math.fround(reference[op](x[i]));
    const got = y[i];
    // gelu = ½x + ½x·erf(x/√2) cancels for x < 0 in float32 (as PyTorch's kernel does): its error is
    // relative to the terms, |want| + |x|/2, not to the result.
    const scale = op === "gelu" ? Math.abs(want) + 0.5 * Math.abs(x[i]) : Math.abs(want);
    const ok = exact || !Number.isFinite(want) || want === 0
      ? Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got)) || (want === 0 && Math.abs(got) <= 2 ** -148)
      : Math.abs(got - want) <= Math.max(3 * 2 ** -23 * scale, 2 ** -148);
    if (!ok) throw new Error(`${op}(${x[i]}) = ${got}, expected ${want}`);
  }
}

describe("wasm unary", () => {
  for (const op of Object.keys(UNARY_OPS) as UnaryOp[]) {
    it(`${op} matches Math on random values of every size and on special values`, async () => {
      const wk = await kernels();
      const gen = new Generator(UNARY_OPS[op]);
      const [low, high] = op === "log" || op === "sqrt" ? [0, 50] : op === "exp" ? [-100, 88] : [-30, 30];
      for (const n of sizes) {
        const x = randomArray(gen, n, low, high);
        checkUnary(op, x, wk.unary(op, x));
      }
      // A wide logarithmic sweep hits every binade (and subnormals, for log and sqrt).
      const sweep = Float32Array.from({ length: 2000 }, (_, i) => (i % 2 ? -1 : 1) * 2 ** (-140 + (i * 268) / 2000));
      const x = Float32Array.from([...specials, ...sweep]);
      checkUnary(op, x, wk.unary(op, x));
    });
  }

  it("exp gives subnormal results in lanes beside −∞ and below-−104 lanes (which give 0)", async () => {
    const wk = await kernels();
    const x = Float32Array.from([-Infinity, -103, -104, -90, -1e30, -87.5, -200, 0, -103.9, -Infinity, -95, -88]);
    checkUnary("exp", x, wk.unary("exp", x));
    expect(Array.from(wk.unary("exp", x)).slice(0, 3)).toEqual([0, Math.fround(Math.exp(-103)), 0]);
  });

  it("writes into a given output array, which may be the input itself", async () => {
    const wk = await kernels();
    const x = Float32Array.from([1, 4, 9, 16, 25]);
    const out = wk.unary("sqrt", x, x);
    expect(out).toBe(x);
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5]);
    expect(() => wk.unary("sqrt", x, new Float32Array(4))).toThrow(/unary sqrt: out has length 4, expected 5/);
  });
});

const binaryRef: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  // torch's threshold_backward(g, y, 0): g unless y <= 0
  reluGrad: (g, y) => (y <= 0 ? 0 : g),
  // GELU's gradient g·(Φ(x) + x·φ(x)): not exact (checked on its own below)
  geluGrad: (g, x) => g * (0.5 * (1 + erf(x * Math.SQRT1_2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)),
};
/** The binary ops that IEEE arithmetic rounds correctly (all but geluGrad). */
const exactBinary = (Object.keys(BINARY_OPS) as BinaryOp[]).filter((op) => op !== "geluGrad");

/** IEEE add/sub/mul/div are correctly rounded and max/min exact: results must match bit for bit. */
function expectExact(got: Float32Array, want: (i: number) => number, label: string): void {
  expect(got.length, label).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < got.length; i++) {
    const w = Math.fround(want(i));
    if (!(Object.is(got[i], w) || (Number.isNaN(w) && Number.isNaN(got[i])))) {
      throw new Error(`${label}: element ${i} is ${got[i]}, expected ${w}`);
    }
  }
}

describe("wasm binary", () => {
  // Φ(x) = ½ + ½·erf(x/√2) cancels for x < 0 in float32, so the error is relative to the terms (½ + ½|erf| ≤ 1).
  it("geluGrad: g·(Φ(x) + x·φ(x)) within 4 float32 ulps of the terms' size, NaN and ±∞ as the formula", async () => {
    const wk = await kernels();
    const gen = new Generator(177);
    for (const n of [1, 7, 1000, 4099]) {
      const g = randomArray(gen, n, -3, 3), x = randomArray(gen, n, -8, 8);
      const got = wk.binary("geluGrad", g, x);
      for (let i = 0; i < n; i++) {
        const cdf = 0.5 * (1 + erf(x[i] * Math.SQRT1_2)), xpdf = (x[i] * Math.exp(-0.5 * x[i] * x[i])) / Math.sqrt(2 * Math.PI);
        const want = g[i] * (cdf + xpdf);
        expect(Math.abs(got[i] - want), `geluGrad(${g[i]}, ${x[i]})`).toBeLessThanOrEqual(4 * 2 ** -23 * Math.abs(g[i]) * (1 + Math.abs(xpdf)) + 1e-37);
      }
    }
    const specials = wk.binary("geluGrad", Float32Array.from([1, 1, 2, NaN, 1]), Float32Array.from([Infinity, -Infinity, 0, 1, NaN]));
    expect(Array.from(specials)).toEqual([NaN, NaN, 1, NaN, NaN]); // ∞·φ(∞) = ∞·0; Φ(0) = ½
  });

  const shapes: [number, number][] = [[0, 0], [1, 1], [1, 7], [3, 1], [5, 3], [4, 8], [7, 13], [33, 17], [64, 129]];
  for (const op of exactBinary) {
    it(`${op}: same shape, scalar, row and column broadcasts, both operand orders`, async () => {
      const wk = await kernels();
      const gen = new Generator(100 + BINARY_OPS[op]);
      const f = binaryRef[op];
      for (const [rows, cols] of shapes) {
        const a = randomArray(gen, rows * cols, -3, 3);
        const b = randomArray(gen, rows * cols, -3, 3);
        const row = randomArray(gen, cols, -3, 3);
        const col = randomArray(gen, rows, -3, 3);
        const s = Math.fround(gen.uniform(-3, 3));
        const tag = `${op} ${rows}×${cols}`;
        expectExact(wk.binary(op, a, b), (i) => f(a[i], b[i]), `${tag} same`);
        expectExact(wk.binaryScalar(op, a, s), (i) => f(a[i], s), `${tag} scalar`);
        expectExact(wk.binaryScalar(op, a, s, { scalarFirst: true }), (i) => f(s, a[i]), `${tag} scalarFirst`);
        expectExact(wk.binaryRow(op, a, row, rows, cols), (i) => f(a[i], row[i % cols]), `${tag} row`);
        expectExact(wk.binaryRow(op, a, row, rows, cols, { rowFirst: true }), (i) => f(row[i % cols], a[i]), `${tag} rowFirst`);
        expectExact(wk.binaryColumn(op, a, col, rows, cols), (i) => f(a[i], col[Math.floor(i / cols)]), `${tag} column`);
        expectExact(wk.binaryColumn(op, a, col, rows, cols, { columnFirst: true }), (i) => f(col[Math.floor(i / cols)], a[i]), `${tag} columnFirst`);
      }
    });
  }

  it("propagates NaN and infinities as IEEE arithmetic does", async () => {
    const wk = await kernels();
    const a = Float32Array.from([NaN, 1, Infinity, -Infinity, 0, 0, 5]);
    const b = Float32Array.from([1, NaN, Infinity, Infinity, 0, -0, 0]);
    for (const op of exactBinary) {
      expectExact(wk.binary(op, a, b), (i) => binaryRef[op](a[i], b[i]), `${op} specials`);
    }
  });

  it("rejects operands whose lengths do not fit the broadcast", async () => {
    const wk = await kernels();
    expect(() => wk.binary("add", new Float32Array(3), new Float32Array(4))).toThrow(/binary add: lengths 3 and 4 differ/);
    expect(() => wk.binaryRow("mul", new Float32Array(6), new Float32Array(2), 2, 3)).toThrow(/binaryRow mul: expected a of length 2×3 and a row of length 3, got 6 and 2/);
  });
});

describe("wasm elementwise threads and resident memory", () => {
  // 100,003 elements: above the kernels' threading threshold (2¹⁶), with a tail of 3 past the last f32x4.
  const n = 100_003;

  it("splits large maps across threads: the same bits as on one thread, each element as the reference", async () => {
    const wk = await kernels();
    const gen = new Generator(7);
    const x = randomArray(gen, n, -30, 30), b = randomArray(gen, n, -3, 3);
    const rows = 331, cols = 307; // 101,617 elements by rows
    const m = randomArray(gen, rows * cols, -3, 3), row = randomArray(gen, cols, -3, 3), col = randomArray(gen, rows, -3, 3);
    const run = () => [
      wk.unary("exp", x), wk.unary("relu", x), wk.binary("mul", x, b), wk.binary("reluGrad", b, x), wk.binaryScalar("sub", x, 0.5, { scalarFirst: true }),
      wk.binaryRow("div", m, row, rows, cols), wk.binaryColumn("add", m, col, rows, cols, { columnFirst: true }),
    ];
    await wk.setNumThreads(1);
    const one = run();
    await wk.setNumThreads(2);
    const two = run();
    for (let i = 0; i < one.length; i++) expect(two[i], `result ${i}`).toEqual(one[i]);
    checkUnary("exp", x, two[0]!);
    checkUnary("relu", x, two[1]!);
    expectExact(two[2]!, (i) => x[i]! * b[i]!, "mul");
    expectExact(two[3]!, (i) => binaryRef.reluGrad(b[i]!, x[i]!), "reluGrad");
    expectExact(two[4]!, (i) => 0.5 - x[i]!, "scalarFirst sub");
    expectExact(two[5]!, (i) => m[i]! / row[i % cols]!, "row div");
    expectExact(two[6]!, (i) => col[Math.floor(i / cols)]! + m[i]!, "columnFirst add");
  });

  it("writes an output that lives in linear memory in place, and nothing past its end", async () => {
    const wk = await kernels();
    const gen = new Generator(8);
    const x = randomArray(gen, n, -30, 30), b = randomArray(gen, n, -3, 3);
    const block = wk.pin(new Float32Array(n + 8).fill(42), 2 ** 24)!;
    const out = block.view.subarray(0, n);
    try {
      expect(wk.unary("tanh", x, out)).toBe(out);
      checkUnary("tanh", x, out);
      expect(Array.from(block.view.subarray(n))).toEqual(new Array(8).fill(42));
      expect(wk.binary("sub", x, b, out)).toBe(out);
      expectExact(out, (i) => x[i]! - b[i]!, "sub in place");
      expect(Array.from(block.view.subarray(n))).toEqual(new Array(8).fill(42));
      // the input itself in linear memory, mapped in place
      out.set(x);
      wk.unary("neg", out, out);
      expectExact(out, (i) => -x[i]!, "neg of itself");
      expect(Array.from(block.view.subarray(n))).toEqual(new Array(8).fill(42));
    } finally {
      wk.unpin(block.ptr, block.bytes);
    }
  });
});

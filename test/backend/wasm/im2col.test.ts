// WASM im2col/col2im against the defining index formula, the adjoint identity and a direct convolution.
import { describe, expect, it } from "vitest";
import { Generator } from "../../../src/random/Generator.js";
import { convOutputSize, type ConvGeometry } from "../../../src/backend/wasm/im2col.js";
import { kernels, randomArray, U32 } from "./helpers.js";

const geometries: ConvGeometry[] = [
  { batch: 1, channels: 1, height: 1, width: 1, kernelH: 1, kernelW: 1 },
  { batch: 2, channels: 3, height: 5, width: 7, kernelH: 3, kernelW: 3 },
  { batch: 1, channels: 2, height: 6, width: 5, kernelH: 3, kernelW: 2, padH: 1, padW: 2 },
  { batch: 2, channels: 2, height: 9, width: 8, kernelH: 3, kernelW: 3, strideH: 2, strideW: 3, padH: 1, padW: 1 },
  { batch: 1, channels: 3, height: 11, width: 10, kernelH: 3, kernelW: 2, dilationH: 2, dilationW: 3, padH: 2, padW: 1 },
  { batch: 3, channels: 1, height: 4, width: 4, kernelH: 4, kernelW: 4, padH: 3, padW: 3, strideH: 1, strideW: 2 },
  { batch: 0, channels: 2, height: 3, width: 3, kernelH: 2, kernelW: 2 },
];

const describeGeometry = (g: ConvGeometry) =>
  `N${g.batch} C${g.channels} ${g.height}×${g.width} k${g.kernelH}×${g.kernelW} s${g.strideH ?? 1},${g.strideW ?? 1} p${g.padH ?? 0},${g.padW ?? 0} d${g.dilationH ?? 1},${g.dilationW ?? 1}`;

/** The value torch.nn.functional.unfold defines for column entry (b, (c·KH + i)·KW + j, oh·OW + ow). */
function unfoldRef(x: Float32Array, g: ConvGeometry): Float32Array {
  const [oh, ow] = convOutputSize(g);
  const { batch, channels: C, height: H, width: W, kernelH: KH, kernelW: KW } = g;
  const [sh, sw, ph, pw, dh, dw] = [g.strideH ?? 1, g.strideW ?? 1, g.padH ?? 0, g.padW ?? 0, g.dilationH ?? 1, g.dilationW ?? 1];
  const out = new Float32Array(batch * C * KH * KW * oh * ow);
  let k = 0;
  for (let b = 0; b < batch; b++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < KH; i++)
        for (let j = 0; j < KW; j++)
          for (let y = 0; y < oh; y++)
            for (let z = 0; z < ow; z++, k++) {
              const r = y * sh - ph + i * dh;
              const s = z * sw - pw + j * dw;
              out[k] = r >= 0 && r < H && s >= 0 && s < W ? x[((b * C + c) * H + r) * W + s] : 0;
            }
  return out;
}

describe("wasm im2col / col2im", () => {
  for (const g of geometries) {
    it(`im2col copies each receptive field exactly (${describeGeometry(g)})`, async () => {
      const wk = await kernels();
      const x = randomArray(new Generator(1), g.batch * g.channels * g.height * g.width);
      expect(wk.im2col(x, g)).toEqual(unfoldRef(x, g));
    });

    it(`col2im is the adjoint of im2col: <im2col(x), y> = <x, col2im(y)> (${describeGeometry(g)})`, async () => {
      const wk = await kernels();
      const gen = new Generator(2);
      const x = randomArray(gen, g.batch * g.channels * g.height * g.width);
      const [oh, ow] = convOutputSize(g);
      const y = randomArray(gen, g.batch * g.channels * g.kernelH * g.kernelW * oh * ow);
      const cols = wk.im2col(x, g);
      const back = wk.col2im(y, g);
      let left = 0, right = 0, scale = 0;
      for (let i = 0; i < y.length; i++) left += cols[i] * y[i];
      for (let i = 0; i < x.length; i++) {
        right += x[i] * back[i];
        scale += Math.abs(x[i]) * (g.kernelH * g.kernelW);
      }
      // col2im sums at most KH·KW float32 terms per pixel: error ≤ γ_{KH·KW}·Σ|x|·max|y|.
      expect(Math.abs(left - right)).toBeLessThanOrEqual((g.kernelH * g.kernelW + 1) * U32 * scale + 1e-12);
    });
  }

  it("im2col followed by GEMM equals a direct convolution", async () => {
    const wk = await kernels();
    const gen = new Generator(3);
    const g: ConvGeometry = { batch: 1, channels: 3, height: 8, width: 9, kernelH: 3, kernelW: 3, strideH: 2, padW: 1, dilationW: 2 };
    const [oh, ow] = convOutputSize(g);
    const outC = 4;
    const K = g.channels * 9;
    const x = randomArray(gen, g.channels * g.height * g.width);
    const weight = randomArray(gen, outC * K);
    const cols = wk.im2col(x, g);
    const y = wk.gemm(outC, oh * ow, K, { data: weight, rowStride: K, colStride: 1 }, { data: cols, rowStride: oh * ow, colStride: 1 });
    for (let o = 0; o < outC; o++)
      for (let r = 0; r < oh; r++)
        for (let s = 0; s < ow; s++) {
          let sum = 0, abs = 0;
          for (let c = 0; c < g.channels; c++)
            for (let i = 0; i < 3; i++)
              for (let j = 0; j < 3; j++) {
                const hh = r * 2 + i, ww = s - 1 + j * 2;
                if (ww < 0 || ww >= g.width) continue;
                const t = weight[o * K + (c * 3 + i) * 3 + j] * x[(c * g.height + hh) * g.width + ww];
                sum += t;
                abs += Math.abs(t);
              }
          expect(Math.abs(y[(o * oh + r) * ow + s] - sum)).toBeLessThanOrEqual((K + 3) * U32 * abs + 1e-30);
        }
  });

  it("names the bad geometry", async () => {
    const wk = await kernels();
    expect(() => wk.im2col(new Float32Array(4), { batch: 1, channels: 1, height: 2, width: 2, kernelH: 3, kernelW: 1 })).toThrow(
      /im2col: kernel 3×1 \(dilation 1×1\) does not fit the padded 2×2 input/,
    );
    expect(() => wk.im2col(new Float32Array(4), { batch: 1, channels: 1, height: 2, width: 2, kernelH: 1, kernelW: 1, strideH: 0 })).toThrow(
      /im2col: sh must be an integer >= 1, got 0/,
    );
  });
});

// vision.dehaze: PSNR/SSIM against scikit-image, the guided filter and the dark channel prior against a numpy
// reference (test/fixtures/dehaze/make_dehaze_fixture.py), exact identities of the haze model, and DCP on HazyScenes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor, vision } from "../../src/index.js";

const { darkChannelPrior, guidedFilter, psnr, ssim } = vision.dehaze;

interface Fixture {
  metrics: { shape: number[]; a: number[]; b: number[]; psnr: number; psnr_max255: number; ssim: number }[];
  guided: { shape: [number, number]; radius: number; eps: number; guide: number[]; src: number[]; out: number[]; out_r20: number[] };
  dcp: {
    shape: [number, number, number];
    hazy: number[];
    cases: { patch: number; omega: number; t0: number; radius: number | null; eps: number | null; dehazed: number[]; transmission: number[]; airlight: number[] }[];
  };
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/dehaze/dehaze.json", import.meta.url), "utf8")) as Fixture;

const values = (t: { dataSync(): ArrayLike<number> }): number[] => Array.from(t.dataSync());
const maxAbsDiff = (a: readonly number[], b: readonly number[]): number => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};

describe("vision.dehaze.psnr and ssim", () => {
  it("equal scikit-image's peak_signal_noise_ratio and structural_similarity (Gaussian σ 1.5), averaged over channels and images", () => {
    for (const c of fx.metrics) {
      const a = tensor(Float32Array.from(c.a), { shape: c.shape });
      const b = tensor(Float32Array.from(c.b), { shape: c.shape });
      expect(psnr(a, b)).toBeCloseTo(c.psnr, 9);
      expect(psnr(a.mul(255), b.mul(255), 255)).toBeCloseTo(c.psnr_max255, 4);
      expect(ssim(a, b)).toBeCloseTo(c.ssim, 9);
      expect(ssim(b, a)).toBeCloseTo(c.ssim, 9);
    }
  });

  it("take one image [C, H, W] as a batch of one, and average SSIM over its channels ([H, W] planes)", () => {
    const c = fx.metrics[0]!;
    const a = tensor(Float32Array.from(c.a), { shape: c.shape }).select(0, 0);
    const b = tensor(Float32Array.from(c.b), { shape: c.shape }).select(0, 0);
    expect(psnr(a, b)).toBeCloseTo(psnr(a.unsqueeze(0), b.unsqueeze(0)), 12);
    const perChannel = [0, 1, 2].map((ch) => ssim(a.select(0, ch), b.select(0, ch)));
    expect(ssim(a, b)).toBeCloseTo((perChannel[0]! + perChannel[1]! + perChannel[2]!) / 3, 12);
  });

  it("give +∞ dB and SSIM 1 for identical images", () => {
    const c = fx.metrics[0]!;
    const a = tensor(Float32Array.from(c.a), { shape: c.shape });
    expect(psnr(a, a)).toBe(Infinity);
    expect(ssim(a, a)).toBeCloseTo(1, 12);
  });

  it("reject mismatched shapes, integer tensors and images smaller than the window", () => {
    const a = tensor(new Float32Array(3 * 16 * 16), { shape: [3, 16, 16] });
    expect(() => psnr(a, a.reshape([3, 256]))).toThrow(/psnr: a \[3,16,16\] and b \[3,256\] must have the same shape/);
    expect(() => ssim(a, tensor(new Int32Array(768), { shape: [3, 16, 16] }))).toThrow(/ssim: b must be a floating-point tensor/);
    const small = tensor(new Float32Array(3 * 10 * 16), { shape: [3, 10, 16] });
    expect(() => ssim(small, small)).toThrow(/ssim: images 10×16 are smaller than the 11×11 Gaussian window/);
    expect(() => psnr(a, a, 0)).toThrow(/psnr: maxValue must be a finite number > 0/);
  });
});

describe("vision.dehaze.guidedFilter", () => {
  const g = fx.guided;
  const guide = tensor(Float32Array.from(g.guide), { shape: g.shape });
  const src = tensor(Float32Array.from(g.src), { shape: [2, ...g.shape] });

  it("equals a brute-force numpy guided filter (clipped windows), also with a radius larger than the image", () => {
    const guide3 = guide.reshape([1, ...g.shape]);
    expect(maxAbsDiff(values(guidedFilter(guide3, src, g.radius, g.eps)), g.out)).toBeLessThan(1e-5);
    expect(maxAbsDiff(values(guidedFilter(guide3, src, 20, 1e-3)), g.out_r20)).toBeLessThan(1e-5);
    // One plane [H, W], a batch [N, C, H, W] with the guide repeated per channel: the same values.
    expect(maxAbsDiff(values(guidedFilter(guide, src.select(0, 1), g.radius, g.eps)), g.out.slice(g.out.length / 2))).toBeLessThan(1e-5);
    const batched = guidedFilter(guide3.expand([2, ...g.shape]).reshape([1, 2, ...g.shape]), src.reshape([1, 2, ...g.shape]), g.radius, g.eps);
    expect(batched.shape).toEqual([1, 2, ...g.shape]);
    expect(maxAbsDiff(values(batched), g.out)).toBeLessThan(1e-5);
  });

  it("keeps float64 and reproduces a linear function of the guide exactly (q = a·I + b when p = a·I + b)", () => {
    const guide64 = guide.to("float64");
    const linear = guide64.mul(0.7).add(0.2);
    const out = guidedFilter(guide64, linear, 4, 1e-9);
    expect(out.dtype).toBe("float64");
    expect(maxAbsDiff(values(out), values(linear))).toBeLessThan(1e-5);
  });

  it("rejects mismatched guides and bad radius/eps", () => {
    expect(() => guidedFilter(guide.reshape([1, ...g.shape]).expand([3, ...g.shape]), src, 2, 0.1)).toThrow(/guidedFilter: guide \[3,17,23\] must match src \[2,17,23\]/);
    expect(() => guidedFilter(guide, src, 2, 0.1)).toThrow(/guidedFilter: guide must be a floating-point tensor of the same rank as src/);
    expect(() => guidedFilter(guide, guide, 1.5, 0.1)).toThrow(/guidedFilter: radius must be an integer ≥ 0, got 1.5/);
    expect(() => guidedFilter(guide, guide, 2, 0)).toThrow(/guidedFilter: eps must be a finite number > 0/);
  });
});

describe("vision.dehaze.darkChannelPrior", () => {
  const d = fx.dcp;
  const hazy = tensor(Float32Array.from(d.hazy), { shape: d.shape });

  it("equals the numpy reference of He et al.: airlight, refined transmission and dehazed image", () => {
    for (const c of d.cases) {
      const r = darkChannelPrior(hazy, { patchSize: c.patch, omega: c.omega, t0: c.t0, guidedFilter: c.radius === null ? false : { radius: c.radius, eps: c.eps! } });
      expect(r.dehazed.shape).toEqual(d.shape);
      expect(r.transmission.shape).toEqual([1, d.shape[1], d.shape[2]]);
      expect(r.airlight.shape).toEqual([3]);
      expect(maxAbsDiff(values(r.airlight), c.airlight)).toBeLessThan(1e-6);
      expect(maxAbsDiff(values(r.transmission), c.transmission)).toBeLessThan(1e-5);
      expect(maxAbsDiff(values(r.dehazed), c.dehazed)).toBeLessThan(1e-4);
    }
  });

  it("processes a batch [N, 3, H, W] image by image", () => {
    const c = d.cases[0]!;
    const opts = { patchSize: c.patch, omega: c.omega, t0: c.t0, guidedFilter: { radius: c.radius!, eps: c.eps! } };
    const r = darkChannelPrior(hazy.unsqueeze(0).expand([2, ...d.shape]).contiguous().mul(tensor([1, 0.9]).reshape([2, 1, 1, 1])), opts);
    expect(r.dehazed.shape).toEqual([2, ...d.shape]);
    expect(r.transmission.shape).toEqual([2, 1, d.shape[1], d.shape[2]]);
    expect(r.airlight.shape).toEqual([2, 3]);
    expect(maxAbsDiff(values(r.dehazed.select(0, 0)), c.dehazed)).toBeLessThan(1e-4);
    expect(maxAbsDiff(values(r.dehazed.select(0, 1)), values(darkChannelPrior(hazy.mul(0.9), opts).dehazed))).toBe(0);
  });

  it("leaves a haze-free image whose dark channel is zero unchanged (t ≡ 1)", () => {
    // Every pixel has one channel at 0, so dark(I / A) = 0 and t = 1 − ω·0 = 1 everywhere: J = I.
    const H = 20, W = 24, v = new Float32Array(3 * H * W);
    for (let i = 0; i < H * W; i++) for (let c = 0; c < 3; c++) v[c * H * W + i] = c === i % 3 ? 0 : ((i * 37 + c * 11) % 97) / 97;
    const image = tensor(v, { shape: [3, H, W] });
    const r = darkChannelPrior(image);
    expect(Math.min(...values(r.transmission))).toBeGreaterThan(1 - 1e-6);
    expect(maxAbsDiff(values(r.dehazed), values(image))).toBeLessThan(1e-5);
  });

  it("recovers the scene, the transmission and A exactly under homogeneous haze with ω = 1 and no refinement", () => {
    // A scene whose dark channel is 0 below a band of 'sky' equal to A; haze with one t everywhere:
    // I = J·t + A·(1 − t). Then dark(I / A) = 1 − t below the sky, the sky (I = A) gives the airlight, and
    // t = 1 − dark(I / A) is exact, so J = (I − A)/t + A is the scene.
    const H = 24, W = 20, plane = H * W, t = 0.6, A = [0.9, 0.85, 0.8];
    const J = new Float32Array(3 * plane), I = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      const sky = i < 4 * W;
      for (let c = 0; c < 3; c++) J[c * plane + i] = sky ? A[c]! : c === (i % 3) ? 0 : 0.2 + (((i * 13 + c * 7) % 50) / 50) * 0.7;
      for (let c = 0; c < 3; c++) I[c * plane + i] = J[c * plane + i]! * t + A[c]! * (1 - t);
    }
    const r = darkChannelPrior(tensor(I, { shape: [3, H, W] }), { omega: 1, patchSize: 3, guidedFilter: false });
    expect(maxAbsDiff(values(r.airlight), A)).toBeLessThan(1e-6);
    expect(maxAbsDiff(values(r.transmission).slice(4 * W), new Array(plane - 4 * W).fill(t))).toBeLessThan(1e-5);
    expect(maxAbsDiff(values(r.dehazed), Array.from(J))).toBeLessThan(1e-5);
  });

  it("on HazyScenes test images: finds the true airlight and raises PSNR and SSIM over the hazy image", () => {
    const test = new vision.datasets.HazyScenes({ split: "test", length: 8 });
    let hazyPsnr = 0, dcpPsnr = 0, hazySsim = 0, dcpSsim = 0;
    for (let i = 0; i < test.length; i++) {
      const item = test.get(i);
      const r = darkChannelPrior(item.hazy);
      // The sky is the farthest (t ≈ e^(−4β) < 0.05), so its hazy pixels are within a few hundredths of A.
      expect(maxAbsDiff(values(r.airlight), item.airlight)).toBeLessThan(0.05);
      hazyPsnr += psnr(item.hazy, item.clean) / test.length;
      dcpPsnr += psnr(r.dehazed, item.clean) / test.length;
      hazySsim += ssim(item.hazy, item.clean) / test.length;
      dcpSsim += ssim(r.dehazed, item.clean) / test.length;
    }
    expect(dcpPsnr).toBeGreaterThan(hazyPsnr + 2);
    expect(dcpSsim).toBeGreaterThan(hazySsim + 0.05);
  });

  it("rejects non-RGB input and bad options", () => {
    expect(() => darkChannelPrior(tensor(new Float32Array(2 * 16), { shape: [2, 4, 4] }))).toThrow(/darkChannelPrior: hazy must have 3 \(RGB\) channels, got \[2,4,4\]/);
    expect(() => darkChannelPrior(hazy, { patchSize: 4 })).toThrow(/darkChannelPrior: patchSize must be an odd integer ≥ 1, got 4/);
    expect(() => darkChannelPrior(hazy, { omega: 1.5 })).toThrow(/darkChannelPrior: omega must be a number in \[0, 1\]/);
    expect(() => darkChannelPrior(hazy, { guidedFilter: { radius: -1, eps: 1 } })).toThrow(/darkChannelPrior: guidedFilter must be/);
  });
});

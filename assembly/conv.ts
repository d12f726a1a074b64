// 2-D convolution of a run of images, one image at a time: its columns (im2col) go to a small per-job
// buffer that stays in cache while the GEMM reads or writes them, instead of a whole batch of columns
// making a round trip through main memory. Each image is computed exactly as im2col over the batch
// followed by gemmBatched (the same GEMM on the same columns), so the bits do not change.
import { gemm } from "./gemm";
import { im2col, col2im } from "./im2col";

/**
 * y[n] (outChannels × oh·ow) = w (outChannels × CK) · cols(x[n]) (+ beta·y[n]) for images
 * first … first + count − 1; `cols` holds CK·oh·ow floats and `work` gemmWorkspaceBytes(oh·ow) bytes,
 * both private to the job. CK = channels·kh·kw.
 */
export function convImages(
  first: i32, count: i32, x: usize, channels: i32, h: i32, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
  weight: usize, outChannels: i32, beta: f32, y: usize, cols: usize, work: usize,
): void {
  const L = oh * ow, CK = channels * kh * kw;
  const image = <usize>channels * h * w, plane = <usize>outChannels * L;
  for (let n = first; n < first + count; n++) {
    im2col(x + ((<usize>n * image) << 2), cols, 1, channels, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    gemm(outChannels, L, CK, 1, weight, CK, 1, cols, L, 1, beta, y + ((<usize>n * plane) << 2), L, work);
  }
}

/**
 * dx[n] = col2im(wᵀ (CK × outChannels) · dy[n] (outChannels × oh·ow)) for images first … first + count − 1;
 * `cols` and `work` (gemmWorkspaceBytes(oh·ow) bytes) as for convImages.
 */
export function convInputGradImages(
  first: i32, count: i32, dy: usize, weight: usize, outChannels: i32, dx: usize, channels: i32, h: i32, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
  cols: usize, work: usize,
): void {
  const L = oh * ow, CK = channels * kh * kw;
  const image = <usize>channels * h * w, plane = <usize>outChannels * L;
  for (let n = first; n < first + count; n++) {
    gemm(CK, L, outChannels, 1, weight, 1, CK, dy + ((<usize>n * plane) << 2), L, 1, 0, cols, L, work);
    col2im(cols, dx + ((<usize>n * image) << 2), 1, channels, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
  }
}

/**
 * dw (outChannels × CK) += Σ_n dy[n] (outChannels × oh·ow) · cols(x[n])ᵀ over images first … first + count − 1,
 * in image order; `cols` as for convImages, `work` gemmWorkspaceBytes(CK) bytes.
 */
export function convWeightGradImages(
  first: i32, count: i32, x: usize, channels: i32, h: i32, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
  dy: usize, outChannels: i32, dweight: usize, cols: usize, work: usize,
): void {
  const L = oh * ow, CK = channels * kh * kw;
  const image = <usize>channels * h * w, plane = <usize>outChannels * L;
  for (let n = first; n < first + count; n++) {
    im2col(x + ((<usize>n * image) << 2), cols, 1, channels, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    gemm(outChannels, CK, L, 1, dy + ((<usize>n * plane) << 2), L, 1, cols, 1, L, 1, dweight, CK, work);
  }
}

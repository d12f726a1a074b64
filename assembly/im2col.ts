// im2col / col2im for 2-D convolution on NCHW float32 images, with stride, padding and dilation.
//
// im2col lays out every receptive field as a column, so a convolution becomes one GEMM
// (Chellapilla, Puri & Simard, "High Performance Convolutional Neural Networks for Document
// Processing", 2006, https://hal.inria.fr/inria-00112631). The layout matches torch.nn.functional.unfold:
// cols[b, (c·KH + ki)·KW + kj, oh·OW + ow] = x[b, c, oh·SH − PH + ki·DH, ow·SW − PW + kj·DW]
// (zero outside the image). col2im is its adjoint: it adds each column entry back to its pixel.

/** First and one-past-last output column whose input column oh·s − p + k·d lies in [0, size). */
@inline function validRange(size: i32, out: i32, s: i32, p: i32, kd: i32): u64 {
  const lo = p - kd;
  const hi = size + p - kd;
  const first = lo <= 0 ? 0 : (lo + s - 1) / s;
  const last = hi <= 0 ? 0 : min(out, (hi + s - 1) / s);
  return (<u64>first << 32) | <u64>max(first, last);
}

/** Rows shorter than this are moved by inline SIMD loops: memory.copy/fill cost a call each, which dominates at widths like 14. */
const SHORT_ROW = 64;

@inline function zeroFloats(dst: usize, n: i32): void {
  if (n >= SHORT_ROW) {
    memory.fill(dst, 0, <usize>n << 2);
    return;
  }
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(dst + (<usize>j << 2), f32x4.splat(0));
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), 0);
}

@inline function copyFloats(dst: usize, src: usize, n: i32): void {
  if (n >= SHORT_ROW) {
    memory.copy(dst, src, <usize>n << 2);
    return;
  }
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
}

/** dst[j] += src[j] for j < n (col2im with unit stride). */
@inline function addFloats(dst: usize, src: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const d = dst + (<usize>j << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>j << 2))));
  }
  for (; j < n; j++) {
    const d = dst + (<usize>j << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>j << 2)));
  }
}

@inline function fieldLoop(
  add: bool, x: usize, cols: usize, batch: i32, channels: i32, h: i32, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  const L = <usize>oh * ow;
  let row = cols;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const image = x + ((<usize>(b * channels + c) * h * w) << 2);
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const range = validRange(w, ow, sw, pw, kj * dw);
          const first = <i32>(range >> 32), last = <i32>(range & 0xffffffff);
          for (let i = 0; i < oh; i++) {
            const ih = i * sh - ph + ki * dh;
            const dst = row + ((<usize>i * ow) << 2);
            if (ih < 0 || ih >= h) {
              if (!add) zeroFloats(dst, ow);
              continue;
            }
            const src = image + ((<usize>ih * w) << 2);
            if (!add) {
              zeroFloats(dst, first);
              zeroFloats(dst + (<usize>last << 2), ow - last);
            }
            let iw = first * sw - pw + kj * dw;
            if (sw == 1 && !add) {
              copyFloats(dst + (<usize>first << 2), src + (<usize>iw << 2), last - first);
            } else if (sw == 1) {
              addFloats(src + (<usize>iw << 2), dst + (<usize>first << 2), last - first);
            } else {
              for (let j = first; j < last; j++, iw += sw) {
                const s = src + (<usize>iw << 2), d = dst + (<usize>j << 2);
                if (add) store<f32>(s, load<f32>(s) + load<f32>(d));
                else store<f32>(d, load<f32>(s));
              }
            }
          }
          row += L << 2;
        }
      }
    }
  }
}

/** x [batch, channels, h, w] → cols [batch, channels·kh·kw, oh·ow]. */
export function im2col(
  x: usize, cols: usize, batch: i32, channels: i32, h: i32, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  fieldLoop(false, x, cols, batch, channels, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
}

/** cols [batch, channels·kh·kw, oh·ow] → x [batch, channels, h, w], summing overlapping fields. */
export function col2im(
  cols: usize, x: usize, batch: i32, channels: i32, h: i32, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  memory.fill(x, 0, (<usize>batch * channels * h * w) << 2);
  fieldLoop(true, x, cols, batch, channels, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
}

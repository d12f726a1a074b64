// Fused optimizer updates over contiguous float32 parameters (one pass, f32x4 lanes).
//
// The JS side hands over arena copies padded to 16 bytes, so the loops run over whole vectors.

export const SGD_PLAIN = 0, SGD_FIRST = 1, SGD_MOMENTUM = 2;

/** Smallest normal float32. */
const FLT_MIN: f32 = 1.17549435e-38;

/**
 * x with subnormal lanes replaced by 0. A momentum buffer whose gradient stays 0 (a dead ReLU unit)
 * decays geometrically into the subnormal range and then stays there (0.9·2⁻¹⁴⁹ rounds back to
 * 2⁻¹⁴⁹); f32x4 arithmetic on subnormals takes a microcode assist on x86 that made this kernel 4×
 * slower in a real training run. The values flushed are below 1.2e-38.
 */
@inline function flushSubnormal(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), f32x4.splat(FLT_MIN)));
}

/**
 * SGD with weight decay wd and heavy-ball momentum mu (dampening: keep = 1 − τ), as torch.optim.SGD:
 *   mode SGD_PLAIN:    p ← p − lr·(g + wd·p)
 *   mode SGD_FIRST:    b ← g + wd·p;                 p ← p − lr·b   (first step with momentum)
 *   mode SGD_MOMENTUM: b ← mu·b + keep·(g + wd·p);   p ← p − lr·b
 * with subnormal values of b stored as 0 (see flushSubnormal).
 */
export function sgd(p: usize, g: usize, b: usize, n: i32, lr: f32, mu: f32, keep: f32, wd: f32, mode: i32): void {
  const end = p + (<usize>n << 2);
  const vlr = f32x4.splat(lr), vmu = f32x4.splat(mu), vkeep = f32x4.splat(keep), vwd = f32x4.splat(wd);
  if (mode == SGD_PLAIN) {
    for (; p < end; p += 16, g += 16) {
      const vp = v128.load(p);
      v128.store(p, f32x4.sub(vp, f32x4.mul(vlr, f32x4.add(v128.load(g), f32x4.mul(vwd, vp)))));
    }
  } else if (mode == SGD_FIRST) {
    for (; p < end; p += 16, g += 16, b += 16) {
      const vp = v128.load(p);
      const vg = f32x4.add(v128.load(g), f32x4.mul(vwd, vp));
      v128.store(b, flushSubnormal(vg));
      v128.store(p, f32x4.sub(vp, f32x4.mul(vlr, vg)));
    }
  } else {
    for (; p < end; p += 16, g += 16, b += 16) {
      const vp = v128.load(p);
      const vg = f32x4.add(v128.load(g), f32x4.mul(vwd, vp));
      const vb = flushSubnormal(f32x4.add(f32x4.mul(vmu, v128.load(b)), f32x4.mul(vkeep, vg)));
      v128.store(b, vb);
      v128.store(p, f32x4.sub(vp, f32x4.mul(vlr, vb)));
    }
  }
}

/**
 * Adam / AdamW (torch.optim.Adam and AdamW, float32, in PyTorch's operation order), in place:
 *   p' = decay·p                      (AdamW's decoupled decay, 1 − lr·λ; 1 for Adam)
 *   g' = g + wd·p'                    (Adam's coupled L2 term; wd = 0 for AdamW)
 *   m ← β₁m + (1 − β₁)g';  v ← β₂v + ((g'g')(1 − β₂))   (1 − β given by the caller: computed in
 *                                                      float64 and then rounded, as PyTorch's alpha)
 *   v̂ = max(v̂max, v) with amsgrad (stored back), else v
 *   p ← p' − (m / (√v̂ / bc2 + ε))·stepSize       (bc2 = √(1 − β₂ᵗ), stepSize = lr / (1 − β₁ᵗ))
 * with subnormal m, v stored as 0 (see flushSubnormal).
 */
export function adam(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32,
  stepSize: f32, beta1: f32, beta1c: f32, beta2: f32, beta2c: f32, bc2: f32, eps: f32, wd: f32, decay: f32, amsgrad: i32,
): void {
  const end = p + (<usize>n << 2);
  const vb1 = f32x4.splat(beta1), vb1c = f32x4.splat(beta1c);
  const vb2 = f32x4.splat(beta2), vb2c = f32x4.splat(beta2c);
  const vbc2 = f32x4.splat(bc2), veps = f32x4.splat(eps), vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay), vstep = f32x4.splat(stepSize);
  for (; p < end; p += 16, g += 16, m += 16, v += 16, vmax += 16) {
    const vp = f32x4.mul(v128.load(p), vdecay);
    const vg = f32x4.add(v128.load(g), f32x4.mul(vwd, vp));
    const vm = flushSubnormal(f32x4.add(f32x4.mul(v128.load(m), vb1), f32x4.mul(vg, vb1c)));
    const vv = flushSubnormal(f32x4.add(f32x4.mul(v128.load(v), vb2), f32x4.mul(f32x4.mul(vg, vg), vb2c)));
    v128.store(m, vm);
    v128.store(v, vv);
    let vh = vv;
    if (amsgrad) {
      vh = f32x4.max(v128.load(vmax), vv);
      v128.store(vmax, vh);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vh), vbc2), veps);
    v128.store(p, f32x4.sub(vp, f32x4.mul(f32x4.div(vm, denom), vstep)));
  }
}

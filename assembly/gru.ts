// The fused GRU recurrence in float32 (forward and backpropagation through time), on the calling
// thread: per step one GEMM for gh = h W_hhᵀ + b_hh (all three gates), then one SIMD pass over the
// gates. Mirrors the CPU reference kernels of src/backend/cpu/gru.ts. Gate order r, z, n; arrays are
// row-major, strides in floats.
import { gemm, gemmPrepackedB, KC, NC, prepackB } from "./gemm";
import { sigmoidV, tanhV } from "./simdMath";

@inline function sigmoidS(x: f32): f32 {
  return 1 / (1 + Mathf.exp(-x));
}

/**
 * xg (T, B, 3H) input projections, whh (3H, H), bhh (3H), h0 (B, H) → hs (T, B, H) and the saved
 * r, z, n, hn (T, B, 4H). `gh` holds B·3H floats of scratch, `work` gemmWorkspaceBytes(3H) bytes and
 * `packed` packedBBytes(H, 3H): W_hhᵀ is packed once for all steps when it fits one GEMM block.
 */
export function gruForward(
  T: i32, B: i32, H: i32, xg: usize, whh: usize, bhh: usize, h0: usize,
  hs: usize, saved: usize, reverse: i32, gh: usize, work: usize, packed: usize,
): void {
  const G = 3 * H;
  const prepacked = H <= KC && G <= NC;
  const pb = prepacked ? prepackB(H, G, whh, 1, H, packed) : 0;
  const stepBytes = (<usize>B * H) << 2, gateBytes = (<usize>B * G) << 2, rowBytes = (<usize>G) << 2;
  const hb = (<usize>H) << 2;
  const hv = H & ~3;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const prev = reverse ? t + 1 : t - 1;
    const hPrev = s == 0 ? h0 : hs + <usize>prev * stepBytes;
    // gh = b_hh (every row) + h_{t−1} (B×H) · W_hhᵀ (H×3H); W_hhᵀ[k, j] = whh[j·H + k]
    for (let b = 0; b < B; b++) memory.copy(gh + <usize>b * rowBytes, bhh, rowBytes);
    if (prepacked) gemmPrepackedB(B, G, H, 1, hPrev, H, 1, pb, 1, gh, G, work);
    else gemm(B, G, H, 1, hPrev, H, 1, whh, 1, H, 1, gh, G, work);
    const xt = xg + <usize>t * gateBytes, ht = hs + <usize>t * stepBytes, st = saved + <usize>t * (stepBytes << 2);
    for (let b = 0; b < B; b++) {
      const xRow = xt + <usize>b * rowBytes, gRow = gh + <usize>b * rowBytes;
      const hRow = ht + ((<usize>b * H) << 2), hpRow = hPrev + ((<usize>b * H) << 2), sRow = st + ((<usize>b * H) << 4);
      let j = 0;
      for (; j < hv; j += 4) {
        const o4 = <usize>j << 2;
        const r = sigmoidV(f32x4.add(v128.load(xRow + o4), v128.load(gRow + o4)));
        const z = sigmoidV(f32x4.add(v128.load(xRow + o4 + hb), v128.load(gRow + o4 + hb)));
        const hn = v128.load(gRow + o4 + 2 * hb);
        const n = tanhV(f32x4.add(v128.load(xRow + o4 + 2 * hb), f32x4.mul(r, hn)));
        v128.store(sRow + o4, r); v128.store(sRow + o4 + hb, z); v128.store(sRow + o4 + 2 * hb, n); v128.store(sRow + o4 + 3 * hb, hn);
        v128.store(hRow + o4, f32x4.add(n, f32x4.mul(z, f32x4.sub(v128.load(hpRow + o4), n))));
      }
      for (; j < H; j++) {
        const o4 = <usize>j << 2;
        const r = sigmoidS(load<f32>(xRow + o4) + load<f32>(gRow + o4));
        const z = sigmoidS(load<f32>(xRow + o4 + hb) + load<f32>(gRow + o4 + hb));
        const hn = load<f32>(gRow + o4 + 2 * hb);
        const n = Mathf.tanh(load<f32>(xRow + o4 + 2 * hb) + r * hn);
        store<f32>(sRow + o4, r); store<f32>(sRow + o4 + hb, z); store<f32>(sRow + o4 + 2 * hb, n); store<f32>(sRow + o4 + 3 * hb, hn);
        store<f32>(hRow + o4, n + z * (load<f32>(hpRow + o4) - n));
      }
    }
  }
}

/**
 * Backward of gruForward: dhs (T, B, H) the gradients of every h, whh, h0, the saved hs and r, z, n, hn
 * → dxg and dgh (T, B, 3H) (the gradients of the input projections and of every gh); dh (B, H) starts
 * at zero and ends as the gradient of h0. `work` holds gemmWorkspaceBytes(H) bytes and `packed`
 * packedBBytes(3H, H).
 */
export function gruBackward(
  T: i32, B: i32, H: i32, dhs: usize, whh: usize, h0: usize, hs: usize, saved: usize,
  dxg: usize, dgh: usize, dh: usize, reverse: i32, work: usize, packed: usize,
): void {
  const G = 3 * H;
  const prepacked = G <= KC && H <= NC;
  const pb = prepacked ? prepackB(G, H, whh, H, 1, packed) : 0;
  const stepBytes = (<usize>B * H) << 2, gateBytes = (<usize>B * G) << 2, rowBytes = (<usize>G) << 2;
  const hb = (<usize>H) << 2;
  const hv = H & ~3;
  const one = f32x4.splat(1);
  for (let s = 0; s < T; s++) {
    const t = reverse ? s : T - 1 - s;
    const prev = reverse ? t + 1 : t - 1;
    const first = reverse ? t == T - 1 : t == 0;
    const hPrev = first ? h0 : hs + <usize>prev * stepBytes;
    const st = saved + <usize>t * (stepBytes << 2), dxt = dxg + <usize>t * gateBytes, dgt = dgh + <usize>t * gateBytes;
    for (let b = 0; b < B; b++) {
      const hOff = (<usize>b * H) << 2;
      const sRow = st + (hOff << 2), dxRow = dxt + <usize>b * rowBytes, dgRow = dgt + <usize>b * rowBytes;
      const dhRow = dh + hOff, hpRow = hPrev + hOff, dhsRow = dhs + <usize>t * stepBytes + hOff;
      let j = 0;
      for (; j < hv; j += 4) {
        const o4 = <usize>j << 2;
        const r = v128.load(sRow + o4), z = v128.load(sRow + o4 + hb), n = v128.load(sRow + o4 + 2 * hb), hn = v128.load(sRow + o4 + 3 * hb);
        const dhv = f32x4.add(v128.load(dhsRow + o4), v128.load(dhRow + o4));
        const dn = f32x4.mul(f32x4.mul(dhv, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
        const dz = f32x4.mul(f32x4.mul(dhv, f32x4.sub(v128.load(hpRow + o4), n)), f32x4.mul(z, f32x4.sub(one, z)));
        const dr = f32x4.mul(f32x4.mul(dn, hn), f32x4.mul(r, f32x4.sub(one, r)));
        v128.store(dxRow + o4, dr); v128.store(dxRow + o4 + hb, dz); v128.store(dxRow + o4 + 2 * hb, dn);
        v128.store(dgRow + o4, dr); v128.store(dgRow + o4 + hb, dz); v128.store(dgRow + o4 + 2 * hb, f32x4.mul(dn, r));
        v128.store(dhRow + o4, f32x4.mul(dhv, z));
      }
      for (; j < H; j++) {
        const o4 = <usize>j << 2;
        const r = load<f32>(sRow + o4), z = load<f32>(sRow + o4 + hb), n = load<f32>(sRow + o4 + 2 * hb), hn = load<f32>(sRow + o4 + 3 * hb);
        const dhv = load<f32>(dhsRow + o4) + load<f32>(dhRow + o4);
        const dn = dhv * (1 - z) * (1 - n * n);
        const dz = dhv * (load<f32>(hpRow + o4) - n) * z * (1 - z);
        const dr = dn * hn * r * (1 - r);
        store<f32>(dxRow + o4, dr); store<f32>(dxRow + o4 + hb, dz); store<f32>(dxRow + o4 + 2 * hb, dn);
        store<f32>(dgRow + o4, dr); store<f32>(dgRow + o4 + hb, dz); store<f32>(dgRow + o4 + 2 * hb, dn * r);
        store<f32>(dhRow + o4, dhv * z);
      }
    }
    // dh_{t−1} = dh·z + dgh_t (B×3H) · W_hh (3H×H)
    if (prepacked) gemmPrepackedB(B, H, G, 1, dgt, G, 1, pb, 1, dh, H, work);
    else gemm(B, H, G, 1, dgt, G, 1, whh, H, 1, 1, dh, H, work);
  }
}

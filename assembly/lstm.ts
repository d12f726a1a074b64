// The fused LSTM recurrence in float32 (forward and backpropagation through time), on the calling
// thread: per step one GEMM for all four gates, then one SIMD pass over them. Mirrors the CPU reference
// kernels of src/backend/cpu/lstm.ts. Gate order i, f, g, o; arrays are row-major, strides in floats.
import { gemm, gemmPrepackedB, KC, NC, prepackB } from "./gemm";
import { sigmoidV, tanhV } from "./simdMath";

@inline function sigmoidS(x: f32): f32 {
  return 1 / (1 + Mathf.exp(-x));
}

@inline function tanhS(x: f32): f32 {
  return Mathf.tanh(x);
}

/**
 * xg (T, B, 4H) input projections, whh (4H, H), h0 and c0 (B, H) → hs and cs (T, B, H) and the
 * activated gates (T, B, 4H). `work` holds gemmWorkspaceBytes(4H) bytes and `packed`
 * packedBBytes(H, 4H): W_hhᵀ is packed once for all steps when it fits one GEMM block.
 */
export function lstmForward(
  T: i32, B: i32, H: i32, xg: usize, whh: usize, h0: usize, c0: usize,
  hs: usize, cs: usize, gates: usize, reverse: i32, work: usize, packed: usize,
): void {
  const G = 4 * H;
  const prepacked = H <= KC && G <= NC;
  const pb = prepacked ? prepackB(H, G, whh, 1, H, packed) : 0;
  const stepBytes = (<usize>B * H) << 2, gateBytes = (<usize>B * G) << 2;
  const hv = H & ~3;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const prev = reverse ? t + 1 : t - 1;
    const hPrev = s == 0 ? h0 : hs + <usize>prev * stepBytes;
    const cPrev = s == 0 ? c0 : cs + <usize>prev * stepBytes;
    const gt = gates + <usize>t * gateBytes;
    memory.copy(gt, xg + <usize>t * gateBytes, gateBytes);
    // gates_t += h_{t−1} (B×H) · W_hhᵀ (H×4H); W_hhᵀ[k, j] = whh[j·H + k]
    if (prepacked) gemmPrepackedB(B, G, H, 1, hPrev, H, 1, pb, 1, gt, G, work);
    else gemm(B, G, H, 1, hPrev, H, 1, whh, 1, H, 1, gt, G, work);
    const ht = hs + <usize>t * stepBytes, ct = cs + <usize>t * stepBytes;
    for (let b = 0; b < B; b++) {
      const row = gt + ((<usize>b * G) << 2);
      const hRow = ht + ((<usize>b * H) << 2), cRow = ct + ((<usize>b * H) << 2), cpRow = cPrev + ((<usize>b * H) << 2);
      let j = 0;
      for (; j < hv; j += 4) {
        const o4 = <usize>j << 2;
        const pi = row + o4, pf = pi + ((<usize>H) << 2), pg = pf + ((<usize>H) << 2), po = pg + ((<usize>H) << 2);
        const i = sigmoidV(v128.load(pi)), f = sigmoidV(v128.load(pf)), g = tanhV(v128.load(pg)), o = sigmoidV(v128.load(po));
        v128.store(pi, i); v128.store(pf, f); v128.store(pg, g); v128.store(po, o);
        const c = f32x4.add(f32x4.mul(f, v128.load(cpRow + o4)), f32x4.mul(i, g));
        v128.store(cRow + o4, c);
        v128.store(hRow + o4, f32x4.mul(o, tanhV(c)));
      }
      for (; j < H; j++) {
        const o4 = <usize>j << 2;
        const pi = row + o4, pf = pi + ((<usize>H) << 2), pg = pf + ((<usize>H) << 2), po = pg + ((<usize>H) << 2);
        const i = sigmoidS(load<f32>(pi)), f = sigmoidS(load<f32>(pf)), g = tanhS(load<f32>(pg)), o = sigmoidS(load<f32>(po));
        store<f32>(pi, i); store<f32>(pf, f); store<f32>(pg, g); store<f32>(po, o);
        const c = f * load<f32>(cpRow + o4) + i * g;
        store<f32>(cRow + o4, c);
        store<f32>(hRow + o4, o * tanhS(c));
      }
    }
  }
}

/**
 * Backward of lstmForward: dhs, dcs (T, B, H) the gradients of every h and c, whh, c0, the saved cs
 * and gates → dxg (T, B, 4H); dh and dc (B, H) start at zero and end as the gradients of h0 and c0.
 * With dW ≠ 0 also dW (4H, H) = Σ_t dgates_tᵀ h_{t−1} from h0 and hs (T, B, H), accumulated step by
 * step while dgates_t is still in cache. `work` holds gemmWorkspaceBytes(H) bytes and `packed`
 * packedBBytes(4H, H).
 */
export function lstmBackward(
  T: i32, B: i32, H: i32, dhs: usize, dcs: usize, whh: usize, c0: usize, cs: usize, gates: usize,
  dxg: usize, dh: usize, dc: usize, reverse: i32, work: usize, packed: usize, h0: usize, hs: usize, dW: usize,
): void {
  const G = 4 * H;
  const prepacked = G <= KC && H <= NC;
  const pb = prepacked ? prepackB(G, H, whh, H, 1, packed) : 0;
  const stepBytes = (<usize>B * H) << 2, gateBytes = (<usize>B * G) << 2;
  const hv = H & ~3;
  const one = f32x4.splat(1);
  for (let s = 0; s < T; s++) {
    const t = reverse ? s : T - 1 - s;
    const prev = reverse ? t + 1 : t - 1;
    const first = reverse ? t == T - 1 : t == 0;
    const cPrev = first ? c0 : cs + <usize>prev * stepBytes;
    const gt = gates + <usize>t * gateBytes, dgt = dxg + <usize>t * gateBytes;
    for (let b = 0; b < B; b++) {
      const rowOff = (<usize>b * G) << 2, hOff = (<usize>b * H) << 2;
      const row = gt + rowOff, drow = dgt + rowOff;
      const dhRow = dh + hOff, dcRow = dc + hOff, cpRow = cPrev + hOff;
      const dhsRow = dhs + <usize>t * stepBytes + hOff, dcsRow = dcs + <usize>t * stepBytes + hOff, cRow = cs + <usize>t * stepBytes + hOff;
      let j = 0;
      for (; j < hv; j += 4) {
        const o4 = <usize>j << 2, hb = (<usize>H) << 2;
        const i = v128.load(row + o4), f = v128.load(row + o4 + hb), g = v128.load(row + o4 + 2 * hb), o = v128.load(row + o4 + 3 * hb);
        const dhv = f32x4.add(v128.load(dhsRow + o4), v128.load(dhRow + o4));
        const tc = tanhV(v128.load(cRow + o4));
        const dcv = f32x4.add(f32x4.add(v128.load(dcsRow + o4), v128.load(dcRow + o4)), f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc))));
        v128.store(drow + o4, f32x4.mul(f32x4.mul(dcv, g), f32x4.mul(i, f32x4.sub(one, i))));
        v128.store(drow + o4 + hb, f32x4.mul(f32x4.mul(dcv, v128.load(cpRow + o4)), f32x4.mul(f, f32x4.sub(one, f))));
        v128.store(drow + o4 + 2 * hb, f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g))));
        v128.store(drow + o4 + 3 * hb, f32x4.mul(f32x4.mul(dhv, tc), f32x4.mul(o, f32x4.sub(one, o))));
        v128.store(dcRow + o4, f32x4.mul(dcv, f));
      }
      for (; j < H; j++) {
        const o4 = <usize>j << 2, hb = (<usize>H) << 2;
        const i = load<f32>(row + o4), f = load<f32>(row + o4 + hb), g = load<f32>(row + o4 + 2 * hb), o = load<f32>(row + o4 + 3 * hb);
        const dhv = load<f32>(dhsRow + o4) + load<f32>(dhRow + o4);
        const tc = tanhS(load<f32>(cRow + o4));
        const dcv = load<f32>(dcsRow + o4) + load<f32>(dcRow + o4) + dhv * o * (1 - tc * tc);
        store<f32>(drow + o4, dcv * g * i * (1 - i));
        store<f32>(drow + o4 + hb, dcv * load<f32>(cpRow + o4) * f * (1 - f));
        store<f32>(drow + o4 + 2 * hb, dcv * i * (1 - g * g));
        store<f32>(drow + o4 + 3 * hb, dhv * tc * o * (1 - o));
        store<f32>(dcRow + o4, dcv * f);
      }
    }
    // dW (+)= dgates_tᵀ (4H×B) · h_{t−1} (B×H)
    if (dW != 0) gemm(G, H, B, 1, dgt, 1, G, first ? h0 : hs + <usize>prev * stepBytes, H, 1, s == 0 ? 0 : 1, dW, H, work);
    // dh_{t−1} = dgates_t (B×4H) · W_hh (4H×H)
    if (prepacked) gemmPrepackedB(B, H, G, 1, dgt, G, 1, pb, 0, dh, H, work);
    else gemm(B, H, G, 1, dgt, G, 1, whh, H, 1, 0, dh, H, work);
  }
}

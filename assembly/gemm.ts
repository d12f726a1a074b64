// Float32 GEMM, C = alpha·op(A)·op(B) + beta·C, with 128-bit SIMD and the BLIS loop structure.
//
// Goto & van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 34(3), 2008,
// https://doi.org/10.1145/1356052.1356053 ; Van Zee & van de Geijn, "BLIS: A Framework for Rapidly
// Instantiating BLAS Functionality", ACM TOMS 41(3), 2015, https://doi.org/10.1145/2764454 .
//
// op(A) is M×K and op(B) is K×N, each given by a row stride and a column stride (in elements), so a
// transposed operand is just swapped strides and needs no copy: A·B, Aᵀ·B, A·Bᵀ and Aᵀ·Bᵀ all run
// through the same code. C is M×N with rows ldc elements apart and unit column stride.
//
// Loops (outer to inner): jc over NC-column blocks of B (packed block lives in L3), pc over KC-deep
// slices of K, ic over MC-row blocks of A (packed block lives in L2), jr over NR-wide micro-panels
// of B (one micro-panel lives in L1), ir over MR-tall micro-panels of A, and the MR×NR micro-kernel
// that keeps the whole C tile in 8 f32x4 registers. alpha is folded into the packed A; beta is
// applied by the first KC slice when it stores its tile, so C is read and written once per slice.
//
// The micro-kernel shape 4×8 was chosen by measurement on V8 (x64, 15 usable xmm registers):
// 8 accumulators + 2 B vectors + 1 broadcast A value fit without spills; 6×8 and 5×8 spilled.

/** Rows of the register tile (one broadcast A value per row). */
const MR = 4;
/** Columns of the register tile (two f32x4 vectors per row). */
const NR = 8;
/** Depth of one packed slice: MR·KC + NR·KC floats (24 KiB) stay in L1 during the micro-kernel loop.
 *  512 rather than 256 halves the passes over C; measured on the dev machine (1 thread, GFLOP/s):
 *  512³ 46.3 → 48.3, 1024³ 44.7 → 48.0, 512³ A·Bᵀ 47.3 → 49.6; 384 was in between. */
export const KC = 512;
/** Rows of A packed per block (MC·KC·4 bytes = 512 KiB, a fraction of L2). */
export const MC = 256;
/** Columns of B packed per block (KC·NC·4 bytes = 8 MiB, shared L3). */
export const NC = 4096;

/** Bytes of scratch one thread needs for a GEMM with n columns (packed A, packed B, edge tile). */
export function gemmWorkspaceBytes(n: i32): usize {
  const nc = min(n, NC);
  const ncPadded = ((nc + NR - 1) / NR) * NR;
  return <usize>(MC * KC + KC * ncPadded + MR * NR) * 4 + 64;
}

@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Stores one row half of the tile: C = acc when beta == 0 (C is not read, so NaNs in C vanish
 *  as in BLAS), C += acc when beta == 1, otherwise C = beta·C + acc. */
@inline function storeTile(p: usize, acc: v128, beta: f32): void {
  if (beta == 0) v128.store(p, acc);
  else if (beta == 1) v128.store(p, f32x4.add(v128.load(p), acc));
  else v128.store(p, fma(v128.load(p), f32x4.splat(beta), acc));
}

/** The 4×8 register tile: C[0:4, 0:8] (=|+=) Apanel(kc×4)ᵀ · Bpanel(kc×8). Inlined into the
 *  macro-kernel for short kc (measured: +18% at kc = 32, where the call costs as much as several
 *  k steps) and called otherwise (measured: +5% at kc = 256, V8 allocates registers better). */
@inline function microKernelInline(kc: i32, pa: usize, pb: usize, pc: usize, ldc: i32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00;
  let c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
    pa += MR * 4;
    pb += NR * 4;
  }
  const row = <usize>ldc << 2;
  storeTile(pc, c00, beta); storeTile(pc + 16, c01, beta); pc += row;
  storeTile(pc, c10, beta); storeTile(pc + 16, c11, beta); pc += row;
  storeTile(pc, c20, beta); storeTile(pc + 16, c21, beta); pc += row;
  storeTile(pc, c30, beta); storeTile(pc + 16, c31, beta);
}

function microKernel(kc: i32, pa: usize, pb: usize, pc: usize, ldc: i32, beta: f32): void {
  microKernelInline(kc, pa, pb, pc, ldc, beta);
}

/** kc at or below which the micro-kernel is inlined. */
const INLINE_MAX_KC = 64;

/** Packs alpha·op(A)[0:mc, 0:kc] into MR-row micro-panels, each kc×MR with the MR values of one
 *  k adjacent; rows past mc are zero. */
function packA(mc: i32, kc: i32, alpha: f32, a: usize, rs: i32, cs: i32, dst: usize): void {
  const rsB = <usize>rs << 2, csB = <usize>cs << 2;
  const va = f32x4.splat(alpha);
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const src = a + <usize>i * rsB;
    if (rows == MR && rs == 1) {
      // Transposed A: the MR values of one k are contiguous.
      for (let p = 0; p < kc; p++) {
        v128.store(dst, f32x4.mul(v128.load(src + <usize>p * csB), va));
        dst += MR * 4;
      }
    } else if (rows == MR && cs == 1) {
      // Row-major A: transpose 4×4 blocks in registers.
      const r0 = src, r1 = src + rsB, r2 = r1 + rsB, r3 = r2 + rsB;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
        // t0 = x0[0] x1[0] x0[1] x1[1], t1 = x2[0] x3[0] x2[1] x3[1], ...
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        v128.store(dst, f32x4.mul(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), va));
        v128.store(dst, f32x4.mul(v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), va), 16);
        v128.store(dst, f32x4.mul(v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), va), 32);
        v128.store(dst, f32x4.mul(v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), va), 48);
        dst += 64;
      }
      for (; p < kc; p++) {
        const o = <usize>p << 2;
        store<f32>(dst, load<f32>(r0 + o) * alpha);
        store<f32>(dst, load<f32>(r1 + o) * alpha, 4);
        store<f32>(dst, load<f32>(r2 + o) * alpha, 8);
        store<f32>(dst, load<f32>(r3 + o) * alpha, 12);
        dst += MR * 4;
      }
    } else {
      // General strides or a partial panel: element by element, zero padding.
      for (let p = 0; p < kc; p++) {
        const col = src + <usize>p * csB;
        for (let r = 0; r < MR; r++) {
          store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(col + <usize>r * rsB) * alpha : 0);
        }
        dst += MR * 4;
      }
    }
  }
}

/** Packs op(B)[0:kc, 0:nc] into NR-column micro-panels, each kc×NR with the NR values of one k
 *  adjacent; columns past nc are zero. */
function packB(kc: i32, nc: i32, b: usize, rs: i32, cs: i32, dst: usize): void {
  const rsB = <usize>rs << 2, csB = <usize>cs << 2;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const src = b + <usize>j * csB;
    if (cols == NR && cs == 1) {
      // Row-major B: the NR values of one k are contiguous.
      for (let p = 0; p < kc; p++) {
        const s = src + <usize>p * rsB;
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
        dst += NR * 4;
      }
    } else if (cols == NR && rs == 1) {
      // Transposed B: column j of op(B) is contiguous; transpose 4×4 blocks in registers.
      for (let h = 0; h < 2; h++) {
        const c0 = src + <usize>(h * 4) * csB, c1 = c0 + csB, c2 = c1 + csB, c3 = c2 + csB;
        let d = dst + <usize>(h * 16);
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          const x0 = v128.load(c0 + o), x1 = v128.load(c1 + o), x2 = v128.load(c2 + o), x3 = v128.load(c3 + o);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), NR * 4);
          v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), NR * 8);
          v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), NR * 12);
          d += NR * 16;
        }
        for (; p < kc; p++) {
          const o = <usize>p << 2;
          store<f32>(d, load<f32>(c0 + o));
          store<f32>(d, load<f32>(c1 + o), 4);
          store<f32>(d, load<f32>(c2 + o), 8);
          store<f32>(d, load<f32>(c3 + o), 12);
          d += NR * 4;
        }
      }
      dst += <usize>kc * NR * 4;
    } else {
      for (let p = 0; p < kc; p++) {
        const row = src + <usize>p * rsB;
        for (let c = 0; c < NR; c++) {
          store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(row + <usize>c * csB) : 0);
        }
        dst += NR * 4;
      }
    }
  }
}

/** C[0:mc, 0:nc] (beta-scaled) += packedA · packedB, tile by tile; edge tiles go through `tile`. */
function macroKernel(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, beta: f32, tile: usize): void {
  const ldcB = <usize>ldc << 2;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const panelB = pb + <usize>j * kc * 4;
    for (let i = 0; i < mc; i += MR) {
      const rows = min(MR, mc - i);
      const panelA = pa + <usize>i * kc * 4;
      const cij = c + <usize>i * ldcB + (<usize>j << 2);
      if (rows == MR && cols == NR) {
        if (kc <= INLINE_MAX_KC) microKernelInline(kc, panelA, panelB, cij, ldc, beta);
        else microKernel(kc, panelA, panelB, cij, ldc, beta);
      } else {
        microKernel(kc, panelA, panelB, tile, NR, 0);
        for (let r = 0; r < rows; r++) {
          const crow = cij + <usize>r * ldcB;
          const trow = tile + (<usize>(r * NR) << 2);
          for (let s = 0; s < cols; s++) {
            const o = <usize>s << 2;
            const t = load<f32>(trow + o);
            store<f32>(crow + o, beta == 0 ? t : beta * load<f32>(crow + o) + t);
          }
        }
      }
    }
  }
}

/** C = beta·C for the degenerate cases k == 0 or alpha == 0 (beta == 0 writes zeros). */
function scaleC(m: i32, n: i32, beta: f32, c: usize, ldc: i32): void {
  if (beta == 1) return;
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>i * ldc << 2);
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(row + o, beta == 0 ? 0 : beta * load<f32>(row + o));
    }
  }
}

/**
 * C = alpha·op(A)·op(B) + beta·C. Pointers are byte addresses in linear memory; strides are in
 * elements. `work` must hold gemmWorkspaceBytes(n) bytes private to the calling thread.
 */
export function gemm(
  m: i32, n: i32, k: i32, alpha: f32,
  a: usize, rsA: i32, csA: i32,
  b: usize, rsB: i32, csB: i32,
  beta: f32, c: usize, ldc: i32, work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) {
    scaleC(m, n, beta, c, ldc);
    return;
  }
  const base = (work + 63) & ~(<usize>63);
  const packedA = base;
  const packedB = packedA + <usize>(MC * KC) * 4;
  const ncMax = min(n, NC);
  const tile = packedB + <usize>(KC * (((ncMax + NR - 1) / NR) * NR)) * 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(kc, nc, b + ((<usize>pc * rsB + <usize>jc * csB) << 2), rsB, csB, packedB);
      const betaNow: f32 = pc == 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(mc, kc, alpha, a + ((<usize>ic * rsA + <usize>pc * csA) << 2), rsA, csA, packedA);
        macroKernel(mc, nc, kc, packedA, packedB, c + ((<usize>ic * ldc + jc) << 2), ldc, betaNow, tile);
      }
    }
  }
}

/**
 * Batched GEMM over `count` problems starting at problem `first`; problem i uses A + i·strideA,
 * B + i·strideB, C + i·strideC (strides in elements; 0 broadcasts one operand over the batch).
 */
export function gemmBatched(
  first: i32, count: i32, m: i32, n: i32, k: i32, alpha: f32,
  a: usize, rsA: i32, csA: i32, strideA: i32,
  b: usize, rsB: i32, csB: i32, strideB: i32,
  beta: f32, c: usize, ldc: i32, strideC: i32, work: usize,
): void {
  for (let i = first; i < first + count; i++) {
    gemm(
      m, n, k, alpha,
      a + ((<usize>i * strideA) << 2), rsA, csA,
      b + ((<usize>i * strideB) << 2), rsB, csB,
      beta, c + ((<usize>i * strideC) << 2), ldc, work,
    );
  }
}

/** Bytes of a packed op(B) of k×n (k ≤ KC, n ≤ NC) for prepackB, 64-byte alignment slack included. */
export function packedBBytes(k: i32, n: i32): usize {
  return <usize>k * (((n + NR - 1) / NR) * NR) * 4 + 64;
}

/**
 * Packs op(B) (k×n with k ≤ KC and n ≤ NC: one block) once, for many gemmPrepackedB calls with the
 * same B (a recurrent layer multiplies by W_hh at every step). `dst` holds packedBBytes(k, n) bytes.
 * Returns the aligned address to pass on.
 */
export function prepackB(k: i32, n: i32, b: usize, rsB: i32, csB: i32, dst: usize): usize {
  const at = (dst + 63) & ~(<usize>63);
  packB(k, n, b, rsB, csB, at);
  return at;
}

/** C = alpha·op(A)·B + beta·C for a B packed by prepackB(k, n, …); `work` as for gemm. */
export function gemmPrepackedB(
  m: i32, n: i32, k: i32, alpha: f32, a: usize, rsA: i32, csA: i32, packedB: usize, beta: f32, c: usize, ldc: i32, work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const packedA = (work + 63) & ~(<usize>63);
  const tile = packedA + <usize>(MC * KC) * 4;
  for (let ic = 0; ic < m; ic += MC) {
    const mc = min(MC, m - ic);
    packA(mc, k, alpha, a + ((<usize>ic * rsA) << 2), rsA, csA, packedA);
    macroKernel(mc, n, k, packedA, packedB, c + ((<usize>ic * ldc) << 2), ldc, beta, tile);
  }
}

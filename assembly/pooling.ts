// Max pooling of float32 planes over window tables (the reference kernel's PoolWindows: for each output
// position of a pooled dim, the first input position lo, one past the last hi, and the step between taps),
// and its adjoint. The index of a maximum is its offset within the input plane, as PyTorch returns it.

/**
 * values, indices (planes, oD, oH, oW) for planes first … first + count − 1 of x (planes, D, H, W). `table`
 * holds int32 dLo[oD], dHi[oD], hLo[oH], hHi[oH], wLo[oW], wHi[oW]. Each window is scanned in order from its
 * first position: the first maximum wins, and a NaN wins (the last NaN), as the reference and PyTorch.
 */
export function maxPool(
  x: usize, values: usize, indices: usize, first: i32, count: i32, D: i32, H: i32, W: i32,
  table: usize, oD: i32, oH: i32, oW: i32, dStep: i32, hStep: i32, wStep: i32,
): void {
  const inPlane = <usize>D * H * W, outPlane = <usize>oD * oH * oW;
  const dLo = table, dHi = dLo + (<usize>oD << 2), hLo = dHi + (<usize>oD << 2), hHi = hLo + (<usize>oH << 2);
  const wLo = hHi + (<usize>oH << 2), wHi = wLo + (<usize>oW << 2);
  for (let p = first; p < first + count; p++) {
    const base = x + ((<usize>p * inPlane) << 2);
    let o = <usize>p * outPlane;
    for (let od = 0; od < oD; od++) {
      const d0 = load<i32>(dLo + (<usize>od << 2)), d1 = load<i32>(dHi + (<usize>od << 2));
      for (let oh = 0; oh < oH; oh++) {
        const h0 = load<i32>(hLo + (<usize>oh << 2)), h1 = load<i32>(hHi + (<usize>oh << 2));
        for (let ow = 0; ow < oW; ow++, o++) {
          const w0 = load<i32>(wLo + (<usize>ow << 2)), w1 = load<i32>(wHi + (<usize>ow << 2));
          let best: f32 = -Infinity;
          let at = (d0 * H + h0) * W + w0;
          for (let id = d0; id < d1; id += dStep) {
            for (let ih = h0; ih < h1; ih += hStep) {
              const row = (id * H + ih) * W;
              for (let iw = w0; iw < w1; iw += wStep) {
                const v = load<f32>(base + (<usize>(row + iw) << 2));
                if (v > best || v != v) {
                  best = v;
                  at = row + iw;
                }
              }
            }
          }
          store<f32>(values + (o << 2), best);
          store<i32>(indices + (o << 2), at);
        }
      }
    }
  }
}

/**
 * The adjoint of maxPool for planes first … first + count − 1: out (planes, inPlane) is zero except
 * out[p, indices[p, q]] += g[p, q], summed in q order.
 */
export function maxPoolBackward(g: usize, indices: usize, out: usize, first: i32, count: i32, inPlane: i32, outPlane: i32): void {
  memory.fill(out + ((<usize>first * inPlane) << 2), 0, (<usize>count * inPlane) << 2);
  for (let p = first; p < first + count; p++) {
    const base = out + ((<usize>p * inPlane) << 2);
    let o = <usize>p * outPlane;
    for (let q = 0; q < outPlane; q++, o++) {
      const at = base + (<usize>load<i32>(indices + (o << 2)) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(g + (o << 2)));
    }
  }
}

/**
 * maxPool for 2-D windows at regular positions (output (i, j) reads rows i·sh … i·sh + kh − 1 and columns
 * j·sw … j·sw + kw − 1, all inside the plane): the same scan without the window tables.
 */
export function maxPool2dRegular(
  x: usize, values: usize, indices: usize, first: i32, count: i32, H: i32, W: i32,
  oH: i32, oW: i32, kh: i32, kw: i32, sh: i32, sw: i32,
): void {
  const inPlane = <usize>H * W, outPlane = <usize>oH * oW;
  for (let p = first; p < first + count; p++) {
    const base = x + ((<usize>p * inPlane) << 2);
    let o = <usize>p * outPlane;
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * sh;
      for (let ow = 0; ow < oW; ow++, o++) {
        const w0 = ow * sw;
        let best: f32 = -Infinity;
        let at = h0 * W + w0;
        for (let ih = h0; ih < h0 + kh; ih++) {
          const row = ih * W;
          for (let iw = w0; iw < w0 + kw; iw++) {
            const v = load<f32>(base + (<usize>(row + iw) << 2));
            if (v > best || v != v) {
              best = v;
              at = row + iw;
            }
          }
        }
        store<f32>(values + (o << 2), best);
        store<i32>(indices + (o << 2), at);
      }
    }
  }
}

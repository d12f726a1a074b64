// im2col / col2im over Float32Arrays holding NCHW images (the unfold/fold of a 2-D convolution).
import type { WasmRuntime } from "./WasmRuntime.js";

/** Geometry of a 2-D convolution over [batch, channels, height, width] images. */
export interface ConvGeometry {
  batch: number;
  channels: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  /** Default 1. */
  strideH?: number;
  strideW?: number;
  /** Zero padding on each side; default 0. */
  padH?: number;
  padW?: number;
  /** Spacing between kernel taps; default 1. */
  dilationH?: number;
  dilationW?: number;
}

interface Resolved {
  n: number; c: number; h: number; w: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; oh: number; ow: number;
}

/** Output height/width: ⌊(H + 2·P − D·(K − 1) − 1) / S⌋ + 1 (as in torch.nn.Conv2d). */
export function convOutputSize(geometry: ConvGeometry): [number, number] {
  const g = resolve("convOutputSize", geometry);
  return [g.oh, g.ow];
}

function resolve(op: string, g: ConvGeometry): Resolved {
  const r = {
    n: g.batch, c: g.channels, h: g.height, w: g.width, kh: g.kernelH, kw: g.kernelW,
    sh: g.strideH ?? 1, sw: g.strideW ?? 1, ph: g.padH ?? 0, pw: g.padW ?? 0, dh: g.dilationH ?? 1, dw: g.dilationW ?? 1,
  };
  for (const [name, value] of Object.entries(r)) {
    const positive = ["kh", "kw", "sh", "sw", "dh", "dw"].includes(name);
    if (!Number.isInteger(value) || value < (positive ? 1 : 0)) {
      throw new Error(`${op}: ${name} must be an integer >= ${positive ? 1 : 0}, got ${value}`);
    }
  }
  const oh = Math.floor((r.h + 2 * r.ph - r.dh * (r.kh - 1) - 1) / r.sh) + 1;
  const ow = Math.floor((r.w + 2 * r.pw - r.dw * (r.kw - 1) - 1) / r.sw) + 1;
  if (oh < 1 || ow < 1) {
    throw new Error(
      `${op}: kernel ${r.kh}×${r.kw} (dilation ${r.dh}×${r.dw}) does not fit the padded ${r.h + 2 * r.ph}×${r.w + 2 * r.pw} input`,
    );
  }
  return { ...r, oh, ow };
}

/** x [batch, channels, H, W] → cols [batch, channels·kernelH·kernelW, outH·outW] (torch unfold layout). */
export function im2col(rt: WasmRuntime, x: Float32Array, geometry: ConvGeometry): Float32Array {
  const g = resolve("im2col", geometry);
  const inLength = g.n * g.c * g.h * g.w;
  if (x.length !== inLength) throw new Error(`im2col: x has length ${x.length}, expected ${g.n}·${g.c}·${g.h}·${g.w} = ${inLength}`);
  const outLength = g.n * g.c * g.kh * g.kw * g.oh * g.ow;
  rt.resetArena();
  const px = rt.put(x, 0, inLength);
  const pc = rt.alloc(outLength * 4);
  rt.exports.im2col(px, pc, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow);
  return rt.f32(pc, outLength).slice();
}

/** The adjoint of im2col: cols [batch, channels·kernelH·kernelW, outH·outW] → x [batch, channels, H, W], summing overlaps. */
export function col2im(rt: WasmRuntime, cols: Float32Array, geometry: ConvGeometry): Float32Array {
  const g = resolve("col2im", geometry);
  const colsLength = g.n * g.c * g.kh * g.kw * g.oh * g.ow;
  if (cols.length !== colsLength) {
    throw new Error(`col2im: cols has length ${cols.length}, expected ${g.n}·${g.c}·${g.kh}·${g.kw}·${g.oh}·${g.ow} = ${colsLength}`);
  }
  const outLength = g.n * g.c * g.h * g.w;
  rt.resetArena();
  const pc = rt.put(cols, 0, colsLength);
  const px = rt.alloc(outLength * 4);
  rt.exports.col2im(pc, px, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow);
  return rt.f32(px, outLength).slice();
}

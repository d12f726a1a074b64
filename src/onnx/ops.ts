// The ONNX operators the importer evaluates, each written with deepscript's differentiable ops (one entry per operator).
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { isFloating } from "../tensor/dtype.js";
import { broadcastShapes, fmtShape, numel } from "../tensor/shape.js";
import * as E from "../ops/elementwise.js";
import { full, tensor, zeros } from "../ops/creation.js";
import { cat, pad, stack } from "../ops/movement.js";
import { indexSelect, where } from "../ops/indexing.js";
import { matmul } from "../ops/linalg.js";
import { amax, mean, sum, variance } from "../ops/reduce.js";
import { convNd, convTransposeNd } from "../ops/conv.js";
import { avgPoolNd, maxPoolNd } from "../ops/pooling.js";
import { resize } from "../ops/resample.js";
import { logSoftmax, softmax } from "../ops/softmax.js";
import { linear } from "../nn/functional/layers.js";
import * as F from "../nn/functional/activations.js";
import { gruStep, lstmStep, rnnReluStep, rnnTanhStep, type CellWeights } from "../nn/functional/rnn.js";
import { dataTypeName, deepscriptDType, saturateInt32, tensorFromProto, type AttributeProto } from "./proto.js";

/** An attribute's decoded value. */
export type AttributeValue = number | string | number[] | string[] | Tensor;

/** A node of the imported graph, with its attributes decoded and the opset it is read under. */
export class OnnxNode {
  constructor(
    readonly name: string,
    readonly opType: string,
    readonly inputs: readonly string[],
    readonly outputs: readonly string[],
    readonly attributes: ReadonlyMap<string, AttributeValue>,
    readonly opset: number,
    /** The attributes as read from the file (written back as they are when the graph is exported). */
    readonly attributeProtos: readonly AttributeProto[] = [],
  ) {}

  /** `node "/0/Gemm" (Gemm)`, for messages. */
  get label(): string {
    return `node "${this.name}" (${this.opType})`;
  }

  int(name: string, dflt: number): number;
  int(name: string): number | undefined;
  int(name: string, dflt?: number): number | undefined {
    return this.typed(name, "an integer", (v): v is number => typeof v === "number") ?? dflt;
  }
  float(name: string, dflt: number): number {
    return this.typed(name, "a number", (v): v is number => typeof v === "number") ?? dflt;
  }
  ints(name: string): number[] | undefined {
    return this.typed(name, "a list of integers", (v): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number"));
  }
  string(name: string, dflt: string): string {
    return this.typed(name, "a string", (v): v is string => typeof v === "string") ?? dflt;
  }
  private typed<T extends AttributeValue>(name: string, what: string, ok: (v: AttributeValue) => v is T): T | undefined {
    const v = this.attributes.get(name);
    if (v === undefined) return undefined;
    if (!ok(v)) throw new Error(`attribute "${name}" must be ${what}`);
    return v;
  }
}

/** Decodes an AttributeProto (the `type` field may be missing in old files; then the set field tells). */
export function attributeValue(a: AttributeProto, op: string, where: string): AttributeValue {
  const what = `attribute "${a.name}" of ${where}`;
  const type = a.type ?? (a.f !== undefined ? 1 : a.i !== undefined ? 2 : a.s !== undefined ? 3 : a.t !== undefined ? 4 : a.floats.length > 0 ? 6 : a.ints.length > 0 ? 7 : a.strings.length > 0 ? 8 : 0);
  switch (type) {
    case 1:
      return a.f ?? 0;
    case 2:
      return a.i ?? 0;
    case 3:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case 4:
      if (!a.t) throw new Error(`${op}: ${what} is a tensor attribute without a tensor`);
      return tensorFromProto(a.t, what, op);
    case 6:
      return [...a.floats];
    case 7:
      return [...a.ints];
    case 8:
      return a.strings.map((s) => new TextDecoder().decode(s));
    default:
      throw new Error(`${op}: ${what} has attribute type ${type} (graphs, sparse tensors and type protos are not supported)`);
  }
}

/**
 * One operator: gets the node's inputs (null for an omitted optional input) and returns its outputs.
 * Tensors of ONNX's INT64 type are held as int32.
 */
export type OpImpl = (inputs: (Tensor | null)[], node: OnnxNode) => Tensor[];

// ---- helpers ----

function need(x: Tensor | null | undefined, i: number): Tensor {
  if (!x) throw new Error(`input ${i} is required`);
  return x;
}
/** The integer values of a small tensor (shapes, axes, indices). */
function intValues(t: Tensor): number[] {
  if (isFloating(t.dtype)) throw new Error(`expected an integer tensor, got ${t.dtype}`);
  return Array.from(t.dataSync() as ArrayLike<number>);
}
function axis(a: number, rank: number, what = "axis"): number {
  if (!Number.isInteger(a) || a < -rank || a >= rank) throw new Error(`${what} ${a} is out of range for rank ${rank}`);
  return a < 0 ? a + rank : a;
}
/** Axes from the attribute (older opsets) or from input `i` (newer ones). */
function axesOf(node: OnnxNode, inputs: (Tensor | null)[], i: number): number[] | undefined {
  const t = inputs[i];
  return t ? intValues(t) : node.ints("axes");
}

const unary = (f: (x: Tensor) => Tensor): OpImpl => ([x]) => [f(need(x, 0))];
const binary = (f: (a: Tensor, b: Tensor) => Tensor): OpImpl => ([a, b]) => [f(need(a, 0), need(b, 1))];
/** An integer operation computed elementwise on the host with broadcasting (shape arithmetic; no gradient). */
function hostInt(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes("onnx", a.shape, b.shape);
  const x = a.broadcastTo(shape).contiguous().dataSync(), y = b.broadcastTo(shape).contiguous().dataSync();
  return tensor(Int32Array.from({ length: numel(shape) }, (_, k) => f(Number(x[k]), Number(y[k]))), { dtype: "int32", shape });
}
const variadic = (f: (a: Tensor, b: Tensor) => Tensor): OpImpl => (inputs) => [inputs.map((t, i) => need(t, i)).reduce(f)];

function reduceOp(kind: "mean" | "sum"): OpImpl {
  return (inputs, node) => {
    const x = need(inputs[0], 0);
    // Axes became an input at opset 13 for ReduceSum and at opset 18 for the others.
    const axesAsInput = kind === "sum" ? node.opset >= 13 : node.opset >= 18;
    const axes = axesAsInput ? (inputs[1] ? intValues(inputs[1]) : undefined) : node.ints("axes");
    const keepdim = node.int("keepdims", 1) !== 0;
    if (axes === undefined || axes.length === 0) {
      if (node.int("noop_with_empty_axes", 0) !== 0) return [x];
    }
    const dim = axes === undefined || axes.length === 0 ? undefined : axes.map((a) => axis(a, x.ndim));
    return [kind === "mean" ? mean(x, { dim, keepdim }) : sum(x, { dim, keepdim })];
  };
}

function softmaxOp(log: boolean): OpImpl {
  return ([input], node) => {
    const x = need(input, 0);
    const f = log ? logSoftmax : softmax;
    if (node.opset >= 13) return [f(x, axis(node.int("axis", -1), x.ndim))];
    // Before opset 13 the input is seen as 2-D: dims before `axis` are rows, the rest one softmax.
    const a = axis(node.int("axis", 1), x.ndim + 1);
    const rows = numel(x.shape.slice(0, a));
    return [f(x.reshape(rows, numel(x.shape.slice(a))), 1).reshape(x.shape)];
  };
}

/** ONNX Slice on one axis: start/end clamped per the spec, negative steps walking backwards. */
function sliceAxis(x: Tensor, d: number, start: number, end: number, step: number): Tensor {
  const n = x.shape[d]!;
  if (step === 0) throw new Error("Slice step must not be 0");
  const wrap = (v: number) => (v < 0 ? v + n : v);
  if (step > 0) {
    const s = Math.min(Math.max(wrap(start), 0), n), e = Math.min(Math.max(wrap(end), 0), n);
    return x.slice(d, s, Math.max(s, e), step);
  }
  // On the flipped axis index i is n − 1 − i.
  const s = Math.min(Math.max(wrap(start), 0), n - 1), e = Math.min(Math.max(wrap(end), -1), n - 1);
  if (s <= e) return x.slice(d, 0, 0);
  return x.flip(d).slice(d, n - 1 - s, n - 1 - e, -step);
}

// ---- convolution, pooling and resampling (what CNNs exported by PyTorch use) ----

/**
 * A Conv/pool node's window geometry: kernel, strides and dilations (default 1) and the pads as
 * [begin, end] per spatial dim, from `pads` or from `auto_pad` (SAME_UPPER puts the odd element at the end).
 */
function windowGeometry(node: OnnxNode, spatial: readonly number[], kernel: readonly number[]) {
  const nd = spatial.length;
  const ones = new Array<number>(nd).fill(1);
  const strides = node.ints("strides") ?? ones;
  const dilations = node.ints("dilations") ?? ones;
  const autoPad = node.string("auto_pad", "NOTSET");
  let pairs: [number, number][];
  if (autoPad === "NOTSET") {
    const pads = node.ints("pads") ?? new Array<number>(2 * nd).fill(0);
    if (pads.length !== 2 * nd) throw new Error(`pads must list ${2 * nd} values (begin and end of each of the ${nd} spatial dims), got [${pads.join(", ")}]`);
    pairs = spatial.map((_, i) => [pads[i]!, pads[i + nd]!]);
  } else if (autoPad === "VALID") {
    pairs = spatial.map(() => [0, 0]);
  } else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    pairs = spatial.map((n, i) => {
      const total = Math.max(0, (Math.ceil(n / strides[i]!) - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - n);
      const small = Math.floor(total / 2);
      return autoPad === "SAME_UPPER" ? [small, total - small] : [total - small, small];
    });
  } else throw new Error(`auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got "${autoPad}"`);
  if (strides.length !== nd || dilations.length !== nd) throw new Error(`strides and dilations must have ${nd} values for a ${nd}-D window`);
  return { strides, dilations, pairs, symmetric: pairs.every(([a, b]) => a === b) };
}

/** deepscript's pad list (last dim first, [before, after] each) for [begin, end] pairs of the spatial dims of a (N, C, …) tensor. */
const spatialPadding = (pairs: readonly [number, number][]): number[] => [...pairs].reverse().flat();

/** x as (N, C, *spatial) for a window operator: ONNX requires the batch and channel dims. */
function spatialInput(x: Tensor | null, what = "input"): Tensor {
  const X = need(x, 0);
  if (X.ndim < 3) throw new Error(`${what} must be (N, C, spatial…) with at least one spatial dim, got ${fmtShape(X.shape)}`);
  return X;
}

/** The pooled output only: ONNX's MaxPool indices count over the whole tensor, which deepscript does not produce. */
function onlyFirstOutput(node: OnnxNode): void {
  if (node.outputs.length > 1 && node.outputs[1] !== "") throw new Error("the Indices output is not supported (only the pooled values)");
}

function globalPool(kind: "mean" | "max"): OpImpl {
  return ([x]) => {
    const X = spatialInput(x);
    const dims = Array.from({ length: X.ndim - 2 }, (_, i) => i + 2);
    return [kind === "mean" ? mean(X, dims, true) : amax(X, dims, true)];
  };
}

/** DepthToSpace's two channel orders: DCR splits C as (b, b, C/b²), CRD (PyTorch's pixel_shuffle) as (C/b², b, b). */
function depthToSpace(x: Tensor, b: number, mode: string): Tensor {
  if (x.ndim !== 4) throw new Error(`input must be 4-D (N, C, H, W), got ${fmtShape(x.shape)}`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  if (C % (b * b) !== 0) throw new Error(`the ${C} channels of input ${fmtShape(x.shape)} are not divisible by blocksize² = ${b * b}`);
  const c = C / (b * b);
  if (mode === "DCR") return x.reshape(N, b, b, c, H, W).permute([0, 3, 4, 1, 5, 2]).reshape(N, c, H * b, W * b); // (N, c, H, b, W, b)
  if (mode === "CRD") return x.reshape(N, c, b, b, H, W).permute([0, 1, 4, 2, 5, 3]).reshape(N, c, H * b, W * b);
  throw new Error(`mode must be "DCR" or "CRD", got "${mode}"`);
}

/** Pad's modes in deepscript's names. */
const PAD_MODES: Record<string, "constant" | "reflect" | "replicate" | "circular"> = { constant: "constant", reflect: "reflect", edge: "replicate", wrap: "circular" };

/**
 * Resize's coordinate rules that are PyTorch's interpolate modes: nearest = asymmetric + floor,
 * nearest-exact = half_pixel + round_prefer_ceil, linear = (pytorch_)half_pixel or align_corners.
 */
function resizeMode(node: OnnxNode, nd: number): { mode: "nearest" | "nearest-exact" | "linear" | "bilinear" | "trilinear"; alignCorners?: boolean } {
  const mode = node.string("mode", "nearest");
  const transform = node.string("coordinate_transformation_mode", "half_pixel");
  if (node.int("antialias", 0) !== 0) throw new Error("antialias = 1 is not supported");
  if (node.string("keep_aspect_ratio_policy", "stretch") !== "stretch") throw new Error("keep_aspect_ratio_policy other than \"stretch\" is not supported");
  if (mode === "nearest") {
    const rounding = node.string("nearest_mode", "round_prefer_floor");
    if (transform === "asymmetric" && rounding === "floor") return { mode: "nearest" };
    if ((transform === "half_pixel" || transform === "pytorch_half_pixel") && rounding === "round_prefer_ceil") return { mode: "nearest-exact" };
    throw new Error(`mode "nearest" with coordinate_transformation_mode "${transform}" and nearest_mode "${rounding}" is not supported (asymmetric + floor, or half_pixel + round_prefer_ceil)`);
  }
  if (mode === "linear") {
    const linear = (["linear", "bilinear", "trilinear"] as const)[nd - 1];
    if (!linear) throw new Error(`linear resizing of ${nd} spatial dims is not supported (1 to 3)`);
    if (transform === "half_pixel" || transform === "pytorch_half_pixel") return { mode: linear, alignCorners: false };
    if (transform === "align_corners") return { mode: linear, alignCorners: true };
    throw new Error(`mode "linear" with coordinate_transformation_mode "${transform}" is not supported (half_pixel, pytorch_half_pixel or align_corners)`);
  }
  throw new Error(`mode "${mode}" is not supported (nearest or linear)`);
}

const VISION_OPS: Record<string, OpImpl> = {
  // y = x ⋆ W + b, with pads that may differ before and after (then applied as zero padding first).
  Conv: ([x, w, b], node) => {
    const X = spatialInput(x), W = need(w, 1);
    const kernel = W.shape.slice(2), nd = kernel.length;
    if (X.ndim !== nd + 2) throw new Error(`input ${fmtShape(X.shape)} and weight ${fmtShape(W.shape)} disagree on the number of spatial dims`);
    const { strides, dilations, pairs, symmetric } = windowGeometry(node, X.shape.slice(2), kernel);
    const groups = node.int("group", 1);
    const input = symmetric ? X : pad(X, spatialPadding(pairs));
    const padding = symmetric ? pairs.map((p) => p[0]) : 0;
    return [convNd("Conv", nd, input, W, b, { stride: strides, padding, dilation: dilations, groups })];
  },
  // Transposed convolution; pads that differ before and after crop the full output.
  ConvTranspose: ([x, w, b], node) => {
    const X = spatialInput(x), W = need(w, 1);
    const kernel = W.shape.slice(2), nd = kernel.length;
    if (node.ints("output_shape")) throw new Error("the output_shape attribute is not supported (give pads and output_padding)");
    const autoPad = node.string("auto_pad", "NOTSET");
    if (autoPad !== "NOTSET" && autoPad !== "VALID") throw new Error(`auto_pad "${autoPad}" is not supported for ConvTranspose (NOTSET or VALID)`);
    const { strides, dilations, pairs, symmetric } = windowGeometry(node, X.shape.slice(2), kernel);
    const outputPadding = node.ints("output_padding") ?? new Array<number>(nd).fill(0);
    const options = { stride: strides, dilation: dilations, groups: node.int("group", 1), outputPadding };
    if (symmetric) return [convTransposeNd("ConvTranspose", nd, X, W, b, { ...options, padding: pairs.map((p) => p[0]) })];
    let y = convTransposeNd("ConvTranspose", nd, X, W, b, { ...options, padding: 0 });
    pairs.forEach(([before, after], i) => (y = y.narrow(i + 2, before, y.shape[i + 2]! - before - after)));
    return [y];
  },
  // −∞ padding: within half the kernel as PyTorch's pooling takes it, otherwise written out before pooling.
  MaxPool: ([x], node) => {
    onlyFirstOutput(node);
    const X = spatialInput(x), nd = X.ndim - 2;
    if (node.int("storage_order", 0) !== 0) throw new Error("storage_order = 1 is not supported");
    const kernel = node.ints("kernel_shape");
    if (!kernel || kernel.length !== nd) throw new Error(`kernel_shape must list ${nd} sizes for input ${fmtShape(X.shape)}`);
    const { strides, dilations, pairs, symmetric } = windowGeometry(node, X.shape.slice(2), kernel);
    const options = { stride: strides, dilation: dilations, ceilMode: node.int("ceil_mode", 0) !== 0 };
    if (symmetric && pairs.every(([p], i) => p <= Math.floor(kernel[i]! / 2))) {
      return [maxPoolNd("MaxPool", nd, X, kernel, { ...options, padding: pairs.map((p) => p[0]) }) as Tensor];
    }
    return [maxPoolNd("MaxPool", nd, pad(X, spatialPadding(pairs), { value: -Infinity }), kernel, { ...options, padding: 0 }) as Tensor];
  },
  // count_include_pad defaults to 0 in ONNX (PyTorch's countIncludePad to true; its exporter writes it out).
  AveragePool: ([x], node) => {
    const X = spatialInput(x), nd = X.ndim - 2;
    const kernel = node.ints("kernel_shape");
    if (!kernel || kernel.length !== nd) throw new Error(`kernel_shape must list ${nd} sizes for input ${fmtShape(X.shape)}`);
    const { strides, dilations, pairs, symmetric } = windowGeometry(node, X.shape.slice(2), kernel);
    if (dilations.some((d) => d !== 1)) throw new Error(`dilations [${dilations.join(", ")}] are not supported for AveragePool`);
    if (!symmetric || pairs.some(([p], i) => p > Math.floor(kernel[i]! / 2))) {
      throw new Error(`pads [${pairs.map((p) => p[0]).join(", ")}, ${pairs.map((p) => p[1]).join(", ")}] are not supported: AveragePool needs equal pads before and after, at most half the kernel [${kernel.join(", ")}]`);
    }
    const countIncludePad = node.int("count_include_pad", 0) !== 0, ceilMode = node.int("ceil_mode", 0) !== 0;
    return [avgPoolNd("AveragePool", nd, X, kernel, { stride: strides, padding: pairs.map((p) => p[0]), ceilMode, countIncludePad })];
  },
  GlobalAveragePool: globalPool("mean"),
  GlobalMaxPool: globalPool("max"),
  // (x − μ)/√(σ² + ε)·scale + B with each sample's and channel's statistics over the spatial dims.
  InstanceNormalization: ([x, scale, b], node) => {
    const X = spatialInput(x);
    const dims = Array.from({ length: X.ndim - 2 }, (_, i) => i + 2);
    const shape = X.shape.map((s, i) => (i === 1 ? s : 1)); // (1, C, 1, …)
    const mu = mean(X, dims, true);
    const invStd = E.rsqrt(E.add(variance(X, { dim: dims, keepdim: true, correction: 0 }), node.float("epsilon", 1e-5)));
    return [E.add(E.mul(E.mul(E.sub(X, mu), invStd), need(scale, 1).reshape(shape)), need(b, 2).reshape(shape))];
  },
  Pad: (inputs, node) => {
    const X = need(inputs[0], 0);
    const mode = node.string("mode", "constant");
    const padMode = PAD_MODES[mode];
    if (!padMode) throw new Error(`mode must be constant, reflect, edge or wrap, got "${mode}"`);
    // Pads and the fill value are attributes before opset 11, inputs after (with optional axes from 18).
    const pads = node.opset < 11 ? node.ints("pads") : inputs[1] ? intValues(inputs[1]) : undefined;
    if (!pads) throw new Error("missing pads");
    const axes = node.opset >= 18 && inputs[3] ? intValues(inputs[3]).map((a) => axis(a, X.ndim)) : Array.from({ length: X.ndim }, (_, i) => i);
    if (pads.length !== 2 * axes.length) throw new Error(`pads [${pads.join(", ")}] must have 2 values per padded axis (${axes.length} axes of input ${fmtShape(X.shape)})`);
    const value = node.opset < 11 ? node.float("value", 0) : inputs[2] ? Number(inputs[2].dataSync()[0]) : 0;
    const pairs = Array.from({ length: X.ndim }, (): [number, number] => [0, 0]);
    axes.forEach((a, i) => (pairs[a] = [pads[i]!, pads[i + axes.length]!]));
    if (padMode !== "constant" && pads.some((p) => p < 0)) throw new Error(`negative pads [${pads.join(", ")}] are only supported in constant mode`);
    return [pad(X, [...pairs].reverse().flat(), { mode: padMode, value })];
  },
  DepthToSpace: ([x], node) => {
    const b = node.int("blocksize");
    if (b === undefined || b < 1) throw new Error("blocksize must be a positive integer");
    return [depthToSpace(need(x, 0), b, node.string("mode", "DCR"))];
  },
  // The inverse of DepthToSpace in DCR order: (N, C, H, W) → (N, C·b², H/b, W/b), block offsets first.
  SpaceToDepth: ([x], node) => {
    const X = need(x, 0), b = node.int("blocksize");
    if (b === undefined || b < 1) throw new Error("blocksize must be a positive integer");
    if (X.ndim !== 4 || X.shape[2]! % b !== 0 || X.shape[3]! % b !== 0) throw new Error(`input must be 4-D with height and width divisible by ${b}, got ${fmtShape(X.shape)}`);
    const [N, C, H, W] = X.shape as [number, number, number, number];
    return [X.reshape(N, C, H / b, b, W / b, b).permute([0, 3, 5, 1, 2, 4]).reshape(N, C * b * b, H / b, W / b)]; // (N, b, b, C, H/b, W/b)
  },
  // Resize's predecessor (opsets 7–9): scales as an attribute (7, 8) or an input (9), asymmetric coordinates.
  Upsample: (inputs, node) => {
    const X = spatialInput(inputs[0]);
    const mode = node.string("mode", "nearest");
    if (mode !== "nearest") throw new Error(`mode "${mode}" is not supported: Upsample's linear mode uses asymmetric coordinates, which no PyTorch interpolation has`);
    const scales = node.opset >= 9 ? (inputs[1] ? Array.from(inputs[1].dataSync() as ArrayLike<number>, Number) : undefined) : node.attributes.get("scales");
    if (!Array.isArray(scales) || scales.length !== X.ndim || scales[0] !== 1 || scales[1] !== 1) {
      throw new Error(`scales must have one value per dim of input ${fmtShape(X.shape)}, 1 for the batch and channel dims, got ${JSON.stringify(scales)}`);
    }
    return [resize("Upsample", X, { scaleFactor: (scales as number[]).slice(2), mode: "nearest" })];
  },
  // Scales (or sizes) of the batch and channel dims must be 1 (unchanged); the spatial ones resize as F.interpolate.
  Resize: (inputs, node) => {
    const X = spatialInput(inputs[0]);
    if (node.opset >= 18 && node.ints("axes")) throw new Error("the axes attribute is not supported");
    const scalesInput = node.opset < 11 ? inputs[1] : inputs[2];
    const scales = scalesInput && scalesInput.size > 0 ? Array.from(scalesInput.dataSync() as ArrayLike<number>, Number) : undefined;
    const sizes = node.opset >= 11 && inputs[3] && inputs[3].size > 0 ? intValues(inputs[3]) : undefined;
    const given = scales ?? sizes;
    if (!given || given.length !== X.ndim) throw new Error(`needs scales or sizes with one value per dim of input ${fmtShape(X.shape)}`);
    const unchanged = scales ? scales[0] === 1 && scales[1] === 1 : sizes![0] === X.shape[0] && sizes![1] === X.shape[1];
    if (!unchanged) throw new Error(`only the spatial dims can be resized; the batch and channel ${scales ? "scales" : "sizes"} are [${given.slice(0, 2).join(", ")}]`);
    const { mode, alignCorners } = resizeMode(node, X.ndim - 2);
    let input = X;
    const factors = scales?.slice(2);
    if (node.string("coordinate_transformation_mode", "half_pixel") === "pytorch_half_pixel" && alignCorners === false) {
      // pytorch_half_pixel reads coordinate 0 for an output of length 1 (PyTorch's own rule reads the input's centre).
      X.shape.slice(2).forEach((n, i) => {
        const out = factors ? Math.floor(n * factors[i]!) : sizes![i + 2]!;
        if (out !== 1 || n === 1) return;
        input = input.narrow(i + 2, 0, 1);
        if (factors) factors[i] = 1;
      });
    }
    const target = factors ? { scaleFactor: factors } : { size: sizes!.slice(2) };
    return [resize("Resize", input, { ...target, mode, ...(alignCorners === undefined ? {} : { alignCorners }) })];
  },
};

// ---------------------------------------------------------------- recurrent operators

type RecurrentOp = "RNN" | "GRU" | "LSTM";
const GATE_COUNT: Record<RecurrentOp, number> = { RNN: 1, GRU: 3, LSTM: 4 };
/** For each of PyTorch's gate blocks (LSTM i f g o, GRU r z n), the ONNX block (LSTM i o f c, GRU z r h) it comes from. */
const FROM_ONNX_GATES: Record<RecurrentOp, number[]> = { RNN: [0], GRU: [1, 0, 2], LSTM: [0, 2, 3, 1] };
const DEFAULT_ACTIVATIONS: Record<RecurrentOp, string[]> = { RNN: ["Tanh"], GRU: ["Sigmoid", "Tanh"], LSTM: ["Sigmoid", "Tanh", "Tanh"] };

/** Rows of ONNX gate blocks (…, G·H) reordered to PyTorch's (the steps of nn/functional/rnn.ts use that order). */
function torchGates(t: Tensor, kind: RecurrentOp, H: number): Tensor {
  const order = FROM_ONNX_GATES[kind];
  return order.length === 1 ? t : cat(order.map((k) => t.narrow(0, k * H, H)), 0);
}

/**
 * ONNX's RNN, GRU and LSTM: X (T, B, I) (layout 1: (B, T, I)), W (D, G·H, I), R (D, G·H, H), B (D, 2·G·H),
 * initial_h/initial_c (D, B, H); outputs Y (T, D, B, H), Y_h (D, B, H) and LSTM's Y_c. Computed with
 * deepscript's cell steps (so imported recurrent weights fine-tune). Default activations only (RNN may use
 * Relu), no clip, no peepholes, no input_forget, sequence_lens only when every sequence has the full length.
 */
function recurrentOp(kind: RecurrentOp): OpImpl {
  return (inputs, node) => {
    const [x0, w0, r0, b0, lens, h0, c0, p] = inputs;
    const W = need(w0, 1), R = need(r0, 2);
    const G = GATE_COUNT[kind];
    const H = node.int("hidden_size") ?? R.shape[2]!;
    const direction = node.string("direction", "forward");
    if (!["forward", "reverse", "bidirectional"].includes(direction)) throw new Error(`direction must be forward, reverse or bidirectional, got "${direction}"`);
    const D = direction === "bidirectional" ? 2 : 1;
    if (node.attributes.has("clip")) throw new Error("the clip attribute is not supported");
    if (kind === "LSTM" && node.int("input_forget", 0) !== 0) throw new Error("input_forget is not supported");
    if (p) throw new Error("peephole weights (input P) are not supported");
    const acts = node.attributes.get("activations") as string[] | undefined;
    const defaults = DEFAULT_ACTIVATIONS[kind];
    const perDir = acts === undefined ? null : acts.length === defaults.length * D ? acts : null;
    if (acts !== undefined && perDir === null) throw new Error(`activations must list ${defaults.length * D} functions, got [${acts.join(", ")}]`);
    const relu = kind === "RNN" && perDir !== null && perDir.every((a) => a === "Relu");
    if (perDir && !relu && !perDir.every((a, i) => a === defaults[i % defaults.length])) {
      throw new Error(`only the default activations [${defaults.join(", ")}]${kind === "RNN" ? " or Relu" : ""} are supported, got [${perDir.join(", ")}]`);
    }
    const lbr = kind === "GRU" ? node.int("linear_before_reset", 0) : 1;
    const layout = node.int("layout", 0);
    let X = need(x0, 0);
    if (X.ndim !== 3) throw new Error(`X must be 3-D, got ${fmtShape(X.shape)}`);
    if (layout === 1) X = X.transpose(0, 1);
    const [T, Bn, I] = X.shape as [number, number, number];
    if (W.shape.join() !== [D, G * H, I].join()) throw new Error(`W has shape ${fmtShape(W.shape)}, expected ${fmtShape([D, G * H, I])}`);
    if (lens && intValues(lens).some((n) => n !== T)) throw new Error(`sequence_lens shorter than the sequence (${T}) are not supported`);
    const state = (s: Tensor | null, d: number): Tensor => {
      if (!s) return zeros([Bn, H], { dtype: X.dtype });
      return layout === 1 ? s.select(1, d) : s.select(0, d);
    };
    const ys: Tensor[] = [], hs: Tensor[] = [], cs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const reverse = direction === "reverse" || d === 1;
      const bias = b0 ? need(b0, 3).select(0, d) : null;
      const w: CellWeights = {
        weightIh: torchGates(W.select(0, d), kind, H), weightHh: torchGates(R.select(0, d), kind, H),
        biasIh: bias ? torchGates(bias.narrow(0, 0, G * H), kind, H) : null, biasHh: bias ? torchGates(bias.narrow(0, G * H, G * H), kind, H) : null,
      };
      const gx = linear(X.reshape([T * Bn, I]), w.weightIh, w.biasIh).reshape([T, Bn, G * H]);
      let h = state(h0, d), c = state(c0, d);
      const outs = new Array<Tensor>(T);
      for (let k = 0; k < T; k++) {
        const t = reverse ? T - 1 - k : k;
        const g = gx.select(0, t);
        if (kind === "LSTM") [h, c] = lstmStep(g, h, c, w);
        else if (kind === "RNN") h = relu ? rnnReluStep(g, h, w) : rnnTanhStep(g, h, w);
        else if (lbr !== 0) h = gruStep(g, h, w);
        else h = gruStepResetFirst(g, h, w, H);
        outs[t] = h;
      }
      ys.push(T > 0 ? stack(outs, 0) : zeros([0, Bn, H], { dtype: X.dtype }));
      hs.push(h);
      cs.push(c);
    }
    let Y = stack(ys, 1); // (T, D, B, H)
    let Yh = stack(hs, 0), Yc = stack(cs, 0); // (D, B, H)
    if (layout === 1) [Y, Yh, Yc] = [Y.permute([2, 0, 1, 3]), Yh.transpose(0, 1), Yc.transpose(0, 1)];
    return kind === "LSTM" ? [Y, Yh, Yc] : [Y, Yh];
  };
}

/** ONNX's GRU with linear_before_reset 0: n = tanh(x W_nᵀ + b_wn + (r·h) R_nᵀ + b_rn) (gates in PyTorch's order r, z, n). */
function gruStepResetFirst(gx: Tensor, h: Tensor, w: CellWeights, H: number): Tensor {
  const [xr, xz, xn] = gx.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const rz = linear(h, w.weightHh.narrow(0, 0, 2 * H), w.biasHh ? w.biasHh.narrow(0, 0, 2 * H) : null);
  const [hr, hz] = rz.chunk(2, -1) as [Tensor, Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(linear(r.mul(h), w.weightHh.narrow(0, 2 * H, H), w.biasHh ? w.biasHh.narrow(0, 2 * H, H) : null)).tanh();
  return n.add(z.mul(h.sub(n)));
}

const SEQUENCE_OPS: Record<string, OpImpl> = {
  RNN: recurrentOp("RNN"),
  GRU: recurrentOp("GRU"),
  LSTM: recurrentOp("LSTM"),
  // The upper (upper = 1, default) or lower triangle of the last two dims from diagonal k; the rest is 0.
  Trilu: ([x, k], node) => {
    const X = need(x, 0);
    if (X.ndim < 2) throw new Error(`input must be at least 2-D, got ${fmtShape(X.shape)}`);
    const diag = k ? intValues(k)[0]! : 0;
    const upper = node.int("upper", 1) !== 0;
    const [n, m] = X.shape.slice(-2) as [number, number];
    const keep = new Uint8Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) keep[i * m + j] = (upper ? j - i >= diag : j - i <= diag) ? 1 : 0;
    return [where(tensor(keep, { dtype: "bool", shape: [n, m] }), X, tensor([0], { dtype: X.dtype }).reshape([]))];
  },
};

const DEFAULT_SELU_ALPHA = 1.67326319217681884765625, DEFAULT_SELU_GAMMA = 1.05070102214813232421875;

/**
 * The operator table (default ONNX domain). Adding an operator is one entry: a function of the node's
 * input tensors written with deepscript ops, so gradients flow through it.
 */
export const OPS: Record<string, OpImpl> = {
  Identity: ([x]) => [need(x, 0)],
  Dropout: (inputs, node) => {
    const x = need(inputs[0], 0);
    const training = inputs[2] ? intValues(inputs[2])[0] !== 0 : node.opset < 7 && node.int("is_test", 0) === 0;
    if (training && inputs[2]) throw new Error("Dropout in training mode (training_mode input true) is not supported; export the model in evaluation mode");
    return node.outputs.length > 1 ? [x, full(x.shape, true, { dtype: "bool" })] : [x];
  },
  Constant: (_inputs, node) => [constantValue(node)],
  Cast: ([x], node) => {
    const to = node.int("to");
    const dtype = deepscriptDType(to);
    if (dtype === null) throw new Error(`Cast to ${dataTypeName(to)} is not supported`);
    return [E.cast(need(x, 0), dtype)];
  },

  Add: binary(E.add),
  Sub: binary(E.sub),
  Mul: binary(E.mul),
  // Integer division truncates in ONNX (C semantics).
  Div: binary((a, b) => (isFloating(a.dtype) || isFloating(b.dtype) ? E.div(a, b) : hostInt(a, b, (x, y) => Math.trunc(x / y)))),
  Pow: binary(E.pow),
  Mod: ([a, b], node) => {
    const x = need(a, 0), y = need(b, 1);
    const fmod = node.int("fmod", 0) !== 0;
    if (isFloating(x.dtype) || isFloating(y.dtype)) {
      if (!fmod) throw new Error("Mod of floating-point tensors needs fmod = 1 (the ONNX spec)");
      const q = E.div(x, y);
      return [E.sub(x, E.mul(E.mul(E.sign(q), E.floor(E.abs(q))), y))]; // x − trunc(x/y)·y
    }
    // fmod = 0: the result takes the divisor's sign (Python's %); fmod = 1: the dividend's (C's fmod).
    return [hostInt(x, y, (p, q) => (fmod ? p % q : ((p % q) + q) % q))];
  },
  Max: variadic(E.maximum),
  Min: variadic(E.minimum),
  Sum: variadic(E.add),
  Neg: unary(E.neg),
  Abs: unary(E.abs),
  Exp: unary(E.exp),
  Log: unary(E.log),
  Sqrt: unary(E.sqrt),
  Reciprocal: unary(E.reciprocal),
  Erf: unary(E.erf),
  Sin: unary(E.sin),
  Cos: unary(E.cos),
  Floor: unary(E.floor),
  Ceil: unary(E.ceil),
  Sign: unary(E.sign),

  Equal: binary(E.eq),
  Greater: binary(E.gt),
  Less: binary(E.lt),
  GreaterOrEqual: binary(E.ge),
  LessOrEqual: binary(E.le),
  And: binary(E.logicalAnd),
  Or: binary(E.logicalOr),
  Xor: binary(E.logicalXor),
  Not: unary(E.logicalNot),
  Where: ([c, a, b]) => [where(need(c, 0), need(a, 1), need(b, 2))],

  Relu: unary(E.relu),
  Sigmoid: unary(E.sigmoid),
  Tanh: unary(E.tanh),
  LeakyRelu: ([x], node) => [F.leakyRelu(need(x, 0), node.float("alpha", 0.01))],
  Elu: ([x], node) => [F.elu(need(x, 0), node.float("alpha", 1))],
  // γ·elu(x, α); the defaults are SELU's constants rounded to float32.
  Selu: ([x], node) => [E.mul(F.elu(need(x, 0), node.float("alpha", DEFAULT_SELU_ALPHA)), node.float("gamma", DEFAULT_SELU_GAMMA))],
  Gelu: ([x], node) => {
    const approximate = node.string("approximate", "none");
    if (approximate !== "none" && approximate !== "tanh") throw new Error(`approximate must be "none" or "tanh", got "${approximate}"`);
    return [F.gelu(need(x, 0), { approximate })];
  },
  Softplus: unary((x) => F.softplus(x)),
  HardSigmoid: ([x], node) => [E.clamp(E.add(E.mul(need(x, 0), node.float("alpha", 0.2)), node.float("beta", 0.5)), { min: 0, max: 1 })],
  Clip: (inputs, node) => {
    const x = need(inputs[0], 0);
    // Bounds are attributes before opset 11 and optional inputs after.
    const bound = (i: number, attr: string, dflt: number): number | undefined => {
      if (node.opset < 11) {
        const v = node.float(attr, dflt);
        return Number.isFinite(v) ? v : undefined;
      }
      const t = inputs[i];
      return t ? Number(t.dataSync()[0]) : undefined;
    };
    const min = bound(1, "min", -Infinity), max = bound(2, "max", Infinity);
    return [min === undefined && max === undefined ? x : E.clamp(x, { min, max })];
  },
  Softmax: softmaxOp(false),
  LogSoftmax: softmaxOp(true),

  MatMul: binary(matmul),
  Gemm: ([a, b, c], node) => {
    const A = need(a, 0), B = need(b, 1);
    const alpha = node.float("alpha", 1), beta = node.float("beta", 1);
    const transA = node.int("transA", 0) !== 0, transB = node.int("transB", 0) !== 0;
    // A·Bᵀ + C is one fused primitive (nn.Linear's), the form PyTorch exports.
    if (alpha === 1 && beta === 1 && !transA && transB && A.ndim === 2 && (!c || c.ndim === 1)) return [linear(A, B, c)];
    let y = matmul(transA ? A.t() : A, transB ? B.t() : B);
    if (alpha !== 1) y = E.mul(y, alpha);
    if (c) y = E.add(y, beta === 1 ? c : E.mul(c, beta));
    return [y];
  },
  // Inference form y = (x − mean)/√(var + ε)·scale + B over channel dim 1.
  BatchNormalization: ([x, scale, b, m, v], node) => {
    const X = need(x, 0);
    if (node.int("training_mode", 0) !== 0) throw new Error("training_mode = 1 is not supported (export the model in evaluation mode)");
    if (X.ndim < 2) throw new Error(`input must be (N, C, …), got ${fmtShape(X.shape)}`);
    const shape = X.shape.map((s, i) => (i === 1 ? s : 1)); // (1, C, 1, …)
    const norm = E.div(E.sub(X, need(m, 3).reshape(shape)), E.sqrt(E.add(need(v, 4).reshape(shape), node.float("epsilon", 1e-5))));
    return [E.add(E.mul(norm, need(scale, 1).reshape(shape)), need(b, 2).reshape(shape))];
  },
  LayerNormalization: ([x, scale, b], node) => {
    const X = need(x, 0);
    const a = axis(node.int("axis", -1), X.ndim);
    const dims = Array.from({ length: X.ndim - a }, (_, i) => a + i);
    const mu = mean(X, { dim: dims, keepdim: true });
    const invStd = E.rsqrt(E.add(variance(X, { dim: dims, keepdim: true, correction: 0 }), node.float("epsilon", 1e-5)));
    let y = E.mul(E.sub(X, mu), invStd);
    if (scale) y = E.mul(y, scale);
    if (b) y = E.add(y, b);
    return [y, mu, invStd];
  },

  Gather: ([data, idx], node) => {
    const x = need(data, 0), indices = need(idx, 1);
    const d = axis(node.int("axis", 0), x.ndim);
    if (isFloating(indices.dtype)) throw new Error(`indices must be integers, got ${indices.dtype}`);
    const n = x.shape[d]!;
    const flat = indices.reshape([-1]);
    const values = intValues(flat);
    const bad = values.find((k) => k < -n || k >= n);
    if (bad !== undefined) throw new Error(`index ${bad} is out of range for axis ${d} of size ${n} (input shape ${fmtShape(x.shape)})`);
    const wrapped = values.some((k) => k < 0) ? tensor(Int32Array.from(values, (k) => (k < 0 ? k + n : k)), { dtype: "int32" }) : E.cast(flat, "int32");
    const picked = indexSelect(x, d, wrapped);
    return [picked.reshape([...x.shape.slice(0, d), ...indices.shape, ...x.shape.slice(d + 1)])];
  },
  Flatten: ([x], node) => {
    const X = need(x, 0);
    const a = axis(node.int("axis", 1), X.ndim + 1);
    return [X.reshape(numel(X.shape.slice(0, a)), numel(X.shape.slice(a)))];
  },
  Reshape: (inputs, node) => {
    const X = need(inputs[0], 0);
    // Before opset 5 the shape is an attribute.
    const spec = inputs[1] ? intValues(inputs[1]) : node.ints("shape");
    if (!spec) throw new Error("missing shape");
    const allowZero = node.int("allowzero", 0) !== 0;
    const shape = spec.map((s, i) => {
      if (s !== 0 || allowZero) return s;
      if (i >= X.ndim) throw new Error(`shape ${fmtShape(spec)} copies dim ${i} (0), but the input ${fmtShape(X.shape)} has rank ${X.ndim}`);
      return X.shape[i]!;
    });
    return [X.reshape(shape)];
  },
  Transpose: ([x], node) => {
    const X = need(x, 0);
    const perm = node.ints("perm") ?? Array.from({ length: X.ndim }, (_, i) => X.ndim - 1 - i);
    return [X.permute(perm)];
  },
  Unsqueeze: (inputs, node) => {
    let X = need(inputs[0], 0);
    const axes = axesOf(node, inputs, 1);
    if (!axes) throw new Error("missing axes");
    const rank = X.ndim + axes.length;
    for (const a of axes.map((k) => axis(k, rank)).sort((p, q) => p - q)) X = X.unsqueeze(a);
    return [X];
  },
  Squeeze: (inputs, node) => {
    const X = need(inputs[0], 0);
    const axes = axesOf(node, inputs, 1);
    if (!axes) return [X.reshape(X.shape.filter((s) => s !== 1))];
    const drop = new Set(axes.map((k) => axis(k, X.ndim)));
    for (const d of drop) if (X.shape[d] !== 1) throw new Error(`cannot squeeze axis ${d} of size ${X.shape[d]} (input shape ${fmtShape(X.shape)})`);
    return [X.reshape(X.shape.filter((_, i) => !drop.has(i)))];
  },
  Concat: (inputs, node) => {
    const xs = inputs.filter((t): t is Tensor => t !== null);
    return [cat(xs, axis(node.int("axis") ?? 0, xs[0]!.ndim))];
  },
  Slice: (inputs, node) => {
    let X = need(inputs[0], 0);
    // Starts, ends and axes are attributes before opset 10, inputs after (with steps).
    const fromInputs = node.opset >= 10;
    const starts = fromInputs ? intValues(need(inputs[1], 1)) : node.ints("starts");
    const ends = fromInputs ? intValues(need(inputs[2], 2)) : node.ints("ends");
    if (!starts || !ends || starts.length !== ends.length) throw new Error("starts and ends must be given with the same length");
    const axes = (fromInputs ? (inputs[3] ? intValues(inputs[3]) : undefined) : node.ints("axes")) ?? starts.map((_, i) => i);
    const steps = (fromInputs && inputs[4] ? intValues(inputs[4]) : undefined) ?? starts.map(() => 1);
    axes.forEach((a, i) => (X = sliceAxis(X, axis(a, X.ndim), starts[i]!, ends[i]!, steps[i]!)));
    return [X];
  },
  Shape: ([x], node) => {
    const dims = need(x, 0).shape;
    const r = dims.length;
    const clampAxis = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const picked = dims.slice(clampAxis(node.int("start", 0)), clampAxis(node.int("end", r)));
    return [tensor(Int32Array.from(picked), { dtype: "int32" })];
  },
  Size: ([x]) => [tensor([need(x, 0).size], { dtype: "int32" }).reshape([])],
  Expand: ([x, s]) => {
    const X = need(x, 0);
    const shape = broadcastShapes("Expand", X.shape, intValues(need(s, 1)));
    return [X.broadcastTo(shape)];
  },
  ConstantOfShape: ([s], node) => {
    const value = node.attributes.get("value");
    const shape = intValues(need(s, 0));
    if (value instanceof Tensor) return [full(shape, Number(value.dataSync()[0]), { dtype: value.dtype })];
    return [full(shape, 0, { dtype: "float32" })];
  },
  ReduceMean: reduceOp("mean"),
  ReduceSum: reduceOp("sum"),
  ...VISION_OPS,
  ...SEQUENCE_OPS,
};

/** The tensor of a Constant node (value, or one of the value_* shorthands). */
export function constantValue(node: OnnxNode): Tensor {
  const [[key, v] = ["", undefined]] = [...node.attributes].filter(([k]) => k.startsWith("value") || k === "sparse_value");
  if (v instanceof Tensor) return v;
  const dtype: DType = key === "value_float" || key === "value_floats" ? "float32" : "int32";
  if (typeof v === "number") return tensor([key === "value_int" ? saturateInt32(v) : v], { dtype }).reshape([]);
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return tensor((v as number[]).map((x) => (dtype === "int32" ? saturateInt32(x) : x)), { dtype });
  throw new Error(`Constant needs a value attribute (value, value_float(s) or value_int(s)), got ${key === "" ? "none" : key}`);
}

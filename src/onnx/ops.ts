// The ONNX operators the importer evaluates, each written with deepscript's differentiable ops (one entry per operator).
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { isFloating } from "../tensor/dtype.js";
import { broadcastShapes, fmtShape, numel } from "../tensor/shape.js";
import * as E from "../ops/elementwise.js";
import { full, tensor } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { indexSelect, where } from "../ops/indexing.js";
import { matmul } from "../ops/linalg.js";
import { mean, sum, variance } from "../ops/reduce.js";
import { logSoftmax, softmax } from "../ops/softmax.js";
import { linear } from "../nn/functional/layers.js";
import * as F from "../nn/functional/activations.js";
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

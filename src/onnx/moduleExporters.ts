// The ONNX mapping of each built-in layer: one entry per module class (the extension point for new layer families).
import { normalizeDim } from "../tensor/shape.js";
import { ones } from "../ops/creation.js";
import type { AnyModule } from "../nn/Module.js";
import { Sequential } from "../nn/containers.js";
import { Bilinear, Identity, Linear } from "../nn/Linear.js";
import { Flatten, Unflatten } from "../nn/Flatten.js";
import { Embedding } from "../nn/Embedding.js";
import { Dropout } from "../nn/Dropout.js";
import { LayerNorm } from "../nn/LayerNorm.js";
import { ELU, GELU, Hardtanh, LeakyReLU, LogSoftmax, ReLU, SELU, SiLU, Sigmoid, Softmax, Softplus, Swish, Tanh } from "../nn/activations.js";
import type { GraphBuilder, ModuleExporter } from "./GraphBuilder.js";
import { OnnxModule } from "./OnnxModule.js";
import { VISION_EXPORTERS } from "./visionExporters.js";
import { SEQUENCE_EXPORTERS } from "./sequenceExporters.js";

/** A module class (any constructor signature). */
export type ModuleClass<M extends AnyModule> = abstract new (...args: never[]) => M;

interface Entry {
  moduleClass: ModuleClass<AnyModule>;
  exporter: ModuleExporter;
}

/** Pairs a class with its exporter, keeping the exporter's module type. */
function entry<M extends AnyModule>(moduleClass: ModuleClass<M>, exporter: ModuleExporter<M>): Entry {
  return { moduleClass, exporter: exporter as ModuleExporter };
}

/** The shape of `x`, with an error naming the module if a dim it must copy as a number is dynamic. */
function staticDims(g: GraphBuilder, dims: (number | string | null)[], why: string): number[] {
  return dims.map((d) => {
    if (typeof d !== "number") throw new Error(`${g.op}: module "${g.path}" ${why}, but that dim is dynamic (${d ?? "derived from a dynamic axis"})`);
    return d;
  });
}

const unary = (opType: string): ModuleExporter => (g, _m, [x]) => g.node(opType, [x!]);

/** ½x(1 + erf(x/√2)), or ½x(1 + tanh(√(2/π)(x + 0.044715x³))): GELU before opset 20 has no Gelu operator. */
function geluComposite(g: GraphBuilder, x: string, approximate: "none" | "tanh"): string {
  const half = g.node("Mul", [x, g.scalar(0.5, x)]);
  let inner: string;
  if (approximate === "tanh") {
    const cube = g.node("Mul", [g.node("Mul", [x, x]), x]);
    const poly = g.node("Add", [x, g.node("Mul", [cube, g.scalar(0.044715, x)])]);
    inner = g.node("Tanh", [g.node("Mul", [poly, g.scalar(Math.sqrt(2 / Math.PI), x)])]);
  } else {
    inner = g.node("Erf", [g.node("Mul", [x, g.scalar(Math.SQRT1_2, x)])]);
  }
  return g.node("Mul", [half, g.node("Add", [inner, g.scalar(1, x)])]);
}

/** (x − μ)/√(σ² + ε)·γ + β over the last k dims, for opsets before LayerNormalization (17). */
function layerNormComposite(g: GraphBuilder, x: string, k: number, eps: number, weight: string | null, bias: string | null): string {
  const axes = Array.from({ length: k }, (_, i) => i - k);
  const centered = g.node("Sub", [x, g.reduce("ReduceMean", x, axes, true)]);
  const variance = g.reduce("ReduceMean", g.node("Mul", [centered, centered]), axes, true);
  let y = g.node("Div", [centered, g.node("Sqrt", [g.node("Add", [variance, g.scalar(eps, x)])])]);
  if (weight) y = g.node("Mul", [y, weight]);
  if (bias) y = g.node("Add", [y, bias]);
  return y;
}

/**
 * The built-in mappings. Adding a layer family (convolution, pooling, RNN, attention) means adding one
 * entry here (and, for import, one operator in ops.ts); user code adds its own with
 * `registerModuleExporter`. A module is matched by its exact class, so a subclass that overrides
 * `forward` is never exported with its parent's mapping.
 */
const BUILTIN: Entry[] = [
  entry(Sequential, (g, m, inputs) => {
    let values = inputs;
    [...m].forEach((layer, i) => (values = g.module(layer, values, String(i))));
    return values;
  }),
  // x Wᵀ + b: Gemm for (N, in) inputs as PyTorch exports it, MatMul + Add for other ranks.
  entry(Linear, (g, m, [x]) => {
    const w = g.initializer(m.weight, "weight");
    const b = m.bias ? g.initializer(m.bias, "bias") : null;
    if (g.shape(x!).length === 2) return g.node("Gemm", [x!, w, b], { alpha: { f: 1 }, beta: { f: 1 }, transB: { i: 1 } });
    const y = g.node("MatMul", [x!, g.node("Transpose", [w], { perm: { ints: [1, 0] } })]);
    return b ? g.node("Add", [y, b]) : y;
  }),
  // y_k = x₁ᵀ W_k x₂ + b_k as one MatMul: (…, in1)·(in1, out·in2) → (…, out, in2), times x₂, summed over in2.
  entry(Bilinear, (g, m, [x1, x2]) => {
    const [out, in1, in2] = m.weight.shape as [number, number, number];
    const lead = g.shape(x1!).length - 1;
    const w = g.initializer(m.weight, "weight");
    const wFlat = g.node("Reshape", [g.node("Transpose", [w], { perm: { ints: [1, 0, 2] } }), g.int64([in1, out * in2])]); // (in1, out·in2)
    const x1w = g.node("Reshape", [g.node("MatMul", [x1!, wFlat]), g.int64([...Array<number>(lead).fill(0), out, in2])]); // (…, out, in2)
    const y = g.reduce("ReduceSum", g.node("Mul", [x1w, g.unsqueeze(x2!, [-2])]), [-1], false); // (…, out)
    return m.bias ? g.node("Add", [y, g.initializer(m.bias, "bias")]) : y;
  }),
  entry(Identity, (_g, _m, [x]) => x!),
  // Export is in evaluation mode, where dropout is the identity (PyTorch's exporter drops it too).
  entry(Dropout, (_g, _m, [x]) => x!),
  entry(Embedding, (g, m, [ids]) => g.node("Gather", [g.initializer(m.weight, "weight"), ids!], { axis: { i: 0 } })),
  entry(Flatten, (g, m, [x]) => {
    const dims = g.shape(x!);
    if (dims.length === 0) return g.node("Reshape", [x!, g.int64([-1])]);
    const start = normalizeDim("Flatten", m.startDim, dims.length), end = normalizeDim("Flatten", m.endDim, dims.length);
    if (start === 1 && end === dims.length - 1) return g.node("Flatten", [x!], { axis: { i: 1 } });
    const after = staticDims(g, dims.slice(end + 1), `keeps the dims after endDim ${m.endDim} as written sizes`);
    return g.node("Reshape", [x!, g.int64([...Array<number>(start).fill(0), -1, ...after])]);
  }),
  entry(Unflatten, (g, m, [x]) => {
    const dims = g.shape(x!);
    const d = normalizeDim("Unflatten", m.dim, dims.length);
    const after = staticDims(g, dims.slice(d + 1), `keeps the dims after dim ${m.dim} as written sizes`);
    return g.node("Reshape", [x!, g.int64([...Array<number>(d).fill(0), ...m.sizes, ...after])]);
  }),
  entry(LayerNorm, (g, m, [x]) => {
    const k = m.normalizedShape.length;
    const weight = m.weight ? g.initializer(m.weight, "weight") : null;
    const bias = m.bias ? g.initializer(m.bias, "bias") : null;
    if (g.opset < 17) return layerNormComposite(g, x!, k, m.eps, weight, bias);
    const scale = weight ?? g.constant(ones(m.normalizedShape, { dtype: g.dtype(x!) }));
    return g.node("LayerNormalization", [x!, scale, bias], { axis: { i: -k }, epsilon: { f: m.eps } });
  }),
  entry(ReLU, unary("Relu")),
  entry(Sigmoid, unary("Sigmoid")),
  entry(Tanh, unary("Tanh")),
  entry(SELU, unary("Selu")),
  entry(LeakyReLU, (g, m, [x]) => g.node("LeakyRelu", [x!], { alpha: { f: m.negativeSlope } })),
  entry(ELU, (g, m, [x]) => g.node("Elu", [x!], { alpha: { f: m.alpha } })),
  entry(GELU, (g, m, [x]) => (g.opset >= 20 ? g.node("Gelu", [x!], { approximate: { s: m.approximate } }) : geluComposite(g, x!, m.approximate))),
  ...[SiLU, Swish].map((cls) =>
    entry(cls, (g, m, [x]) => g.node("Mul", [x!, g.node("Sigmoid", [m.beta === 1 ? x! : g.node("Mul", [x!, g.scalar(m.beta, x!)])])])),
  ),
  // (1/β)·log(1 + e^(βx)), and x where βx > threshold, exactly as deepscript (and PyTorch) compute it.
  entry(Softplus, (g, m, [x]) => {
    const beta = m.options.beta ?? 1, threshold = m.options.threshold ?? 20;
    const bx = beta === 1 ? x! : g.node("Mul", [x!, g.scalar(beta, x!)]);
    let soft = g.node("Softplus", [bx]);
    if (beta !== 1) soft = g.node("Div", [soft, g.scalar(beta, x!)]);
    return g.node("Where", [g.node("Greater", [bx, g.scalar(threshold, x!)]), x!, soft]);
  }),
  entry(Hardtanh, (g, m, [x]) => g.node("Clip", [x!, g.scalar(m.minVal, x!), g.scalar(m.maxVal, x!)])),
  entry(Softmax, (g, m, [x]) => g.node("Softmax", [x!], { axis: { i: m.dim } })),
  entry(LogSoftmax, (g, m, [x]) => g.node("LogSoftmax", [x!], { axis: { i: m.dim } })),
  // An imported (and perhaps fine-tuned) ONNX graph is written back node for node.
  entry(OnnxModule, (g, m, inputs) => m.exportTo(g, inputs)),
  // Convolutions, pooling, 2-D/3-D norms, channel dropout, Upsample and PixelShuffle (visionExporters.ts).
  ...VISION_EXPORTERS.map(([moduleClass, exporter]) => ({ moduleClass, exporter })),
  // RNN/GRU/LSTM and their cells, MultiheadAttention, the Transformer layers and stacks (sequenceExporters.ts).
  ...SEQUENCE_EXPORTERS.map(([moduleClass, exporter]) => ({ moduleClass, exporter })),
];

const exporters = new Map<unknown, ModuleExporter>(BUILTIN.map((e) => [e.moduleClass, e.exporter]));

/**
 * Registers (or replaces) the ONNX mapping of a module class, e.g. a custom block built from
 * supported layers. Instances are matched by their exact class.
 */
export function registerModuleExporter<M extends AnyModule>(moduleClass: ModuleClass<M>, exporter: ModuleExporter<M>): void {
  if (typeof moduleClass !== "function") throw new Error(`onnx.registerModuleExporter: moduleClass must be a class, got ${typeof moduleClass}`);
  if (typeof exporter !== "function") throw new Error(`onnx.registerModuleExporter: exporter must be a function (g, module, inputs) => outputs, got ${typeof exporter}`);
  exporters.set(moduleClass, exporter as ModuleExporter);
}

/** The mapping for this module's exact class, if any. */
export function exporterFor(module: AnyModule): ModuleExporter | undefined {
  return exporters.get(module.constructor);
}

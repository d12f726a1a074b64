// ONNX export: runs a model on example inputs in evaluation mode and writes its graph (module by module, see moduleExporters.ts) as an .onnx file.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { noGrad } from "../autograd/engine.js";
import { cat } from "../ops/movement.js";
import { Module, type AnyModule } from "../nn/Module.js";
import { GraphBuilder, outputTensors, type DynamicDim, type ExportArg } from "./GraphBuilder.js";
import { exporterFor } from "./moduleExporters.js";
import { OnnxModule } from "./OnnxModule.js";
import { encodeModel, type ValueInfoProto } from "./proto.js";

/** The opsets the exporter writes (Softmax takes its modern meaning at 13; LayerNormalization exists from 17, Gelu from 20). */
export const MIN_EXPORT_OPSET = 13;
/** The newest opset the exporter writes. */
export const MAX_EXPORT_OPSET = 21;
/** The default opset, as PyTorch's `torch.onnx.export(..., dynamo=True)`. */
export const DEFAULT_EXPORT_OPSET = 18;

/** Options of `exportModel` / `exportModelBytes`, named as `torch.onnx.export`'s keyword arguments. */
export interface ExportOptions {
  /** ONNX opset to write, 13…21 (default 18; an imported OnnxModule is written at its own opset). */
  opsetVersion?: number;
  /** Names of the graph inputs, one per example input (default "input", or "input_0", "input_1", …). */
  inputNames?: string[];
  /** Names of the graph outputs (default "output", or "output_0", …). */
  outputNames?: string[];
  /**
   * Axes whose size may change, by input or output name: `{ input: { 0: "batch" } }`, or a list of axes
   * (`{ input: [0] }`) to get generated names. Sizes that follow from a dynamic input axis become
   * symbolic dims in every value's shape.
   */
  dynamicAxes?: Record<string, Record<number, string> | number[]>;
  /** Free text stored in the model (ModelProto.doc_string). */
  docString?: string;
}

/**
 * One argument of `model.forward` in `exampleInputs`: a tensor, a nested list of them (an LSTM's
 * `[h0, c0]`), an options object (`{ keyPaddingMask: mask, needWeights: false }`), or a number, boolean
 * or null passed as is. Every tensor becomes a graph input, depth-first, as `torch.onnx.export` flattens
 * its `args` tuple.
 */
export type ExampleArg = Tensor | number | boolean | null | undefined | readonly ExampleArg[] | { readonly [key: string]: ExampleArg };

const OPTION_KEYS = new Set(["opsetVersion", "inputNames", "outputNames", "dynamicAxes", "docString"]);

/**
 * The .onnx bytes of `model` (browser-safe; `exportModel` writes them to a file). The model runs once
 * on `exampleInputs` in evaluation mode (dropout off, batch norm on running statistics; its previous
 * mode is restored) and, with `dynamicAxes`, once more on the inputs grown along those axes, so every
 * value's shape is known. Built-in layers and nn.Sequential are exported; other modules need a mapping
 * (`registerModuleExporter`).
 *
 * ```ts
 * const bytes = onnx.exportModelBytes(model, ds.randn([1, 784]), { dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } } });
 * // nested arguments, as torch.onnx.export's args: inputs x, h0, c0; outputs output, h_n, c_n
 * onnx.exportModelBytes(lstm, [x, [h0, c0]], { inputNames: ["x", "h0", "c0"], outputNames: ["y", "h_n", "c_n"] });
 * ```
 */
export function exportModelBytes(model: AnyModule, exampleInputs: Tensor | readonly ExampleArg[], options: ExportOptions = {}): Uint8Array {
  return buildModel("onnx.exportModelBytes", model, exampleInputs, options);
}

/** Writes `model` as an ONNX file at `path` (Node only, atomically); see `exportModelBytes`. */
export async function exportModel(model: AnyModule, exampleInputs: Tensor | readonly ExampleArg[], path: string, options: ExportOptions = {}): Promise<void> {
  if (typeof path !== "string" || path === "") throw new Error(`onnx.exportModel: path must be a non-empty string, got ${typeof path === "string" ? '""' : typeof path}`);
  const bytes = buildModel("onnx.exportModel", model, exampleInputs, options);
  const fs = await import("../node/index.js");
  fs.atomicWriteFile(path, bytes);
}

/** The IR version that goes with an opset (onnx/helper.py VERSION_TABLE). */
function irVersionFor(opset: number): number {
  return opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

function buildModel(op: string, model: AnyModule, exampleInputs: Tensor | readonly ExampleArg[], options: ExportOptions): Uint8Array {
  if (!(model instanceof Module)) throw new Error(`${op}: model must be an nn.Module, got ${model === null ? "null" : typeof model}`);
  const args = exampleInputs instanceof Tensor ? [exampleInputs] : exampleInputs;
  const inputs = Array.isArray(args) ? flattenExamples(op, args) : [];
  if (!Array.isArray(args) || args.length === 0 || inputs.length === 0) {
    throw new Error(`${op}: exampleInputs must be a Tensor or a non-empty array of Tensors (the arguments of model.forward)`);
  }
  // forward(a, b) has length 2; a rest parameter (…xs) has length 0 and takes any number; an options
  // parameter with a default (forward(q, k, v, options = {})) is not counted, so one trailing options object may follow.
  const arity = model.forward.length;
  const last = args[args.length - 1];
  const trailingOptions = last !== null && typeof last === "object" && !(last instanceof Tensor) && !Array.isArray(last) ? 1 : 0;
  if (arity > 0 && args.length - trailingOptions > arity) {
    throw new Error(`${op}: ${model.constructor.name}.forward takes ${arity} input${arity === 1 ? "" : "s"}, got ${args.length} example inputs`);
  }
  // An imported graph is written at its own opset (its nodes are copied as read).
  const ownOpset = model instanceof OnnxModule ? model.opsetVersion : undefined;
  const opts = checkOptions(op, options, inputs.length, ownOpset);
  const modes = [...model.modules()].map((m): [AnyModule, boolean] => [m, m.training]);
  model.eval();
  try {
    return noGrad(() => {
      let outputs: Tensor[];
      try {
        outputs = outputTensors(model instanceof OnnxModule ? model.run(...(args as Tensor[])) : (model.forward as (...a: unknown[]) => unknown)(...args), op);
      } catch (e) {
        throw new Error(`${op}: model.forward failed on exampleInputs of shapes ${inputs.map((t) => fmtShape(t.shape)).join(", ")}: ${(e as Error).message}`);
      }
      const outputNames = opts.outputNames ?? defaultNames("output", outputs.length);
      if (outputNames.length !== outputs.length) {
        throw new Error(`${op}: outputNames has ${outputNames.length} names, but model.forward returns ${outputs.length} outputs`);
      }
      const axes = dynamicAxes(op, opts.dynamicAxes ?? {}, opts.inputNames, inputs, outputNames, outputs);
      const g = new GraphBuilder(opts.opsetVersion, exporterFor, axes.dims, op);
      opts.inputNames.forEach((name, i) => g.addInput(name, inputs[i]!, axes.resized[i]!));
      const produced = g.exportHere(model, namedArgs(args, opts.inputNames));
      produced.forEach((name, i) => {
        const wanted = outputNames[i]!;
        if (name === wanted) return;
        const reused = produced.indexOf(name) !== i || opts.inputNames.includes(name);
        if (reused || !g.isNodeOutput(name)) g.alias(name, wanted);
        else g.rename(name, wanted);
      });
      const ends = new Set([...opts.inputNames, ...outputNames]);
      return encodeModel({
        irVersion: irVersionFor(opts.opsetVersion),
        opsetImport: [{ domain: "", version: opts.opsetVersion }],
        producerName: "deepscript",
        docString: opts.docString,
        graph: {
          name: model.constructor.name,
          node: g.nodes,
          initializer: g.initializers,
          input: opts.inputNames.map((n, i) => declared(g.valueInfo(n, axes.symbols.get(n)), model, "graphInputs", i)),
          output: outputNames.map((n, i) => declared(g.valueInfo(n, axes.symbols.get(n)), model, "graphOutputs", i)),
          valueInfo: g.valueInfos(ends),
        },
      });
    });
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}

/** The tensors in `args`, depth-first; anything but tensors, lists, plain objects, numbers, booleans and null is an error. */
function flattenExamples(op: string, args: readonly ExampleArg[]): Tensor[] {
  const out: Tensor[] = [];
  const visit = (a: ExampleArg, where: string): void => {
    if (a instanceof Tensor) out.push(a);
    else if (Array.isArray(a)) (a as readonly ExampleArg[]).forEach((x, i) => visit(x, `${where}[${i}]`));
    else if (a !== null && typeof a === "object" && Object.getPrototypeOf(a) === Object.prototype) {
      for (const [k, v] of Object.entries(a)) visit(v, `${where}.${k}`);
    } else if (!(a === null || a === undefined || typeof a === "number" || typeof a === "boolean")) {
      throw new Error(`${op}: exampleInputs${where} is ${typeof a === "object" ? `a ${(a as object).constructor?.name ?? "object"}` : `a ${typeof a}`}; example inputs hold Tensors, arrays, options objects, numbers, booleans and null`);
    }
  };
  args.forEach((a, i) => visit(a, `[${i}]`));
  return out;
}

/** `args` with its tensors replaced by the graph input names, in the same depth-first order. */
function namedArgs(args: readonly ExampleArg[], names: readonly string[]): ExportArg[] {
  let k = 0;
  const name = (a: ExampleArg): ExportArg => {
    if (a instanceof Tensor) return names[k++]!;
    if (Array.isArray(a)) return (a as readonly ExampleArg[]).map(name);
    if (a !== null && typeof a === "object") return Object.fromEntries(Object.entries(a).map(([key, v]) => [key, name(v)]));
    return a as number | boolean | null | undefined;
  };
  return args.map(name);
}

/**
 * An imported graph keeps the element types its file declares (INT64 ids stay INT64, though deepscript
 * holds them as int32).
 */
function declared(info: Partial<ValueInfoProto>, model: AnyModule, which: "graphInputs" | "graphOutputs", i: number): Partial<ValueInfoProto> {
  const elemType = model instanceof OnnxModule ? model[which][i]?.elemType : undefined;
  if (elemType === undefined || !info.type?.tensorType) return info;
  return { ...info, type: { tensorType: { ...info.type.tensorType, elemType } } };
}

interface CheckedOptions {
  opsetVersion: number;
  inputNames: string[];
  outputNames?: string[];
  dynamicAxes?: Record<string, Record<number, string> | number[]>;
  docString?: string;
}

function checkOptions(op: string, options: ExportOptions, inputCount: number, ownOpset: number | undefined): CheckedOptions {
  if (options === null || typeof options !== "object") throw new Error(`${op}: options must be an object, got ${options === null ? "null" : typeof options}`);
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.has(k));
  if (unknown.length > 0) throw new Error(`${op}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} (known: ${[...OPTION_KEYS].join(", ")})`);
  const opset = options.opsetVersion ?? ownOpset ?? DEFAULT_EXPORT_OPSET;
  if (opset !== ownOpset && (!Number.isInteger(opset) || opset < MIN_EXPORT_OPSET || opset > MAX_EXPORT_OPSET)) {
    throw new Error(`${op}: opsetVersion must be an integer from ${MIN_EXPORT_OPSET} to ${MAX_EXPORT_OPSET}, got ${opset}`);
  }
  const names = (key: "inputNames" | "outputNames"): string[] | undefined => {
    const v = options[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s !== "")) throw new Error(`${op}: ${key} must be an array of non-empty strings`);
    if (new Set(v).size !== v.length) throw new Error(`${op}: ${key} has repeated names [${v.join(", ")}]`);
    return [...v];
  };
  const inputNames = names("inputNames") ?? defaultNames("input", inputCount);
  if (inputNames.length !== inputCount) throw new Error(`${op}: inputNames has ${inputNames.length} names for ${inputCount} example inputs`);
  const outputNames = names("outputNames");
  const clash = outputNames?.find((n) => inputNames.includes(n));
  if (clash !== undefined) throw new Error(`${op}: "${clash}" is both an input and an output name`);
  if (options.dynamicAxes !== undefined && (options.dynamicAxes === null || typeof options.dynamicAxes !== "object" || Array.isArray(options.dynamicAxes))) {
    throw new Error(`${op}: dynamicAxes must be an object { name: { axis: "symbol" } } or { name: [axes] }`);
  }
  if (options.docString !== undefined && typeof options.docString !== "string") throw new Error(`${op}: docString must be a string`);
  return { opsetVersion: opset, inputNames, outputNames, dynamicAxes: options.dynamicAxes, docString: options.docString };
}

const defaultNames = (base: string, n: number): string[] => (n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}_${i}`));

interface DynamicAxes {
  /** Per value name: axis → symbol, as written in the graph's inputs and outputs. */
  symbols: Map<string, Map<number, string>>;
  /** The dynamic input axes with their sizes in the example and resized runs. */
  dims: DynamicDim[];
  /** Per input: the example grown along its dynamic axes, or null if it has none. */
  resized: (Tensor | null)[];
}

/**
 * Parses `dynamicAxes` and grows each input along its dynamic axes: the k-th distinct symbol by k
 * (repeating the first slice), so that a size in the second run tells which symbol it follows.
 */
function dynamicAxes(
  op: string,
  spec: Record<string, Record<number, string> | number[]>,
  inputNames: string[],
  inputs: readonly Tensor[],
  outputNames: string[],
  outputs: Tensor[],
): DynamicAxes {
  const symbols = new Map<string, Map<number, string>>();
  const ranks = new Map<string, number>([...inputNames.map((n, i): [string, number] => [n, inputs[i]!.ndim]), ...outputNames.map((n, i): [string, number] => [n, outputs[i]!.ndim])]);
  for (const [name, axesSpec] of Object.entries(spec)) {
    const rank = ranks.get(name);
    if (rank === undefined) throw new Error(`${op}: dynamicAxes names "${name}", which is neither an input (${inputNames.join(", ")}) nor an output (${outputNames.join(", ")})`);
    const entries: [number, string][] = Array.isArray(axesSpec)
      ? axesSpec.map((a) => [a, `${name}_dynamic_axes_${Number(a) + 1}`])
      : axesSpec !== null && typeof axesSpec === "object"
        ? Object.entries(axesSpec).map(([a, s]) => [Number(a), s])
        : [];
    if (!Array.isArray(axesSpec) && (axesSpec === null || typeof axesSpec !== "object")) throw new Error(`${op}: dynamicAxes["${name}"] must be { axis: "symbol" } or a list of axes`);
    const axisMap = new Map<number, string>();
    for (const [axis, symbol] of entries) {
      if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new Error(`${op}: dynamicAxes["${name}"] has axis ${axis}, out of range for a value of rank ${rank}`);
      if (typeof symbol !== "string" || symbol === "") throw new Error(`${op}: dynamicAxes["${name}"][${axis}] must be a non-empty symbol name, got ${String(symbol)}`);
      axisMap.set(axis < 0 ? axis + rank : axis, symbol);
    }
    symbols.set(name, axisMap);
  }
  const growth = new Map<string, { by: number; size: number; where: string }>();
  const dims: DynamicDim[] = [];
  const resized = inputs.map((x, i) => {
    const axisMap = symbols.get(inputNames[i]!);
    if (!axisMap || axisMap.size === 0) return null;
    let grown = x;
    for (const [axis, symbol] of [...axisMap].sort((a, b) => a[0] - b[0])) {
      const size = x.shape[axis]!;
      const where = `input "${inputNames[i]}" axis ${axis}`;
      if (size === 0) throw new Error(`${op}: ${where} is dynamic but has size 0 in the example; give an example with at least one entry along it`);
      let g = growth.get(symbol);
      if (!g) {
        g = { by: growth.size + 1, size, where };
        growth.set(symbol, g);
        dims.push({ symbol, example: size, resized: size + g.by });
      } else if (g.size !== size) {
        throw new Error(`${op}: dynamic axis "${symbol}" has size ${g.size} at ${g.where} but ${size} at ${where}`);
      }
      const first = grown.narrow(axis, 0, 1);
      grown = cat([grown, ...Array<Tensor>(g.by).fill(first)], axis);
    }
    return grown;
  });
  return { symbols, dims, resized };
}

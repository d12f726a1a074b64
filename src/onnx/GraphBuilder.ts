// GraphBuilder: what a module exporter writes ONNX nodes with; it runs each module on the example inputs so every value's shape is known.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { tensor } from "../ops/creation.js";
import type { AnyModule } from "../nn/Module.js";
import { OnnxModule } from "./OnnxModule.js";
import {
  int64Proto, onnxDataType, tensorToProto,
  type AttributeProto, type DimensionProto, type TensorProto, type ValueInfoProto,
} from "./proto.js";

/**
 * An attribute of a node, tagged with its ONNX type (a JS number cannot tell INT from FLOAT):
 * `{ f: 0.2 }`, `{ i: 1 }`, `{ s: "tanh" }`, `{ floats: [...] }`, `{ ints: [...] }`, `{ t: tensor }`.
 */
export type OnnxAttribute =
  | { f: number }
  | { i: number }
  | { s: string }
  | { floats: readonly number[] }
  | { ints: readonly number[] }
  | { strings: readonly string[] }
  | { t: Tensor };

/**
 * Writes the ONNX nodes of one module. It gets the names of the module's input values and returns the
 * names of its outputs (in `forward`'s order); `g.shape(name)` and `g.dtype(name)` tell what flows in.
 * Initializers get names under the module's path (`g.initializer(m.weight, "weight")` in module "0"
 * → "0.weight", PyTorch's state-dict key). Sub-modules are exported with `g.module(child, inputs, "name")`.
 *
 * ```ts
 * onnx.registerModuleExporter(Residual, (g, m, [x]) => [g.node("Add", [x, g.module(m.body, [x], "body")[0]!])]);
 * ```
 *
 * The fourth argument is forward's arguments as called, with value names in place of tensors (an LSTM's
 * `["x", ["h0", "c0"]]`, attention's `["q", "q", "q", { attnMask: "mask", needWeights: false }]`); a
 * sub-module taking options is exported with the same structure: `g.module(m.attn, [x, x, x, { attnMask }], "attn")`.
 * Values an exporter computes itself become inputs of a sub-module after `g.track(name, from, f)`.
 */
export type ModuleExporter<M extends AnyModule = AnyModule> = (g: GraphBuilder, module: M, inputs: string[], args: readonly ExportArg[]) => string | string[];

/**
 * An argument of `forward` as an exporter sees it: the name of a value (where forward gets a tensor), a
 * nested list (an LSTM's `[h0, c0]`), an options object whose tensors are value names
 * (`{ keyPaddingMask: "mask", needWeights: false }`), or a number, boolean, null or undefined kept as is.
 * The exporter's `inputs` are the value names in depth-first order.
 */
export type ExportArg = string | number | boolean | null | undefined | readonly ExportArg[] | { readonly [key: string]: ExportArg };

/** The value names in `args`, depth-first (arrays in order, objects in key order). */
export function argNames(args: readonly ExportArg[]): string[] {
  const out: string[] = [];
  const visit = (a: ExportArg): void => {
    if (typeof a === "string") out.push(a);
    else if (Array.isArray(a)) (a as readonly ExportArg[]).forEach(visit);
    else if (a !== null && typeof a === "object") Object.values(a).forEach(visit);
  };
  args.forEach(visit);
  return out;
}

/** `args` with every value name replaced by `value(name)` (the structure forward takes). */
export function bindArgs(args: readonly ExportArg[], value: (name: string) => Tensor): unknown[] {
  const bind = (a: ExportArg): unknown => {
    if (typeof a === "string") return value(a);
    if (Array.isArray(a)) return (a as readonly ExportArg[]).map(bind);
    if (a !== null && typeof a === "object") return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, bind(v)]));
    return a;
  };
  return args.map(bind);
}

/** A value whose tensors on the example inputs (and on the inputs resized along the dynamic axes) are known. */
interface TracedValue {
  example: Tensor;
  resized: Tensor | null;
}

/** A dynamic axis of a graph input: its symbol, and its sizes in the example and resized runs. */
export interface DynamicDim {
  symbol: string;
  example: number;
  resized: number;
}

type Lookup = (module: AnyModule) => ModuleExporter | undefined;

/** A node being written (encodeModel takes it as is). */
export interface NodeDraft {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: Partial<AttributeProto>[];
}

/**
 * Builds the ONNX graph during export: module exporters add nodes and initializers through it, and it runs
 * each module on the example inputs so that every value's shape is known.
 */
export class GraphBuilder {
  readonly nodes: NodeDraft[] = [];
  readonly initializers: Partial<TensorProto>[] = [];
  private readonly values = new Map<string, TracedValue>();
  private readonly initializerNames = new Map<Tensor, string>();
  private readonly usedNames = new Set<string>();
  private readonly nodeCounts = new Map<string, number>();
  /** Module path segments of the module being exported ([] at the top). */
  private scope: string[] = [];

  constructor(
    /** The opset the graph is written for. */
    readonly opset: number,
    private readonly lookup: Lookup,
    private readonly dynamicDims: readonly DynamicDim[],
    /** Prefix of error messages ("onnx.exportModel"). */
    readonly op: string,
  ) {}

  /** Declares a graph input with its example tensors. */
  addInput(name: string, example: Tensor, resized: Tensor | null): void {
    this.claim(name);
    this.values.set(name, { example, resized });
  }

  /** The dotted path of the module being exported ("" at the top), as in `namedModules()`. */
  get path(): string {
    return this.scope.join(".");
  }

  // ---- What exporters read ----

  /** The value's tensor on the example inputs. */
  example(name: string): Tensor {
    return this.traced(name).example;
  }
  dtype(name: string): DType {
    return this.traced(name).example.dtype;
  }
  /** The value's shape: a number for a fixed size, the dynamic axis' symbol, or null for a size that varies otherwise. */
  shape(name: string): (number | string | null)[] {
    const { example, resized } = this.traced(name);
    return example.shape.map((n, i) => {
      if (resized === null || resized.shape[i] === n) return n;
      const m = resized.shape[i]!;
      return this.dynamicDims.find((d) => d.example === n && d.resized === m)?.symbol ?? null;
    });
  }

  private traced(name: string): TracedValue {
    const v = this.values.get(name);
    if (!v) throw new Error(`${this.op}: value "${name}" has no known shape (exporters may only ask about the inputs they were given and the outputs of g.module)`);
    return v;
  }

  // ---- What exporters write ----

  /** Adds a node and returns the name of its first output. */
  node(opType: string, inputs: readonly (string | null)[], attributes: Record<string, OnnxAttribute> = {}): string {
    return this.nodeOutputs(opType, inputs, attributes, 1)[0]!;
  }

  /** Adds a node with `outputs` outputs and returns their names. A null input is an omitted optional input. */
  nodeOutputs(opType: string, inputs: readonly (string | null)[], attributes: Record<string, OnnxAttribute>, outputs: number): string[] {
    const attrs = Object.entries(attributes).map(([key, value]) => attributeProto(key, value));
    return this.pushNode(opType, inputs, attrs, outputs);
  }

  private pushNode(opType: string, inputs: readonly (string | null)[], attribute: Partial<AttributeProto>[], outputs: number): string[] {
    const name = this.nextName(opType);
    const output = Array.from({ length: outputs }, (_, i) => this.claim(`${name}_output_${i}`));
    // Trailing omitted inputs are dropped; inner ones stay as "" (ONNX's empty name).
    const input = inputs.map((x) => x ?? "");
    while (input.length > 0 && input[input.length - 1] === "") input.pop();
    this.nodes.push({ name, opType, input, output, attribute });
    return output;
  }

  /**
   * The initializer holding `t`, named `<module path>.<localName>` ("0.weight"). The same tensor
   * (a shared parameter) gets one initializer.
   */
  initializer(t: Tensor, localName: string): string {
    const known = this.initializerNames.get(t);
    if (known !== undefined) return known;
    const name = this.claim(this.path === "" ? localName : `${this.path}.${localName}`);
    this.initializerNames.set(t, name);
    this.initializers.push(tensorToProto(name, t.detach()));
    return name;
  }

  /**
   * Records the tensors of value `name` (a node output), computed from the known values `from` by `f`, so
   * that later exporters (`g.module`) may take it as input and ask its shape. Returns `name`.
   */
  track(name: string, from: readonly string[], f: (...t: Tensor[]) => Tensor): string {
    const traced = from.map((n) => this.traced(n));
    const example = f(...traced.map((t) => t.example));
    const resized = traced.some((t) => t.resized !== null) ? f(...traced.map((t) => t.resized ?? t.example)) : null;
    this.values.set(name, { example, resized });
    return name;
  }

  /** A Constant node holding `t` (not a weight: importers keep it fixed). */
  constant(t: Tensor): string {
    return this.node("Constant", [], { value: { t } });
  }
  /** A scalar Constant of the dtype of value `like` (for arithmetic with it). */
  scalar(value: number, like: string): string {
    return this.constant(tensor([value], { dtype: this.dtype(like) }).reshape([]));
  }
  /** A 1-D INT64 Constant (shapes, axes). */
  int64(values: readonly number[]): string {
    return this.pushNode("Constant", [], [{ name: "value", type: 4, t: int64Proto("", values) as TensorProto }], 1)[0]!;
  }

  /** Unsqueeze, with `axes` as an input from opset 13 on and as an attribute before. */
  unsqueeze(x: string, axes: readonly number[]): string {
    return this.opset >= 13 ? this.node("Unsqueeze", [x, this.int64(axes)]) : this.node("Unsqueeze", [x], { axes: { ints: axes } });
  }
  /** ReduceMean / ReduceSum over `axes`; the axes move from attribute to input at opset 18 (13 for ReduceSum). */
  reduce(op: "ReduceMean" | "ReduceSum", x: string, axes: readonly number[], keepdims: boolean): string {
    const asInput = op === "ReduceSum" ? this.opset >= 13 : this.opset >= 18;
    const keep = { keepdims: { i: keepdims ? 1 : 0 } };
    return asInput ? this.node(op, [x, this.int64(axes)], keep) : this.node(op, [x], { ...keep, axes: { ints: axes } });
  }

  /**
   * Copies a node read from an ONNX file (an imported graph being exported again): its attributes as
   * read, its value names kept where free. Returns the names of its outputs.
   */
  copyNode(node: { opType: string; name: string; outputs: readonly string[] }, inputs: readonly string[], attribute: readonly AttributeProto[]): string[] {
    const output = node.outputs.map((o) => (o === "" ? "" : this.claim(this.path === "" ? o : `${this.path}/${o}`)));
    const name = this.path === "" ? node.name : `/${this.scope.join("/")}${node.name.startsWith("/") ? "" : "/"}${node.name}`;
    this.nodes.push({ name, opType: node.opType, input: [...inputs], output, attribute: [...attribute] });
    return output;
  }
  /** Copies an initializer read from an ONNX file (kept as read: INT64 stays INT64). */
  copyInitializer(proto: TensorProto, localName: string): string {
    const name = this.claim(this.path === "" ? localName : `${this.path}.${localName}`);
    this.initializers.push({ ...proto, name });
    return name;
  }

  /**
   * Exports `module` (a child of the module being exported, named `name` in it) on the values
   * `inputs`, and returns the names of its outputs. The module runs on the example tensors, so the
   * shapes of its outputs are known to the next exporter.
   */
  module(module: AnyModule, inputs: readonly ExportArg[], name: string): string[] {
    return this.withScope(name, () => this.exportHere(module, inputs));
  }

  /** Runs and exports `module` in the current scope. */
  exportHere(module: AnyModule, args: readonly ExportArg[]): string[] {
    const inputs = argNames(args);
    const where = `module ${this.path === "" ? "(the model)" : `"${this.path}"`} (${module.constructor.name})`;
    const exporter = this.lookup(module);
    if (!exporter) {
      throw new Error(
        `${this.op}: no ONNX mapping for ${where}; deepscript exports its built-in layers and nn.Sequential. ` +
          `Build the model from those, or register a mapping with onnx.registerModuleExporter(${module.constructor.name}, (g, module, inputs) => ...)`,
      );
    }
    const traced = inputs.map((n) => this.traced(n));
    const run = (tensors: Tensor[], what: string): Tensor[] => {
      let out: unknown;
      try {
        const byName = new Map(inputs.map((n, i) => [n, tensors[i]!]));
        const bound = bindArgs(args, (n) => byName.get(n)!);
        // an imported graph with several outputs gives them all through run()
        out = module instanceof OnnxModule ? module.run(...(bound as Tensor[])) : (module.forward as (...a: unknown[]) => unknown)(...bound);
      } catch (e) {
        throw new Error(`${this.op}: ${where} failed on ${what}: ${(e as Error).message}`);
      }
      return outputTensors(out, `${this.op}: ${where}`);
    };
    const examples = run(traced.map((t) => t.example), `inputs ${traced.map((t) => fmtShape(t.example.shape)).join(", ")}`);
    const anyResized = traced.some((t) => t.resized !== null);
    const resized = anyResized
      ? run(traced.map((t) => t.resized ?? t.example), `the inputs resized along the dynamic axes (${traced.map((t) => fmtShape((t.resized ?? t.example).shape)).join(", ")}); declare the same dynamic axes on every input whose sizes must agree`)
      : null;
    const returned = exporter(this, module, [...inputs], args);
    const names = typeof returned === "string" ? [returned] : returned;
    if (names.length !== examples.length) {
      throw new Error(`${this.op}: the ONNX mapping of ${where} returned ${names.length} outputs, but its forward returns ${examples.length}`);
    }
    names.forEach((n, i) => {
      if (!this.values.has(n)) this.values.set(n, { example: examples[i]!, resized: resized ? resized[i]! : null });
    });
    return names;
  }

  private withScope<T>(name: string, body: () => T): T {
    this.scope.push(name);
    try {
      return body();
    } finally {
      this.scope.pop();
    }
  }

  // ---- Assembly (used by exportModelBytes) ----

  /** ValueInfo of every traced value except the given ones (graph inputs and outputs). */
  valueInfos(exclude: ReadonlySet<string>): Partial<ValueInfoProto>[] {
    const out: Partial<ValueInfoProto>[] = [];
    for (const name of this.values.keys()) if (!exclude.has(name)) out.push(this.valueInfo(name));
    return out;
  }

  /** ValueInfo of a traced value; `symbols` overrides dims by position. */
  valueInfo(name: string, symbols: ReadonlyMap<number, string> = new Map()): Partial<ValueInfoProto> {
    const dims: DimensionProto[] = this.shape(name).map((d, i) => {
      const symbol = symbols.get(i);
      if (symbol !== undefined) return { dimParam: symbol };
      // A size that follows the dynamic axes in some other way (a flattened batch) gets its own symbol.
      return typeof d === "number" ? { dimValue: d } : { dimParam: d ?? `${name}_dim_${i}` };
    });
    return { name, type: { tensorType: { elemType: onnxDataType(this.dtype(name)), shape: { dim: dims } } } };
  }

  /** Whether `name` is the output of a node (not a graph input or initializer). */
  isNodeOutput(name: string): boolean {
    return this.nodes.some((n) => n.output.includes(name));
  }

  /** Renames a node output everywhere it appears. */
  rename(from: string, to: string): void {
    if (this.usedNames.has(to)) throw new Error(`${this.op}: output name "${to}" is already the name of another value in the graph`);
    this.usedNames.add(to);
    for (const n of this.nodes) {
      n.output = n.output.map((x) => (x === from ? to : x));
      n.input = n.input.map((x) => (x === from ? to : x));
    }
    const v = this.values.get(from);
    if (v) {
      this.values.delete(from);
      this.values.set(to, v);
    }
  }

  /** Gives `to` the value of `from` through an Identity node (for outputs that are inputs, initializers or repeated). */
  alias(from: string, to: string): void {
    if (this.usedNames.has(to)) throw new Error(`${this.op}: output name "${to}" is already the name of another value in the graph`);
    this.usedNames.add(to);
    this.nodes.push({ name: `/Identity_${to}`, opType: "Identity", input: [from], output: [to], attribute: [] });
    this.values.set(to, this.traced(from));
  }

  private nextName(opType: string): string {
    const base = `/${this.scope.map((s) => s.replace(/\./g, "/")).join("/")}${this.scope.length > 0 ? "/" : ""}${opType}`;
    const k = this.nodeCounts.get(base) ?? 0;
    this.nodeCounts.set(base, k + 1);
    return k === 0 ? base : `${base}_${k}`;
  }

  /** Reserves a value name, adding a suffix if it is taken. */
  private claim(name: string): string {
    let out = name;
    for (let k = 1; this.usedNames.has(out); k++) out = `${name}_${k}`;
    this.usedNames.add(out);
    return out;
  }
}

/**
 * What a forward returned, as a list of tensors: nested arrays are flattened depth-first (an LSTM's
 * `[output, [h, c]]` is three outputs) and nulls left out (MultiheadAttention's weights when not
 * asked for), as PyTorch's exporter does with tuples and None.
 */
export function outputTensors(out: unknown, where: string): Tensor[] {
  const flat: Tensor[] = [];
  const visit = (v: unknown): boolean => {
    if (v instanceof Tensor) flat.push(v);
    else if (Array.isArray(v)) return v.every(visit);
    else if (v !== null) return false;
    return true;
  };
  if (visit(out) && flat.length > 0) return flat;
  throw new Error(`${where}: forward must return a Tensor or an array of Tensors to be exported, got ${describe(out)}`);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array [${v.map(describe).join(", ")}]`;
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "object"}`;
  return typeof v;
}

function attributeProto(name: string, value: OnnxAttribute): Partial<AttributeProto> {
  if ("f" in value) return { name, type: 1, f: value.f };
  if ("i" in value) return { name, type: 2, i: value.i };
  if ("s" in value) return { name, type: 3, s: new TextEncoder().encode(value.s) };
  if ("t" in value) return { name, type: 4, t: tensorToProto("", value.t) as TensorProto };
  if ("floats" in value) return { name, type: 6, floats: [...value.floats] };
  if ("strings" in value) return { name, type: 8, strings: value.strings.map((x) => new TextEncoder().encode(x)) };
  return { name, type: 7, ints: [...value.ints] };
}

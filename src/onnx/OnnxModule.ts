// OnnxModule: an imported ONNX graph as an nn.Module — initializers are its parameters, forward evaluates the nodes with deepscript ops.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { isFloating } from "../tensor/dtype.js";
import { Module } from "../nn/Module.js";
import { Parameter } from "../nn/Parameter.js";
import { DataType, dataTypeName, type TensorProto } from "./proto.js";
import type { GraphBuilder } from "./GraphBuilder.js";
import type { OnnxNode, OpImpl } from "./ops.js";

/** A graph input or output: name, element type (TensorProto.DataType) and shape (number, symbol, or null if unknown). */
export interface GraphValue {
  name: string;
  elemType: number;
  dims: (number | string | null)[] | null;
}

/** A float initializer: trainable (a Parameter) or a buffer (batch-norm running statistics). */
export interface GraphWeight {
  name: string;
  tensor: Tensor;
  trainable: boolean;
}

/** A checked, topologically sorted graph (see importModel). */
export interface ParsedGraph {
  name: string;
  opset: number;
  producer: string;
  inputs: GraphValue[];
  outputs: GraphValue[];
  nodes: { node: OnnxNode; impl: OpImpl }[];
  /** Values fixed at import: Constant nodes and integer/bool initializers. */
  constants: Map<string, Tensor>;
  weights: GraphWeight[];
  /** What re-export copies as read: the Constant nodes and the integer/bool initializers (INT64 stays INT64). */
  source: { constantNodes: OnnxNode[]; constantInitializers: TensorProto[] };
}

/** Holds the parameters of one dotted-name prefix ("0" of "0.weight"), so state-dict keys equal the initializer names. */
class OnnxScope extends Module<never[], never> {
  forward(): never {
    throw new Error("OnnxModule: a parameter scope has no forward; call the OnnxModule itself");
  }
  override extraRepr(): string {
    return Object.entries(this)
      .filter((e): e is [string, Tensor] => e[1] instanceof Tensor)
      .map(([name, t]) => `${name}: ${fmtShape(t.shape)}`)
      .join(", ");
  }
}

/**
 * An ONNX graph as a deepscript module (made by `onnx.importModel`). Each floating-point initializer
 * is a Parameter (batch-norm running statistics are buffers) under its ONNX name, so
 * `stateDict()` keys are the exporter's names ("0.weight", "2.running_mean") and the model can be
 * fine-tuned with any optimizer. `forward` evaluates the nodes in order with deepscript's
 * differentiable ops; the graph is evaluated as exported in both train and eval mode (a
 * BatchNormalization node uses its running statistics, a Dropout node is the identity).
 *
 * Inputs that ONNX declares INT64 (token ids) are passed as int32 tensors.
 */
export class OnnxModule extends Module<Tensor[], Tensor> {
  private readonly _graph: ParsedGraph;
  private readonly _paths = new Map<string, string[]>();

  constructor(graph: ParsedGraph) {
    super();
    this._graph = graph;
    for (const w of graph.weights) this._paths.set(w.name, this.place(w));
  }

  /** Names of the graph inputs, in the order `forward` takes them. */
  get inputNames(): string[] {
    return this._graph.inputs.map((v) => v.name);
  }
  get outputNames(): string[] {
    return this._graph.outputs.map((v) => v.name);
  }
  /** The graph's inputs and outputs as declared in the file (element type and shape). */
  get graphInputs(): readonly GraphValue[] {
    return this._graph.inputs;
  }
  get graphOutputs(): readonly GraphValue[] {
    return this._graph.outputs;
  }
  /** The default-domain opset the graph was written for. */
  get opsetVersion(): number {
    return this._graph.opset;
  }
  /** The operator of each node, in evaluation order. */
  get operators(): string[] {
    return this._graph.nodes.map(({ node }) => node.opType);
  }

  /** Evaluates the graph; for a graph with several outputs use `run`. */
  forward(...inputs: Tensor[]): Tensor {
    const outputs = this.run(...inputs);
    if (outputs.length !== 1) {
      throw new Error(`OnnxModule.forward: the graph has ${outputs.length} outputs (${this.outputNames.join(", ")}); call run(...inputs) to get them all`);
    }
    return outputs[0]!;
  }

  /** Evaluates the graph and returns every output, in the graph's order. */
  run(...inputs: Tensor[]): Tensor[] {
    this.checkInputs(inputs);
    const values = new Map<string, Tensor>(this._graph.constants);
    for (const [name, path] of this._paths) values.set(name, this.resolve(path));
    this._graph.inputs.forEach((v, i) => values.set(v.name, inputs[i]!));
    for (const { node, impl } of this._graph.nodes) {
      const args = node.inputs.map((name) => (name === "" ? null : values.get(name)!));
      let outs: Tensor[];
      try {
        outs = impl(args, node);
      } catch (e) {
        throw new Error(`OnnxModule.forward: ${node.label}: ${(e as Error).message}`);
      }
      node.outputs.forEach((name, i) => {
        if (name === "") return;
        const t = outs[i];
        if (t === undefined) throw new Error(`OnnxModule.forward: ${node.label} has no output ${i} ("${name}")`);
        values.set(name, t);
      });
    }
    return this._graph.outputs.map((v) => values.get(v.name)!);
  }

  /**
   * Writes this graph into `g` (onnx.exportModel of an imported, possibly fine-tuned model): the nodes
   * as read, the current weights as initializers. Only at the graph's own opset.
   */
  exportTo(g: GraphBuilder, inputs: string[]): string[] {
    if (g.opset !== this.opsetVersion) {
      throw new Error(`${g.op}: module ${g.path === "" ? "(the model)" : `"${g.path}"`} is an imported ONNX graph of opset ${this.opsetVersion}; export it with opsetVersion: ${this.opsetVersion}`);
    }
    const names = new Map<string, string>();
    this._graph.inputs.forEach((v, i) => names.set(v.name, inputs[i]!));
    for (const [name, path] of this._paths) names.set(name, g.initializer(this.resolve(path), name));
    for (const proto of this._graph.source.constantInitializers) names.set(proto.name!, g.copyInitializer(proto, proto.name!));
    const copy = (node: OnnxNode): void => {
      const outs = g.copyNode(node, node.inputs.map((n) => (n === "" ? "" : names.get(n)!)), node.attributeProtos);
      node.outputs.forEach((o, i) => names.set(o, outs[i]!));
    };
    this._graph.source.constantNodes.forEach(copy);
    this._graph.nodes.forEach(({ node }) => copy(node));
    return this._graph.outputs.map((v) => names.get(v.name)!);
  }

  private checkInputs(inputs: Tensor[]): void {
    const expected = this._graph.inputs;
    const list = expected.map((v) => `${v.name}${v.dims ? ` ${fmtDims(v.dims)}` : ""}`).join(", ");
    if (inputs.length !== expected.length) throw new Error(`OnnxModule.forward: the graph takes ${expected.length} input${expected.length === 1 ? "" : "s"} (${list}), got ${inputs.length}`);
    const symbols = new Map<string, [number, string]>();
    expected.forEach((v, i) => {
      const x = inputs[i];
      if (!(x instanceof Tensor)) throw new Error(`OnnxModule.forward: input "${v.name}" must be a Tensor, got ${x === null ? "null" : typeof x}`);
      const floating = v.elemType === DataType.FLOAT || v.elemType === DataType.DOUBLE;
      const ok = floating ? isFloating(x.dtype) : v.elemType === DataType.BOOL ? x.dtype === "bool" : x.dtype === "int32";
      if (!ok) {
        const want = floating ? "a floating-point tensor" : v.elemType === DataType.BOOL ? "a bool tensor" : "an int32 tensor";
        throw new Error(`OnnxModule.forward: input "${v.name}" has type ${dataTypeName(v.elemType)} in the graph and needs ${want}, got dtype ${x.dtype}`);
      }
      if (!v.dims) return;
      const bad = x.ndim !== v.dims.length || v.dims.some((d, k) => {
        if (typeof d === "number") return x.shape[k] !== d;
        if (typeof d !== "string") return false;
        const seen = symbols.get(d);
        if (seen === undefined) symbols.set(d, [x.shape[k]!, v.name]);
        return seen !== undefined && seen[0] !== x.shape[k];
      });
      if (bad) throw new Error(`OnnxModule.forward: input "${v.name}" must have shape ${fmtDims(v.dims)}, got ${fmtShape(x.shape)}`);
    });
  }

  /**
   * Stores a weight under its dotted name: "0.weight" becomes field `weight` of scope `0`. A name that
   * cannot be a path (empty segments, clashes with a method or another weight) is stored flat at the
   * top with "." replaced by "_".
   */
  private place(w: GraphWeight): string[] {
    const value = w.trainable ? new Parameter(w.tensor) : w.tensor;
    const segments = w.name.split(".");
    const free = (scope: Module<never[], never> | this, seg: string): boolean => seg !== "" && !(seg in scope);
    // First pass: is the dotted path available (existing scopes or free names all the way)?
    let scope: Module<never[], never> | this = this, fits = true;
    for (let i = 0; i < segments.length && fits; i++) {
      const seg = segments[i]!;
      const last = i === segments.length - 1;
      const own: unknown = Object.hasOwn(scope, seg) ? Reflect.get(scope, seg) : undefined;
      if (!last && own instanceof OnnxScope) scope = own;
      else if (own !== undefined || !free(scope, seg)) fits = false;
      else break; // a fresh name: everything below it is free
    }
    let path = segments;
    if (!fits) {
      const flat = w.name.replace(/\./g, "_") || "weight";
      let name = flat;
      for (let k = 1; !free(this, name); k++) name = `${flat}_${k}`;
      path = [name];
    }
    let at: Module<never[], never> | this = this;
    for (const seg of path.slice(0, -1)) {
      const existing: unknown = Object.hasOwn(at, seg) ? Reflect.get(at, seg) : undefined;
      const next = existing instanceof OnnxScope ? existing : new OnnxScope();
      if (next !== existing) Object.defineProperty(at, seg, { value: next, enumerable: true, writable: true, configurable: true });
      at = next;
    }
    const leaf = path[path.length - 1]!;
    Object.defineProperty(at, leaf, { value, enumerable: true, writable: true, configurable: true });
    if (!w.trainable) at.registerBuffer(leaf, value);
    return path;
  }

  /** The current tensor at a weight's path (`to(dtype)` replaces tensors, so it is looked up each time). */
  private resolve(path: string[]): Tensor {
    let at: unknown = this;
    for (const seg of path) at = Reflect.get(at as object, seg);
    return at as Tensor;
  }

  override extraRepr(): string {
    return `inputs=[${this.inputNames.join(", ")}], outputs=[${this.outputNames.join(", ")}], opset=${this.opsetVersion}, nodes=${this._graph.nodes.length}`;
  }
}

function fmtDims(dims: (number | string | null)[]): string {
  return `[${dims.map((d) => d ?? "?").join(",")}]`;
}

// ONNX import: reads an .onnx file, checks every node against the operator table and returns an OnnxModule.
import type { Tensor } from "../tensor/Tensor.js";
import { isFloating } from "../tensor/dtype.js";
import { noGrad } from "../autograd/engine.js";
import { decodeModel, dataTypeName, deepscriptDType, tensorFromProto, type ModelProto, type TensorProto, type ValueInfoProto } from "./proto.js";
import { OPS, OnnxNode, attributeValue, constantValue, type AttributeValue } from "./ops.js";
import { OnnxModule, type GraphValue, type GraphWeight, type ParsedGraph } from "./OnnxModule.js";

/** The default-domain opsets the importer reads (the operators' meanings are implemented per opset in ops.ts). */
export const MIN_IMPORT_OPSET = 7;
/** The newest default-domain opset the importer reads. */
export const MAX_IMPORT_OPSET = 23;

/**
 * Reads an ONNX model (a file path in Node, or the file's bytes anywhere) as a trainable module.
 * Every node must use an operator of the importer's table (`onnx.supportedOperators`); otherwise the
 * error names the operator and the node.
 *
 * ```ts
 * const model = await onnx.importModel("mlp.onnx");
 * const y = model.call(x);                     // evaluates the graph
 * new optim.SGD(model.parameters(), { lr: 0.01 }); // fine-tune its initializers
 * ```
 */
export async function importModel(source: string | Uint8Array | ArrayBuffer): Promise<OnnxModule> {
  if (typeof source === "string") {
    const fs = await import("../node/index.js");
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileBytes(source);
    } catch (e) {
      throw new Error(`onnx.importModel: cannot read "${source}": ${(e as Error).message}`);
    }
    return parseModel(bytes, "onnx.importModel", `"${source}"`);
  }
  return parseModel(toBytes(source, "onnx.importModel"), "onnx.importModel", "the bytes");
}

/** `importModel` for bytes already in memory (synchronous, browser-safe). */
export function importModelBytes(bytes: Uint8Array | ArrayBuffer): OnnxModule {
  return parseModel(toBytes(bytes, "onnx.importModelBytes"), "onnx.importModelBytes", "the bytes");
}

/** The operators the importer evaluates (default ONNX domain). */
export function supportedOperators(): string[] {
  return Object.keys(OPS).sort();
}

function toBytes(source: unknown, op: string): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  throw new Error(`${op}: expected a file path (string), Uint8Array or ArrayBuffer, got ${source === null ? "null" : typeof source}`);
}

function parseModel(bytes: Uint8Array, op: string, what: string): OnnxModule {
  if (bytes.length === 0) throw new Error(`${op}: ${what} ${what === "the bytes" ? "are" : "is"} empty, not an ONNX model`);
  const model = decodeModel(bytes, op);
  const graph = model.graph;
  if (!graph || (graph.node.length === 0 && graph.output.length === 0)) {
    throw new Error(`${op}: ${what} hold${what === "the bytes" ? "" : "s"} no ONNX graph (not an .onnx model file, or a corrupt one)`);
  }
  const opset = defaultOpset(model, op);
  return noGrad(() => new OnnxModule(parseGraph(model, opset, op)));
}

function defaultOpset(model: ModelProto, op: string): number {
  const entry = model.opsetImport.find((o) => (o.domain ?? "") === "" || o.domain === "ai.onnx");
  if (!entry || entry.version === undefined) throw new Error(`${op}: the model imports no default-domain opset (opset_import has ${model.opsetImport.map((o) => `"${o.domain ?? ""}"`).join(", ") || "no entries"})`);
  const v = entry.version;
  if (v < MIN_IMPORT_OPSET || v > MAX_IMPORT_OPSET) throw new Error(`${op}: the model uses opset ${v}; deepscript imports opsets ${MIN_IMPORT_OPSET} to ${MAX_IMPORT_OPSET}`);
  return v;
}

function parseGraph(model: ModelProto, opset: number, op: string): ParsedGraph {
  const graph = model.graph!;
  // Every node's operator must be known before anything else is read.
  const unsupported = graph.node.filter((n) => ((n.domain ?? "") !== "" && n.domain !== "ai.onnx") || !Object.hasOwn(OPS, n.opType ?? ""));
  if (unsupported.length > 0) {
    const [first] = unsupported;
    const domain = first!.domain && first!.domain !== "ai.onnx" ? ` of domain "${first!.domain}"` : "";
    const more = unsupported.length > 1 ? `; ${unsupported.length - 1} more unsupported node${unsupported.length > 2 ? "s" : ""}: ${unsupported.slice(1, 6).map((n) => `${n.opType} ("${n.name ?? ""}")`).join(", ")}${unsupported.length > 6 ? ", …" : ""}` : "";
    throw new Error(`${op}: operator ${first!.opType}${domain} (node "${first!.name ?? ""}") is not supported by deepscript's ONNX importer${more}. Supported operators: ${supportedOperators().join(", ")}`);
  }

  const constants = new Map<string, Tensor>();
  const constantInitializers: TensorProto[] = [];
  const floatInits: { name: string; tensor: Tensor }[] = [];
  for (const init of graph.initializer) {
    const name = init.name ?? "";
    if (name === "") throw new Error(`${op}: an initializer has no name`);
    const t = tensorFromProto(init, `initializer "${name}"`, op);
    if (isFloating(t.dtype)) floatInits.push({ name, tensor: t });
    else {
      constants.set(name, t);
      constantInitializers.push(init);
    }
  }
  const initNames = new Set(graph.initializer.map((t) => t.name ?? ""));

  const inputs = graph.input.filter((v) => !initNames.has(v.name ?? "")).map((v) => graphValue(v, "input", op));
  const outputs = graph.output.map((v) => graphValue(v, "output", op));
  if (outputs.length === 0) throw new Error(`${op}: the graph has no outputs`);

  const nodes: OnnxNode[] = graph.node.map((n, i) => {
    const name = n.name || `${n.opType}_${i}`;
    const label = `node "${name}" (${n.opType})`;
    const attributes = new Map<string, AttributeValue>(n.attribute.map((a) => [a.name ?? "", attributeValue(a, op, label)]));
    return new OnnxNode(name, n.opType!, [...n.input], [...n.output], attributes, opset, n.attribute);
  });

  // Constant nodes are evaluated once, here.
  const compute: OnnxNode[] = [];
  const constantNodes: OnnxNode[] = [];
  for (const node of nodes) {
    if (node.opType === "Constant") constantNodes.push(node);
    else {
      compute.push(node);
      continue;
    }
    try {
      constants.set(node.outputs[0]!, constantValue(node));
    } catch (e) {
      throw new Error(`${op}: ${node.label}: ${(e as Error).message}`);
    }
  }

  const sorted = topologicalOrder(compute, new Set([...inputs.map((v) => v.name), ...initNames, ...constants.keys()]), op);
  for (const o of outputs) {
    if (!initNames.has(o.name) && !constants.has(o.name) && !inputs.some((v) => v.name === o.name) && !sorted.some((n) => n.outputs.includes(o.name))) {
      throw new Error(`${op}: graph output "${o.name}" is produced by no node, initializer or input`);
    }
  }

  // Running statistics (BatchNormalization inputs 3 and 4) are buffers; every other float initializer is trained.
  const statisticOnly = new Map<string, boolean>();
  for (const node of sorted) {
    node.inputs.forEach((name, i) => {
      const isStatistic = node.opType === "BatchNormalization" && (i === 3 || i === 4);
      statisticOnly.set(name, (statisticOnly.get(name) ?? true) && isStatistic);
    });
  }
  const weights: GraphWeight[] = floatInits.map(({ name, tensor }) => ({ name, tensor, trainable: !(statisticOnly.get(name) ?? false) }));

  return {
    name: graph.name ?? "",
    opset,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(" "),
    inputs,
    outputs,
    nodes: sorted.map((node) => ({ node, impl: OPS[node.opType]! })),
    constants,
    weights,
    source: { constantNodes, constantInitializers },
  };
}

function graphValue(v: ValueInfoProto, kind: "input" | "output", op: string): GraphValue {
  const name = v.name ?? "";
  if (name === "") throw new Error(`${op}: a graph ${kind} has no name`);
  const tensorType = v.type?.tensorType;
  if (!tensorType) throw new Error(`${op}: graph ${kind} "${name}" is not a tensor (sequences, maps and optionals are not supported)`);
  const elemType = tensorType.elemType ?? 0;
  if (deepscriptDType(elemType) === null) throw new Error(`${op}: graph ${kind} "${name}" has element type ${dataTypeName(elemType)}, which deepscript cannot hold`);
  const dims = tensorType.shape ? tensorType.shape.dim.map((d) => (d.dimValue !== undefined ? d.dimValue : d.dimParam ? d.dimParam : null)) : null;
  return { name, elemType, dims };
}

/** Nodes in an order where each one's inputs exist before it runs (Kahn's algorithm, stable). */
function topologicalOrder(nodes: OnnxNode[], available: Set<string>, op: string): OnnxNode[] {
  const producer = new Map<string, OnnxNode>();
  for (const node of nodes) {
    for (const out of node.outputs) {
      if (out === "") continue;
      if (producer.has(out) || available.has(out)) throw new Error(`${op}: value "${out}" is produced twice (by ${node.label} and ${producer.get(out)?.label ?? "an input or initializer"})`);
      producer.set(out, node);
    }
  }
  for (const node of nodes) {
    for (const name of node.inputs) {
      if (name !== "" && !available.has(name) && !producer.has(name)) {
        throw new Error(`${op}: ${node.label} reads "${name}", which no node, initializer or graph input provides`);
      }
    }
  }
  const done = new Set(available);
  // Files are usually already in order (the ONNX spec asks for it): then keep it as is.
  if (nodes.every((n) => n.inputs.every((name) => name === "" || done.has(name)) && (n.outputs.forEach((o) => done.add(o)), true))) return nodes;
  done.clear();
  available.forEach((name) => done.add(name));
  const order: OnnxNode[] = [];
  let pending = nodes;
  while (pending.length > 0) {
    const ready = pending.filter((n) => n.inputs.every((name) => name === "" || done.has(name)));
    if (ready.length === 0) throw new Error(`${op}: the graph has a cycle through ${pending.slice(0, 3).map((n) => n.label).join(", ")}`);
    for (const n of ready) {
      order.push(n);
      for (const out of n.outputs) done.add(out);
    }
    const readySet = new Set(ready);
    pending = pending.filter((n) => !readySet.has(n));
  }
  return order;
}

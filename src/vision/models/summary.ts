// summary(model, inputShape): the layer table torchinfo prints — each called module with its depth,
// output shape and parameter count — recorded with forward hooks during one forward pass.
import type { Tensor } from "../../tensor/Tensor.js";
import type { DType } from "../../tensor/dtype.js";
import { Module, type AnyModule, type RemovableHandle } from "../../nn/Module.js";
import { zeros } from "../../ops/creation.js";
import { noGrad } from "../../autograd/engine.js";
import { checkShape } from "../../tensor/validate.js";
import { checkOptions } from "../../ops/pooling.js";

/** One row of the table: a module call, in the order the calls began. */
export interface SummaryRow {
  /** The module's class name (`Conv2d`). */
  type: string;
  /** Dotted path of the module in the model ("" for the model itself). */
  name: string;
  /** Nesting depth of the call: 0 for the model, 1 for its children, … */
  depth: number;
  /** Position among the rows of this depth, from 1 (torchinfo's `depth-idx`). */
  index: number;
  /** Shape of the output (of its first tensor when the output is a list); null when it has none. */
  outputShape: number[] | null;
  /**
   * Parameters shown: the module's own, or, on a row at the depth limit whose children are hidden,
   * all of its subtree's; null ("--") when there are none to show or they are counted on earlier rows
   * (a module called again).
   */
  params: number | null;
}

/** Options of {@link summary} (as torchinfo's): the deepest row shown and the dtype of the zero input. */
export interface SummaryOptions {
  /** Rows deeper than this are left out (their parameters counted on their ancestor's row). Default 3, as torchinfo. */
  depth?: number;
  /** dtype of the zero input (default float32). */
  dtype?: DType;
}

const NAME_WIDTH = 40;
const COL_WIDTH = 25;

const fmtInt = (n: number): string => n.toLocaleString("en-US");

/** What `summary` returns: the rows and totals; `toString()` is torchinfo's table. */
export class ModelSummary {
  constructor(
    readonly rows: SummaryRow[],
    readonly totalParams: number,
    readonly trainableParams: number,
  ) {}
  get nonTrainableParams(): number {
    return this.totalParams - this.trainableParams;
  }
  /**
   * torchinfo's default table (layer names 40 characters wide, other columns 25):
   * ```
   * ==========================================================================================
   * Layer (type:depth-idx)                   Output Shape              Param #
   * ==========================================================================================
   * LeNet5                                   [1, 10]                   --
   * ├─Conv2d: 1-1                            [1, 6, 28, 28]            156
   * ...
   * ```
   * then total, trainable and non-trainable parameters (torchinfo's mult-adds and memory estimates
   * are not printed).
   */
  toString(): string {
    const rule = "=".repeat(NAME_WIDTH + 2 * COL_WIDTH);
    // torchinfo's format_row: each cell left-aligned in its width, followed by one space; trailing spaces cut.
    const line = (name: string, shape: string, params: string) => `${name.padEnd(NAME_WIDTH)} ${shape.padEnd(COL_WIDTH)} ${params}`.trimEnd();
    const out = [rule, line("Layer (type:depth-idx)", "Output Shape", "Param #"), rule];
    for (const r of this.rows) {
      const prefix = r.depth === 0 ? "" : r.depth === 1 ? "├─" : `${"│    ".repeat(r.depth - 1)}└─`;
      const label = r.depth === 0 ? r.type : `${prefix}${r.type}: ${r.depth}-${r.index}`;
      const shape = r.outputShape === null ? "--" : `[${r.outputShape.join(", ")}]`;
      out.push(line(label, shape, r.params === null ? "--" : fmtInt(r.params)));
    }
    out.push(rule, `Total params: ${fmtInt(this.totalParams)}`, `Trainable params: ${fmtInt(this.trainableParams)}`, `Non-trainable params: ${fmtInt(this.nonTrainableParams)}`, rule);
    return out.join("\n");
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

const countParams = (m: AnyModule, recurse: boolean): number => {
  let n = 0;
  for (const p of m.parameters({ recurse })) n += p.size;
  return n;
};

function firstShape(output: unknown): number[] | null {
  if (output !== null && typeof output === "object" && "shape" in output && Array.isArray((output as Tensor).shape)) return [...(output as Tensor).shape];
  if (Array.isArray(output)) {
    for (const o of output) {
      const s = firstShape(o);
      if (s !== null) return s;
    }
  }
  return null;
}

/**
 * Runs `model` once on zeros of `inputShape` (batch dim included, e.g. [1, 1, 28, 28]) in eval mode
 * without recording gradients, and returns torchinfo's table of every module call: the layer, its
 * output shape and its parameters. The model's training mode is restored afterwards.
 * ```ts
 * console.log(String(vision.models.summary(net, [1, 3, 32, 32])));
 * ```
 */
export function summary(model: AnyModule, inputShape: readonly number[], options: SummaryOptions = {}): ModelSummary {
  if (!(model instanceof Module)) throw new Error("summary: model must be an nn.Module");
  const o = checkOptions("summary", options, ["depth", "dtype"]) as SummaryOptions;
  const shape = checkShape("summary", inputShape, { what: "inputShape" });
  const maxDepth = o.depth ?? 3;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new Error(`summary: depth must be a non-negative integer, got ${String(o.depth)}`);

  const names = new Map<AnyModule, string>();
  for (const [name, m] of model.namedModules()) names.set(m, name);
  const rows: (SummaryRow & { module: AnyModule })[] = [];
  const open: (SummaryRow & { module: AnyModule })[] = [];
  const counters: number[] = [];
  const called = new Set<AnyModule>();
  const handles: RemovableHandle[] = [];
  for (const m of names.keys()) {
    handles.push(m.registerForwardPreHook((module) => {
      const depth = open.length;
      counters[depth] = (counters[depth] ?? 0) + 1;
      const again = called.has(module);
      called.add(module);
      const hidesChildren = depth === maxDepth;
      const params = again ? 0 : countParams(module, hidesChildren);
      const row = { module, type: module.constructor.name, name: names.get(module)!, depth, index: counters[depth]!, outputShape: null, params: params === 0 ? null : params };
      open.push(row);
      if (depth <= maxDepth) rows.push(row);
    }));
    handles.push(m.registerForwardHook((_module, _inputs, output) => {
      open.pop()!.outputShape = firstShape(output);
    }));
  }
  const wasTraining = [...model.modules()].map((m) => [m, m.training] as const);
  try {
    model.eval();
    noGrad(() => model.call(zeros(shape, { dtype: o.dtype ?? "float32" })));
  } finally {
    for (const h of handles) h.remove();
    for (const [m, t] of wasTraining) m.training = t;
  }
  let trainable = 0;
  let total = 0;
  for (const p of model.parameters()) {
    total += p.size;
    if (p.requiresGrad) trainable += p.size;
  }
  return new ModelSummary(rows.map(({ module: _m, ...row }) => row), total, trainable);
}

// Reverse-mode differentiation over the tape: one topological sort and one loop, both iterative.
import { peekGrad, POOLED_ELEMENTS, releaseStorage, setGradQuietly } from "../tensor/recycle.js";
import { Tensor, type Storage } from "../tensor/Tensor.js";
import { storageLength } from "../backend/storage.js";
import { Node, enableGrad, noGrad } from "./engine.js";
import { vjpRules, type VjpContext } from "./vjp.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { sumTo } from "../ops/reduce.js";
import { add } from "../ops/elementwise.js";
import { cast } from "../ops/elementwise.js";
import { onesLike, zerosLike } from "../ops/creation.js";
import { contiguous } from "../ops/movement.js";

/**
 * Options of `tensor.backward()`: whether to keep the tape for another backward pass and whether to record
 * the backward pass for higher-order gradients (PyTorch's `retain_graph`, `create_graph`).
 */
export interface BackwardOptions {
  /** Keep the tape after this call so backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward computation itself, for gradients of gradients. */
  createGraph?: boolean;
}

let anomalyMode = false;
/** When on, backward checks each gradient row's output and names the primitive that first produced NaN. */
export function detectAnomaly(enabled: boolean): void {
  anomalyMode = enabled;
}
/** Whether anomaly detection is on (see {@link detectAnomaly}). */
export function isAnomalyEnabled(): boolean {
  return anomalyMode;
}

/** `tensor.backward(gradient?)`: accumulates d(tensor)/d(leaf) into every leaf's `.grad`. */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error(
      "backward: the tensor does not require grad and has no gradFn (did you forget requiresGrad: true, or run under noGrad?)",
    );
  }
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new Error(
        `backward: the output has shape ${fmtShape(root.shape)}; gradient can be implicitly created only for scalar outputs — pass a gradient of the same shape`,
      );
    }
    gradient = onesLike(root);
  } else if (!shapesEqual(gradient.shape, root.shape)) {
    throw new Error(`backward: gradient has shape ${fmtShape(gradient.shape)} but the output has shape ${fmtShape(root.shape)}`);
  }
  runBackward([root], [gradient], { ...options, targets: null });
}

export interface RunOptions extends BackwardOptions {
  /** When given, gradients for these tensors are returned instead of accumulated into `.grad`. */
  targets: Tensor[] | null;
  /** With targets: a target the outputs do not depend on gets zeros instead of an error. */
  allowUnused?: boolean;
}

/**
 * The engine behind `backward`, `grad` and the functional transforms. Returns the gradients of
 * the targets (or [] when accumulating into leaves).
 */
export function runBackward(roots: Tensor[], rootGrads: Tensor[], options: RunOptions): (Tensor | null)[] {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const targets = options.targets;
  const run = (): (Tensor | null)[] => {
    const order = topologicalOrder(roots);
    const needed = targets ? neededNodes(order, targets) : null;
    const pending = new Map<Node, (Tensor | null)[]>();
    // Storages already handed to a leaf's .grad (or given by the caller): those must be copied, not shared.
    const claimed = new Set<Storage>(rootGrads.map((g) => g.storage));
    const captured = new Map<Tensor, Tensor>();
    const targetSet = targets ? new Set(targets) : null;
    // Gradients that outlive the pass (the caller's, and those returned for targets): never released.
    const kept = new Set<Tensor>(rootGrads);
    // How many pending slots hold each gradient tensor large enough for the pool (a row may pass one on to several inputs).
    const waiting = new Map<Tensor, number>();

    const deliver = (t: Tensor, g: Tensor): void => {
      if (!shapesEqual(g.shape, t.shape)) g = sumTo(g, t.shape);
      if (g.dtype !== t.dtype) g = cast(g, t.dtype);
      if (targetSet?.has(t)) {
        const prev = captured.get(t);
        const total = prev ? add(prev, g) : g;
        captured.set(t, total);
        kept.add(total);
        if (t.gradFn === null) return;
      }
      if (t.gradFn !== null) {
        if (needed && !needed.has(t.gradFn)) return;
        let slots = pending.get(t.gradFn);
        if (!slots) {
          slots = new Array<Tensor | null>(t.gradFn.outputs.length).fill(null);
          pending.set(t.gradFn, slots);
        }
        const prev = slots[t.outputIndex];
        const sum = prev ? add(prev, g) : g;
        slots[t.outputIndex] = sum;
        if (prev && prev.size >= POOLED_ELEMENTS) waiting.set(prev, waiting.get(prev)! - 1);
        if (sum.size >= POOLED_ELEMENTS) waiting.set(sum, (waiting.get(sum) ?? 0) + 1);
        if (t.retainsGrad && !targets) accumulateGrad(t, g, createGraph, claimed);
      } else if (!targets && t.requiresGrad) {
        accumulateGrad(t, g, createGraph, claimed);
      }
    };

    for (let i = 0; i < roots.length; i++) deliver(roots[i]!, rootGrads[i]!);

    for (const node of order) {
      const grads = pending.get(node);
      if (!grads) continue;
      pending.delete(node);
      if (node.released) {
        throw new Error(
          `backward: trying to backward through the graph a second time (at ${node.name}); the saved tensors were freed — pass { retainGraph: true } to the first backward call`,
        );
      }
      const rule = vjpRules[node.prim]!;
      const ctx = makeContext(node, grads);
      const inputGrads = rule(ctx as never);
      if (anomalyMode) checkNaN(node, inputGrads);
      const inputs = node.inputs;
      if (!retainGraph) release(node);
      for (let i = 0; i < inputs.length; i++) {
        const g = inputGrads[i];
        const inp = inputs[i]!;
        if (g && inp.requiresGrad) deliver(inp, g);
      }
      if (!createGraph) releaseConsumed(grads, waiting, kept);
    }
    if (!targets) return [];
    return targets.map((t) => captured.get(t) ?? null);
  };
  const result = createGraph ? enableGrad(run) : noGrad(run);
  if (targets) {
    return result.map((g, i) => {
      if (g) return g;
      if (options.allowUnused) return null;
      const t = targets[i]!;
      throw new Error(
        `grad: input ${i} (shape ${fmtShape(t.shape)}) was not used to compute the output; pass allowUnused: true to get null for it`,
      );
    });
  }
  return result;
}

function accumulateGrad(t: Tensor, g: Tensor, createGraph: boolean, claimed: Set<Storage>): void {
  // Gradients are set quietly (not marked as seen by user code: see Tensor.gradExposed), except with
  // createGraph, where they are part of a graph.
  const old = peekGrad(t);
  let next: Tensor;
  if (old === null) {
    // Optimizers modify .grad in place, so a leaf must own its gradient's storage: a gradient computed in
    // this pass that owns all of its storage is adopted; one shared with another leaf, the caller, or a
    // view is copied.
    const owned = g.offset === 0 && storageLength(g.storage) === g.size && g.isContiguous() && !claimed.has(g.storage);
    if (createGraph) next = contiguous(g, { copy: true });
    else next = owned ? g.detach() : contiguous(g.detach(), { copy: true });
  } else {
    next = createGraph ? add(old, g) : add(old.detach(), g.detach());
  }
  if (createGraph) next.gradExposed = true;
  setGradQuietly(t, next);
  claimed.add(next.storage);
}

/** Nodes reachable from the roots, consumers before producers (reverse DFS post-order, iterative). */
function topologicalOrder(roots: Tensor[]): Node[] {
  const post: Node[] = [];
  const visited = new Set<Node>();
  const stack: [Node, number][] = [];
  for (const r of roots) {
    if (r.gradFn && !visited.has(r.gradFn)) {
      visited.add(r.gradFn);
      stack.push([r.gradFn, 0]);
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1] = i + 1;
        const child = node.inputs[i]!.gradFn;
        if (child && !visited.has(child)) {
          visited.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        post.push(node);
      }
    }
  }
  return post.reverse();
}

/** With explicit targets, only nodes on a path to a target need their gradient rows run. */
function neededNodes(order: Node[], targets: Tensor[]): Set<Node> {
  const targetSet = new Set(targets);
  const needed = new Set<Node>();
  // Producers come after consumers in `order`; walk it backwards so inputs are decided first.
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    for (const inp of node.inputs) {
      if (targetSet.has(inp) || (inp.gradFn && needed.has(inp.gradFn))) {
        needed.add(node);
        break;
      }
    }
  }
  return needed;
}

function release(node: Node): void {
  node.released = true;
  const { inputs, outputs } = node;
  // Placeholders that keep the inputs' shapes and dtypes (for error messages) but no claim on memory.
  node.inputs = inputs.map((t) => {
    const d = new Tensor(t.storage, t.shape, t.strides, t.offset, t.dtype);
    d.storage.refs--;
    return d;
  });
  node.outputs = [];
  for (let i = 0; i < inputs.length; i++) releaseStorage(inputs[i]!.storage);
  for (let i = 0; i < outputs.length; i++) releaseStorage(outputs[i]!.storage);
}

/**
 * Gives the memory of the output gradients a row has consumed back at once (see Tensor.dispose), so the
 * next kernels of this pass write into warm, reused blocks (with the WASM kernels: blocks in their own
 * memory, read and written without copies) instead of fresh arrays. Only tensor objects that no pending
 * slot holds any more (a row may pass its gradient on unchanged, to several inputs) and that do not
 * outlive the pass (`kept`) are disposed; memory is released per storage, so a gradient that a leaf
 * adopted (accumulateGrad detaches it) or that a view still uses keeps its memory.
 */
function releaseConsumed(grads: (Tensor | null)[], waiting: Map<Tensor, number>, kept: Set<Tensor>): void {
  for (const g of grads) {
    if (!g || g.size < POOLED_ELEMENTS) continue; // the pool keeps no smaller blocks: nothing to give back
    const left = waiting.get(g)! - 1;
    if (left > 0) {
      waiting.set(g, left);
      continue;
    }
    waiting.delete(g);
    if (!kept.has(g)) g.dispose();
  }
}

function makeContext(node: Node, grads: (Tensor | null)[]): VjpContext<never> {
  const outputs = node.outputs;
  return {
    g: grads[0] ?? zerosFor(outputs[0]!),
    grads,
    params: node.params as never,
    input(i: number): Tensor {
      const t = node.inputs[i]!;
      if (t.storage.version !== node.inputVersions[i]) throw modifiedError(node, "input", i, t, node.inputVersions[i]!);
      return t.isDisposed ? liveAlias(t) : t;
    },
    output(i = 0): Tensor {
      const t = outputs[i]!;
      if (t.storage.version !== node.outputVersions[i]) throw modifiedError(node, "output", i, t, node.outputVersions[i]!);
      return t.isDisposed ? liveAlias(t) : t;
    },
    numInputs: node.inputs.length,
    inputShape(i: number): readonly number[] {
      return node.inputs[i]!.shape;
    },
    inputDtype(i: number) {
      return node.inputs[i]!.dtype;
    },
    needsGrad(i: number): boolean {
      return node.inputs[i]!.requiresGrad;
    },
  };
}

/**
 * A usable stand-in for a saved tensor the user disposed: its memory is intact (the node still claims
 * it), and the stand-in keeps its place in the graph for double backward. It adds no claim of its own.
 */
function liveAlias(t: Tensor): Tensor {
  const a = new Tensor(t.storage, t.shape, t.strides, t.offset, t.dtype);
  t.storage.refs--;
  a.gradFn = t.gradFn;
  a.outputIndex = t.outputIndex;
  if (t.requiresGrad) a.requiresGrad_();
  return a;
}

function zerosFor(t: Tensor): Tensor {
  return zerosLike(t);
}

function modifiedError(node: Node, what: string, i: number, t: Tensor, expected: number): Error {
  return new Error(
    `backward of ${node.prim}: its saved ${what} ${i} (shape ${fmtShape(t.shape)}) was modified in place after the forward pass ` +
      `(version ${t.storage.version}, expected ${expected}); clone it before modifying it, or modify a copy`,
  );
}

function checkNaN(node: Node, grads: (Tensor | null)[]): void {
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    if (!g) continue;
    const d = g.dataSync();
    for (let k = 0; k < d.length; k++) {
      if (Number.isNaN(d[k])) {
        throw new Error(
          `detectAnomaly: the backward of ${node.prim} (${node.name}) returned NaN in its gradient for input ${i} (shape ${fmtShape(g.shape)})`,
        );
      }
    }
  }
}

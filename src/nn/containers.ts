// Containers: Sequential (a pipeline), ModuleList (an indexable list) and ModuleDict (named modules).
import { describe } from "../tensor/validate.js";
import type { Tensor } from "../tensor/Tensor.js";
import { Module, everHooked, type AnyModule } from "./Module.js";
import { addIndent } from "./pyRepr.js";
import { Linear, Identity } from "./Linear.js";
import { ELU, GELU, Hardtanh, LeakyReLU, LogSoftmax, ReLU, SELU, SiLU, Sigmoid, Softmax, Softplus, Tanh } from "./activations.js";
import { Dropout } from "./Dropout.js";
import { Flatten } from "./Flatten.js";
import { LayerNorm } from "./LayerNorm.js";

/**
 * Library layers whose forward keeps neither its input nor its output (exact classes: a subclass may
 * keep them). Subclasses of these and any other module may store what they see, so only these count.
 */
const KEEPS_NOTHING = new Set<unknown>([
  Linear, Identity, ReLU, Sigmoid, Tanh, LeakyReLU, ELU, SELU, GELU, SiLU, Softplus, Hardtanh, Softmax, LogSoftmax, Dropout, Flatten, LayerNorm,
]);

/** Whether `layer` keeps nothing it sees: a KEEPS_NOTHING layer that never had a forward hook (hooks see both). */
function keepsNothing(layer: AnyModule): boolean {
  return KEEPS_NOTHING.has(layer.constructor) && !everHooked(layer);
}

/** A module with the plain one-tensor signature, the kind Sequential chains. */
// Optional extra inputs are allowed (ConvTranspose2d.forward(x, outputSize?)); Sequential passes one tensor.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TensorModule = Module<[Tensor, ...any[]], Tensor>;

/**
 * Chains modules: `forward(x)` is `mN(…m2(m1(x)))`. Children are named "0", "1", … like PyTorch, so
 * state dicts use keys such as "0.weight".
 *
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
 * ```
 */
export class Sequential extends Module<[Tensor], Tensor> {
  private readonly _layers: TensorModule[];
  constructor(...layers: TensorModule[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} must be a Module, got ${describe(m)}`);
    });
    this._layers = layers;
  }
  protected override members(): [string, unknown][] {
    return this._layers.map((m, i) => [String(i), m]);
  }
  get length(): number {
    return this._layers.length;
  }
  /** The i-th layer (negative counts from the end). */
  at(index: number): TensorModule {
    const m = this._layers.at(index);
    if (m === undefined) throw new Error(`Sequential.at: index ${index} is out of range for ${this._layers.length} layers`);
    return m;
  }
  append(layer: TensorModule): this {
    this._layers.push(layer);
    return this;
  }
  [Symbol.iterator](): Iterator<TensorModule> {
    return this._layers[Symbol.iterator]();
  }
  forward(x: Tensor): Tensor {
    // An intermediate result made and read only by layers that keep nothing is reachable only through
    // the autograd tape (while it records), so it is disposed as soon as the next layer has read it, as
    // PyTorch frees it on its last reference: the next results of its size reuse its memory (the tape's
    // claim keeps it intact until backward has used it; see Tensor.dispose).
    let y = x;
    let internal = false; // y was made here, by layers that keep nothing
    for (const layer of this._layers) {
      const out = layer.call(y);
      const clean = keepsNothing(layer);
      if (out !== y) {
        if (internal && clean) y.dispose();
        internal = clean;
      } else internal &&= clean; // passed through unchanged (Identity, Dropout in eval mode)
      y = out;
    }
    return y;
  }
}

/** Holds sub-modules in a list (children "0", "1", …); it has no forward of its own. */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  private readonly _items: M[];
  constructor(modules: Iterable<M> = []) {
    super();
    this._items = [...modules];
  }
  protected override members(): [string, unknown][] {
    return this._items.map((m, i) => [String(i), m]);
  }
  get length(): number {
    return this._items.length;
  }
  at(index: number): M {
    const m = this._items.at(index);
    if (m === undefined) throw new Error(`ModuleList.at: index ${index} is out of range for ${this._items.length} modules`);
    return m;
  }
  append(module: M): this {
    this._items.push(module);
    return this;
  }
  extend(modules: Iterable<M>): this {
    for (const m of modules) this._items.push(m);
    return this;
  }
  [Symbol.iterator](): Iterator<M> {
    return this._items[Symbol.iterator]();
  }
  forward(): never {
    throw new Error("ModuleList.forward: a ModuleList has no forward; iterate over it and call its modules");
  }
  /** PyTorch's ModuleList repr: runs of identical consecutive modules print once, as `(0-2): 3 x Linear(…)`. */
  override toString(): string {
    if (this._items.length === 0) return `${this.constructor.name}()`;
    const reprs = this._items.map((m) => m.toString());
    const lines: string[] = [];
    for (let start = 0; start < reprs.length; ) {
      let end = start;
      while (end + 1 < reprs.length && reprs[end + 1] === reprs[start]) end++;
      const head = start === end ? `(${start}): ` : `(${start}-${end}): ${end - start + 1} x `;
      lines.push(addIndent(head + reprs[start]!, 2));
      start = end + 1;
    }
    return `${this.constructor.name}(\n  ${lines.join("\n  ")}\n)`;
  }
}

/** Holds sub-modules by name, in insertion order; it has no forward of its own. */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never[], never> {
  private readonly _items = new Map<string, M>();
  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const entries = Symbol.iterator in modules ? [...(modules as Iterable<[string, M]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }
  protected override members(): [string, unknown][] {
    return [...this._items];
  }
  /** Keys are used as given, as PyTorch's ModuleDict does (`encLayer` stays `encLayer`). */
  protected override stateKey(name: string): string {
    return name;
  }
  get(key: string): M {
    const m = this._items.get(key);
    if (m === undefined) throw new Error(`ModuleDict.get: no module named "${key}" (have ${[...this._items.keys()].join(", ")})`);
    return m;
  }
  set(key: string, module: M): this {
    if (key === "" || key.includes(".")) throw new Error(`ModuleDict.set: invalid key "${key}" (must be non-empty without ".")`);
    this._items.set(key, module);
    return this;
  }
  has(key: string): boolean {
    return this._items.has(key);
  }
  keys(): IterableIterator<string> {
    return this._items.keys();
  }
  values(): IterableIterator<M> {
    return this._items.values();
  }
  entries(): IterableIterator<[string, M]> {
    return this._items.entries();
  }
  get size(): number {
    return this._items.size;
  }
  forward(): never {
    throw new Error("ModuleDict.forward: a ModuleDict has no forward; call its modules by key");
  }
}

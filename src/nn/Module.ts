// Module: the base class of layers and models — parameters, sub-modules and buffers found by
// reflection, train/eval mode, and state dicts with PyTorch-style dotted names.
import { dropGrad, peekGrad } from "../tensor/recycle.js";
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { isFloating } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { noGrad } from "../autograd/engine.js";
import { cast } from "../ops/elementwise.js";
import { Parameter } from "./Parameter.js";

/** Name → tensor, in registration order (parameters and persistent buffers). */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` found missing or left over (only non-empty when `strict: false`). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Any module, whatever its forward signature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], unknown>;

/**
 * Base class of every layer and model (PyTorch's `nn.Module`).
 *
 * Parameters and sub-modules are discovered by reflecting over the module's own fields, in the order
 * they were assigned: a field holding a {@link Parameter} is a parameter, a field holding a Module is
 * a child, and an array field contributes its elements as `name.0`, `name.1`, …. Plain tensors are
 * ignored unless registered with {@link registerBuffer} (running statistics, masks). Fields whose
 * name starts with `_` are never reflected.
 *
 * ```ts
 * class MLP extends nn.Module {
 *   fc1 = new nn.Linear(4, 16);
 *   fc2 = new nn.Linear(16, 3);
 *   forward(x: Tensor): Tensor { return this.fc2.call(this.fc1.call(x).relu()); }
 * }
 * new MLP().stateDict(); // { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }
 * ```
 */
export abstract class Module<I extends unknown[] = [Tensor], O = Tensor> {
  /** True in training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  private readonly _buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();

  abstract forward(...inputs: I): O;

  /** Runs `forward` (PyTorch's `module(x)`). */
  call(...inputs: I): O {
    return this.forward(...inputs);
  }

  /**
   * The entries reflection looks at: the module's own fields by default. Containers override this
   * to expose their items under their index or key.
   */
  protected members(): [string, unknown][] {
    return Object.entries(this).filter(([name]) => !name.startsWith("_") && name !== "training");
  }

  /** Own members flattened: arrays contribute `name.i` entries. */
  private flatMembers(): [string, unknown][] {
    const out: [string, unknown][] = [];
    for (const [name, value] of this.members()) {
      if (Array.isArray(value)) value.forEach((v, i) => out.push([`${name}.${i}`, v]));
      else out.push([name, value]);
    }
    return out;
  }

  /**
   * Registers `tensor` as a buffer: saved in the state dict (unless `persistent: false`) and moved by
   * `to(dtype)`, but not trained. Returns the tensor, so `this.runningMean = this.registerBuffer(...)`.
   * Update buffers in place (`copy_`) so the field and the registry stay the same tensor.
   */
  registerBuffer<T extends Tensor>(name: string, tensor: T, options: { persistent?: boolean } = {}): T {
    if (name.includes(".") || name === "") throw new Error(`registerBuffer: invalid buffer name "${name}" (must be non-empty without ".")`);
    this._buffers.set(name, { tensor, persistent: options.persistent ?? true });
    return tensor;
  }

  /** This module's own buffers (not its children's). */
  private ownBuffers(): [string, Tensor, boolean][] {
    return [...this._buffers].map(([name, b]) => [name, b.tensor, b.persistent]);
  }

  /** Direct sub-modules with their names. */
  *namedChildren(): Generator<[string, AnyModule]> {
    const seen = new Set<AnyModule>();
    for (const [name, value] of this.flatMembers()) {
      if (value instanceof Module && !seen.has(value)) {
        seen.add(value);
        yield [name, value];
      }
    }
  }
  *children(): Generator<AnyModule> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and all its descendants, depth first, with dotted names ("" for this module). */
  *namedModules(prefix = ""): Generator<[string, AnyModule]> {
    const seen = new Set<AnyModule>();
    const stack: [string, AnyModule][] = [[prefix, this]];
    while (stack.length > 0) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      yield [name, m];
      const kids = [...m.namedChildren()].map(([n, c]): [string, AnyModule] => [name === "" ? n : `${name}.${n}`, c]);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
  }
  *modules(): Generator<AnyModule> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Every parameter with its dotted name ("0.weight", "fc1.bias"); a shared parameter appears once. */
  *namedParameters(options: { recurse?: boolean } = {}): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: [string, AnyModule][] = options.recurse === false ? [["", this]] : [...this.namedModules()];
    for (const [prefix, m] of mods) {
      for (const [name, value] of m.flatMembers()) {
        if (value instanceof Parameter && !seen.has(value)) {
          seen.add(value);
          yield [prefix === "" ? name : `${prefix}.${name}`, value];
        }
      }
    }
  }
  *parameters(options: { recurse?: boolean } = {}): Generator<Parameter> {
    for (const [, p] of this.namedParameters(options)) yield p;
  }

  /** Every buffer with its dotted name. */
  *namedBuffers(): Generator<[string, Tensor]> {
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of m.ownBuffers()) yield [prefix === "" ? name : `${prefix}.${name}`, t];
    }
  }
  *buffers(): Generator<Tensor> {
    for (const [, b] of this.namedBuffers()) yield b;
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter (false freezes the module, e.g. for fine-tuning a head only). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Clears every parameter's gradient (`setToNone: true`, the default, drops it; false zeroes it). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (peekGrad(p) === null) continue;
      if (options.setToNone ?? true) dropGrad(p);
      else noGrad(() => peekGrad(p)!.zero_());
    }
  }

  /** Parameters then persistent buffers of each module, with dotted names (PyTorch order per module). */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [prefix, m] of this.namedModules()) {
      const full = (n: string): string => (prefix === "" ? n : `${prefix}.${n}`);
      for (const [name, p] of m.namedParameters({ recurse: false })) out[full(name)] = p.detach();
      for (const [name, t, persistent] of m.ownBuffers()) if (persistent) out[full(name)] = t;
    }
    return out;
  }

  /**
   * Copies the values of `stateDict` into this module's parameters and buffers (in place, so optimizers
   * keep working). Values are cast to each target's dtype; shapes must match exactly. With `strict`
   * (the default) missing and unexpected keys are errors; otherwise they are returned.
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, options: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const given = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !(k in own));
    const mismatched: string[] = [];
    for (const [name, target] of Object.entries(own)) {
      const src = given.get(name);
      if (src !== undefined && !shapesEqual(src.shape, target.shape)) {
        mismatched.push(`${name}: expected shape ${fmtShape(target.shape)}, got ${fmtShape(src.shape)}`);
      }
    }
    const problems: string[] = [];
    if (strict && missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.map((k) => `"${k}"`).join(", ")}`);
    if (strict && unexpectedKeys.length > 0) problems.push(`unexpected keys: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}`);
    if (mismatched.length > 0) problems.push(`shape mismatch for ${mismatched.join("; ")}`);
    if (problems.length > 0) throw new Error(`loadStateDict (${this.constructor.name}): ${problems.join("; ")}`);
    noGrad(() => {
      for (const [name, target] of Object.entries(own)) {
        const src = given.get(name);
        if (src !== undefined) target.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Converts floating-point parameters and buffers to `dtype` (new tensors; gradients are dropped).
   * Create optimizers after calling this: they hold references to the old parameters.
   */
  to(dtype: DType): this {
    if (!isFloating(dtype)) throw new Error(`Module.to: dtype must be floating point, got ${dtype}`);
    for (const m of this.modules()) m.castOwn(dtype);
    return this;
  }
  double(): this {
    return this.to("float64");
  }
  float(): this {
    return this.to("float32");
  }

  /** Replaces own Parameter fields (and elements of array fields) and floating buffers by cast copies. */
  private castOwn(dtype: DType): void {
    const fields = this as unknown as Record<string, unknown>;
    const convert = (p: Parameter): Parameter =>
      p.dtype === dtype ? p : new Parameter(cast(p.detach(), dtype).contiguous(), { requiresGrad: p.requiresGrad });
    const replaced = new Map<Tensor, Tensor>();
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Parameter) fields[name] = convert(value);
      else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (value[i] instanceof Parameter) value[i] = convert(value[i] as Parameter);
      }
    }
    for (const [name, b] of this._buffers) {
      if (!isFloating(b.tensor.dtype) || b.tensor.dtype === dtype) continue;
      const next = cast(b.tensor.detach(), dtype).contiguous();
      replaced.set(b.tensor, next);
      this._buffers.set(name, { tensor: next, persistent: b.persistent });
    }
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Tensor && replaced.has(value)) fields[name] = replaced.get(value);
    }
  }

  /** A short tree of the module and its children. */
  toString(): string {
    const kids = [...this.namedChildren()];
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const lines = kids.map(([n, c]) => `  (${n}): ${c.toString().split("\n").join("\n  ")}`);
    return `${head}\n${lines.join("\n")}\n)`;
  }
  /** Extra text inside the parentheses of `toString()` (sizes, options). */
  protected extraRepr(): string {
    return "";
  }
}

// Module: the base class of layers and models — parameters, sub-modules and buffers found by
// reflection, train/eval mode, and state dicts with PyTorch-style dotted names.
import { Generator as RandomGenerator } from "../random/Generator.js";
import { dropGrad, peekGrad } from "../tensor/recycle.js";
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { isFloating } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { noGrad } from "../autograd/engine.js";
import { cast } from "../ops/elementwise.js";
import { Parameter } from "./Parameter.js";
import { addIndent } from "./pyRepr.js";

/** Name → tensor, in registration order (parameters and persistent buffers), keyed as PyTorch keys them. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` found missing or left over (only non-empty when `strict: false`). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** What `remove()` undoes: a hook registered with `registerForwardHook` / `registerForwardPreHook`. */
export interface RemovableHandle {
  remove(): void;
}

/**
 * Runs before `forward` with the module and its inputs; returning an array replaces the inputs
 * (PyTorch's forward pre-hook; return nothing to keep them).
 */
export type ForwardPreHook<I extends unknown[] = unknown[]> = (module: AnyModule, inputs: I) => I | void;

/**
 * Runs after `forward` with the module, its inputs and its output; returning a value replaces the
 * output (PyTorch's forward hook; return nothing to keep it).
 */
export type ForwardHook<I extends unknown[] = unknown[], O = unknown> = (module: AnyModule, inputs: I, output: O) => O | void;

/** A hook as kept by a module (the public signatures above are checked at registration). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StoredHook = (module: AnyModule, inputs: any[], output?: any) => unknown;

/** Any module, whatever its forward signature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], unknown>;

/** Node's `util.inspect.custom`, named through the global symbol registry so the browser build imports nothing. */
const inspectCustom: unique symbol = Symbol.for("nodejs.util.inspect.custom");

const snakeCache = new Map<string, string>();

/** Ids of forward hooks, increasing across all modules (so handles stay distinct). */
let nextHookId = 0;

/** Modules that ever had a forward hook or pre-hook registered (hooks see, and may keep, inputs and outputs). */
const hooked = new WeakSet<object>();

/**
 * Whether a forward hook or pre-hook was ever registered on `module` (even one removed since): such a
 * module's inputs and outputs may be kept by user code (see Sequential.forward).
 */
export function everHooked(module: object): boolean {
  return hooked.has(module);
}

/**
 * The state-dict key of a JS member name: `camelCase` becomes `snake_case` (`runningMean` →
 * `running_mean`, `inProjWeight` → `in_proj_weight`, `weightIhL0` → `weight_ih_l0`). A run of
 * capitals after a lowercase letter or digit is one word, except that its last capital starts the
 * next word when a lowercase letter follows (`myHTTPServer` → `my_http_server`). Names without such
 * a boundary are kept as they are (`W`, `fc1`, `bias_k`), so snake_case names map to themselves.
 */
export function snakeCase(name: string): string {
  let key = snakeCache.get(name);
  if (key === undefined) {
    key = name.replace(/([a-z0-9])([A-Z]+)/g, (_m, before: string, run: string, offset: number) => {
      const next = name[offset + 1 + run.length];
      const lowerNext = next !== undefined && next >= "a" && next <= "z";
      const words = lowerNext && run.length > 1 ? [run.slice(0, -1), run.slice(-1)] : [run];
      return `${before}_${words.map((w) => w.toLowerCase()).join("_")}`;
    });
    snakeCache.set(name, key);
  }
  return key;
}

/** One reflected member: its state-dict key, the JS name it had (the key earlier versions wrote) and its value. */
interface Member {
  key: string;
  name: string;
  value: unknown;
}

/**
 * Base class of every layer and model (PyTorch's `nn.Module`).
 *
 * Parameters and sub-modules are discovered by reflecting over the module's own fields, in the order
 * they were assigned: a field holding a {@link Parameter} is a parameter, a field holding a Module is
 * a child, and an array field contributes its elements as `name.0`, `name.1`, …. Plain tensors are
 * ignored unless registered with {@link registerBuffer} (running statistics, masks). Fields whose
 * name starts with `_` are never reflected.
 *
 * Names in state dicts, `namedParameters()` and printed trees are PyTorch's: each JS name goes through
 * {@link stateKey}, which turns camelCase into snake_case (`bn.runningMean` is saved as
 * `bn.running_mean`), so checkpoints move between deepscript and PyTorch unchanged. A layer whose
 * PyTorch keys follow another pattern overrides `stateKey` or `members()`.
 *
 * ```ts
 * class MLP extends nn.Module {
 *   fc1 = new nn.Linear(4, 16);
 *   outLayer = new nn.Linear(16, 3);
 *   forward(x: Tensor): Tensor { return this.outLayer.call(this.fc1.call(x).relu()); }
 * }
 * new MLP().stateDict(); // { "fc1.weight", "fc1.bias", "out_layer.weight", "out_layer.bias" }
 * ```
 */
export abstract class Module<I extends unknown[] = [Tensor], O = Tensor> {
  /** True in training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  private readonly _buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  /** Forward pre-hooks and hooks by registration id, created on the first registration. */
  private _preHooks: Map<number, StoredHook> | null = null;
  private _hooks: Map<number, StoredHook> | null = null;

  abstract forward(...inputs: I): O;

  /** Runs `forward` (PyTorch's `module(x)`), with the forward pre-hooks before and the forward hooks after it. */
  call(...inputs: I): O {
    if (this._preHooks === null && this._hooks === null) return this.forward(...inputs);
    let args = inputs;
    if (this._preHooks !== null) {
      for (const hook of [...this._preHooks.values()]) {
        const replaced = hook(this, args) as I | undefined;
        if (replaced !== undefined) {
          if (!Array.isArray(replaced)) throw new Error(`${this.constructor.name}: a forward pre-hook must return an array of inputs or nothing, got ${typeof replaced}`);
          args = replaced;
        }
      }
    }
    let output = this.forward(...args);
    if (this._hooks !== null) {
      for (const hook of [...this._hooks.values()]) {
        const replaced = hook(this, args, output) as O | undefined;
        if (replaced !== undefined) output = replaced;
      }
    }
    return output;
  }

  /**
   * Registers `hook(module, inputs)` to run before every `call` (PyTorch's
   * `register_forward_pre_hook`); it may return new inputs (an array). Returns a handle whose
   * `remove()` unregisters it.
   */
  registerForwardPreHook(hook: ForwardPreHook<I>): RemovableHandle {
    if (typeof hook !== "function") throw new Error(`${this.constructor.name}.registerForwardPreHook: expected a function, got ${typeof hook}`);
    const hooks = (this._preHooks ??= new Map());
    hooked.add(this);
    const id = nextHookId++;
    hooks.set(id, hook);
    return { remove: () => {
      hooks.delete(id);
      if (hooks.size === 0 && this._preHooks === hooks) this._preHooks = null;
    } };
  }

  /**
   * Registers `hook(module, inputs, output)` to run after every `call` (PyTorch's
   * `register_forward_hook`): the way to read feature maps of any layer. It may return a replacement
   * output. Returns a handle whose `remove()` unregisters it.
   * ```ts
   * const maps: Tensor[] = [];
   * const handle = model.layer1.registerForwardHook((_m, _in, out) => { maps.push(out.detach()); });
   * model.call(x);
   * handle.remove();
   * ```
   */
  registerForwardHook(hook: ForwardHook<I, O>): RemovableHandle {
    if (typeof hook !== "function") throw new Error(`${this.constructor.name}.registerForwardHook: expected a function, got ${typeof hook}`);
    const hooks = (this._hooks ??= new Map());
    hooked.add(this);
    const id = nextHookId++;
    hooks.set(id, hook);
    return { remove: () => {
      hooks.delete(id);
      if (hooks.size === 0 && this._hooks === hooks) this._hooks = null;
    } };
  }

  /**
   * The entries reflection looks at, by JS name: the module's own fields by default. Containers
   * override this to expose their items under their index or key.
   */
  protected members(): [string, unknown][] {
    return Object.entries(this).filter(([name]) => !name.startsWith("_") && name !== "training");
  }

  /**
   * The state-dict key of the member or buffer called `name` in JS: `snakeCase(name)` (`camelCase`
   * becomes `snake_case`) by default, so that keys are PyTorch's. Override it for a layer whose
   * PyTorch names differ from its fields'.
   */
  protected stateKey(name: string): string {
    return snakeCase(name);
  }

  /** Own member values, arrays flattened, in the order of `flatMembers()` (the nameless fast path). */
  private flatValues(): unknown[] {
    const out: unknown[] = [];
    for (const [, value] of this.members()) {
      if (Array.isArray(value)) out.push(...(value as unknown[]));
      else out.push(value);
    }
    return out;
  }

  /** Own members flattened (arrays contribute `name.i` entries) and keyed; two members may not share a key. */
  private flatMembers(): Member[] {
    const out: Member[] = [];
    for (const [name, value] of this.members()) {
      const key = this.stateKey(name);
      if (Array.isArray(value)) value.forEach((v, i) => out.push({ key: `${key}.${i}`, name: `${name}.${i}`, value: v }));
      else out.push({ key, name, value });
    }
    this.checkUniqueKeys(out);
    return out;
  }

  /** Keys must be unique among a module's parameters, children and buffers (e.g. `fooBar` and `foo_bar` clash). */
  private checkUniqueKeys(members: Member[]): void {
    const owner = new Map<string, string>();
    const named = members.filter((m) => m.value instanceof Parameter || m.value instanceof Module);
    for (const m of [...named, ...this.ownBuffers()]) {
      const other = owner.get(m.key);
      if (other !== undefined && other !== m.name) {
        throw new Error(`${this.constructor.name}: members "${other}" and "${m.name}" both have the state-dict key "${m.key}"; rename one of them`);
      }
      owner.set(m.key, m.name);
    }
  }

  /**
   * Registers `tensor` as a buffer: saved in the state dict (unless `persistent: false`) and moved by
   * `to(dtype)`, but not trained. `name` is the JS name (its key is `stateKey(name)`, e.g.
   * `runningMean` → `running_mean`). Returns the tensor, so `this.runningMean = this.registerBuffer(...)`.
   * Update buffers in place (`copy_`) so the field and the registry stay the same tensor.
   */
  registerBuffer<T extends Tensor>(name: string, tensor: T, options: { persistent?: boolean } = {}): T {
    if (name.includes(".") || name === "") throw new Error(`registerBuffer: invalid buffer name "${name}" (must be non-empty without ".")`);
    this._buffers.set(name, { tensor, persistent: options.persistent ?? true });
    return tensor;
  }

  /** This module's own buffers (not its children's), keyed. */
  private ownBuffers(): (Member & { value: Tensor; persistent: boolean })[] {
    return [...this._buffers].map(([name, b]) => ({ key: this.stateKey(name), name, value: b.tensor, persistent: b.persistent }));
  }

  /** Direct sub-modules with their keys and JS names, once each. */
  private childMembers(): (Member & { value: AnyModule })[] {
    const seen = new Set<AnyModule>();
    const out: (Member & { value: AnyModule })[] = [];
    for (const m of this.flatMembers()) {
      if (m.value instanceof Module && !seen.has(m.value)) {
        seen.add(m.value);
        out.push(m as Member & { value: AnyModule });
      }
    }
    return out;
  }

  /** Direct sub-modules with their names. */
  *namedChildren(): Generator<[string, AnyModule]> {
    for (const m of this.childMembers()) yield [m.key, m.value];
  }
  *children(): Generator<AnyModule> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /**
   * Every module with its dotted key path and its dotted JS-name path, depth first, each module once
   * ("" for this one).
   */
  private *walk(): Generator<{ path: string; jsPath: string; module: AnyModule }> {
    const seen = new Set<AnyModule>();
    const join = (prefix: string, name: string): string => (prefix === "" ? name : `${prefix}.${name}`);
    const stack: { path: string; jsPath: string; module: AnyModule }[] = [{ path: "", jsPath: "", module: this }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if (seen.has(item.module)) continue;
      seen.add(item.module);
      yield item;
      const kids = item.module.childMembers();
      for (let i = kids.length - 1; i >= 0; i--) {
        const k = kids[i]!;
        stack.push({ path: join(item.path, k.key), jsPath: join(item.jsPath, k.name), module: k.value });
      }
    }
  }

  /**
   * Every random generator the module tree holds (e.g. a Dropout's `generator` option), by dotted path
   * and field name, each once: what a checkpoint must save for an exact resume (see `train.captureRng`).
   */
  namedGenerators(): [string, RandomGenerator][] {
    const out: [string, RandomGenerator][] = [];
    const seen = new Set<RandomGenerator>();
    for (const [path, module] of this.namedModules()) {
      for (const [field, value] of Object.entries(module)) {
        if (value instanceof RandomGenerator && !seen.has(value)) {
          seen.add(value);
          out.push([path === "" ? field : `${path}.${field}`, value]);
        }
      }
    }
    return out;
  }

  /** This module and all its descendants, depth first, with dotted names ("" for this module). */
  *namedModules(prefix = ""): Generator<[string, AnyModule]> {
    for (const { path, module } of this.walk()) yield [prefix === "" ? path : path === "" ? prefix : `${prefix}.${path}`, module];
  }
  /** This module and all its descendants, in the order of `namedModules()` (without computing names: `zeroGrad` runs it every step). */
  *modules(): Generator<AnyModule> {
    const seen = new Set<AnyModule>();
    const stack: AnyModule[] = [this];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      yield m;
      const values = m.flatValues();
      for (let i = values.length - 1; i >= 0; i--) if (values[i] instanceof Module) stack.push(values[i] as AnyModule);
    }
  }

  /** Every parameter with its dotted name ("0.weight", "fc1.bias"); a shared parameter appears once. */
  *namedParameters(options: { recurse?: boolean } = {}): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: [string, AnyModule][] = options.recurse === false ? [["", this]] : [...this.namedModules()];
    for (const [prefix, m] of mods) {
      for (const { key, value } of m.flatMembers()) {
        if (value instanceof Parameter && !seen.has(value)) {
          seen.add(value);
          yield [prefix === "" ? key : `${prefix}.${key}`, value];
        }
      }
    }
  }
  /** The parameters of `namedParameters()`, in its order, without names. */
  *parameters(options: { recurse?: boolean } = {}): Generator<Parameter> {
    const seen = new Set<Tensor>();
    for (const m of options.recurse === false ? [this] : this.modules()) {
      for (const value of m.flatValues()) {
        if (value instanceof Parameter && !seen.has(value)) {
          seen.add(value);
          yield value;
        }
      }
    }
  }

  /** Every buffer with its dotted name. */
  *namedBuffers(): Generator<[string, Tensor]> {
    for (const [prefix, m] of this.namedModules()) {
      for (const { key, value } of m.ownBuffers()) yield [prefix === "" ? key : `${prefix}.${key}`, value];
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

  /**
   * Every parameter and persistent buffer with its dotted key and the dotted JS-name path earlier
   * deepscript versions used as its key (`bn.runningMean` for `bn.running_mean`).
   */
  private stateEntries(): { key: string; legacyKey: string; tensor: Tensor; isParameter: boolean }[] {
    const out: { key: string; legacyKey: string; tensor: Tensor; isParameter: boolean }[] = [];
    const join = (prefix: string, name: string): string => (prefix === "" ? name : `${prefix}.${name}`);
    for (const { path, jsPath, module } of this.walk()) {
      const seen = new Set<Tensor>();
      for (const { key, name, value } of module.flatMembers()) {
        if (value instanceof Parameter && !seen.has(value)) {
          seen.add(value);
          out.push({ key: join(path, key), legacyKey: join(jsPath, name), tensor: value, isParameter: true });
        }
      }
      for (const b of module.ownBuffers()) {
        if (b.persistent) out.push({ key: join(path, b.key), legacyKey: join(jsPath, b.name), tensor: b.value, isParameter: false });
      }
    }
    return out;
  }

  /**
   * Parameters then persistent buffers of each module, with dotted keys equal to PyTorch's
   * (`0.weight`, `bn.running_mean`, `bn.num_batches_tracked`), in PyTorch's order. Parameters come
   * detached (sharing storage); `numBatchesTracked` is int32 here and int64 in PyTorch, whose
   * `load_state_dict` casts it back.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const e of this.stateEntries()) out[e.key] = e.isParameter ? e.tensor.detach() : e.tensor;
    return out;
  }

  /**
   * Copies the values of `stateDict` into this module's parameters and buffers (in place, so optimizers
   * keep working), as PyTorch's `load_state_dict`. Values are cast to each target's dtype (PyTorch's
   * int64 `num_batches_tracked` into int32); shapes must match exactly, whatever `strict` says. With
   * `strict` (the default) missing and unexpected keys are errors; otherwise they are returned.
   * Checkpoints written by earlier deepscript versions, keyed by JS names (`bn.runningMean`), load too.
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, options: { strict?: boolean } = {}): LoadStateDictResult {
    const where = `${this.constructor.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== "object") throw new Error(`${where}: expected a record or Map of tensors, got ${String(stateDict)}`);
    const strict = options.strict ?? true;
    const given = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const entries = this.stateEntries();
    const used = new Set<string>();
    const sources: [Tensor, Tensor][] = [];
    const missingKeys: string[] = [];
    const mismatched: string[] = [];
    for (const e of entries) {
      const from = given.has(e.key) ? e.key : e.legacyKey !== e.key && given.has(e.legacyKey) ? e.legacyKey : null;
      if (from === null) {
        missingKeys.push(e.key);
        continue;
      }
      used.add(from);
      const src = given.get(from);
      if (!(src instanceof Tensor)) throw new Error(`${where}: the value of "${from}" is not a Tensor (got ${typeof src})`);
      if (!shapesEqual(src.shape, e.tensor.shape)) {
        mismatched.push(`"${from}": expected shape ${fmtShape(e.tensor.shape)}, got ${fmtShape(src.shape)}`);
      }
      sources.push([e.tensor, src]);
    }
    const ownKeys = new Set(entries.map((e) => e.key));
    const unexpectedKeys = [...given.keys()].filter((k) => !used.has(k) && !ownKeys.has(k));
    const problems: string[] = [];
    if (mismatched.length > 0) problems.push(`size mismatch for ${mismatched.join("; ")}`);
    if (strict && missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.map((k) => `"${k}"`).join(", ")}`);
    if (strict && unexpectedKeys.length > 0) problems.push(`unexpected keys: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}`);
    if (problems.length > 0) {
      const hint = strict ? prefixHint(missingKeys, unexpectedKeys) : "";
      throw new Error(`${where}: ${problems.join("; ")}${hint}`);
    }
    noGrad(() => {
      for (const [target, src] of sources) target.copy_(src);
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

  /**
   * The module tree as PyTorch's `repr` prints it: `Name(extraRepr)` for a leaf,
   * `Name(\n  (key): child\n)` with children, e.g.
   * `Sequential(\n  (0): Linear(in_features=784, out_features=128, bias=True)\n  (1): ReLU()\n)`.
   */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra === "" ? [] : extra.split("\n");
    const childLines = this.flatMembers()
      .filter((m) => m.value instanceof Module)
      .map((m) => `(${m.key}): ${addIndent((m.value as AnyModule).toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let inner = "";
    if (extraLines.length === 1 && childLines.length === 0) inner = extraLines[0]!;
    else if (lines.length > 0) inner = `\n  ${lines.join("\n  ")}\n`;
    return `${this.constructor.name}(${inner})`;
  }

  /** `console.log(model)` and `util.inspect(model)` in Node print {@link toString}'s tree. */
  [inspectCustom](): string {
    return this.toString();
  }

  /**
   * The text inside the parentheses of this module's line in {@link toString} (sizes and options,
   * written as PyTorch's `extra_repr`, e.g. `in_features=4, out_features=2, bias=True`); may span
   * several lines. Layers override it; the default is empty.
   */
  extraRepr(): string {
    return "";
  }
}

/** When the unexpected keys are the missing ones behind a common prefix (`module.` from DataParallel), say so. */
function prefixHint(missing: string[], unexpected: string[]): string {
  if (missing.length === 0 || unexpected.length !== missing.length) return "";
  const first = unexpected.find((k) => k.endsWith(missing[0]!));
  if (first === undefined) return "";
  const prefix = first.slice(0, first.length - missing[0]!.length);
  if (prefix === "" || !missing.every((k) => unexpected.includes(prefix + k))) return "";
  return ` (the state dict's keys carry the prefix "${prefix}"; remove it from every key)`;
}

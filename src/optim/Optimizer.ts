// Optimizer: the base class holding parameter groups and per-parameter state; subclasses wrap a pure
// update rule (param, grad, state, hyperparameters) → (new param, new state).
import { dropGrad, peekGrad } from "../tensor/recycle.js";
import { pinStorage } from "../backend/fused.js";
import { Tensor } from "../tensor/Tensor.js";
import { enableGrad, noGrad } from "../autograd/engine.js";

/** One group of parameters with its own hyperparameters (PyTorch's param_groups entries). */
export type ParamGroup<H> = H & { params: Tensor[] };

/** What an optimizer accepts: parameters, or groups each overriding some hyperparameters. */
export type ParamsArg<H> = Iterable<Tensor> | readonly (Partial<H> & { params: Iterable<Tensor> })[];

/** Per-parameter state as stored: tensors (moment estimates, buffers) and numbers (step counts). */
export type StateValue = Tensor | number;

/** A serializable snapshot: parameters are referred to by their index across all groups, in order. */
export interface OptimizerStateDict<H> {
  state: Record<number, Record<string, StateValue>>;
  paramGroups: (H & { params: number[] })[];
}

/** The result of one pure update rule. */
export interface Update<S> {
  param: Tensor;
  state: S;
}

function isGroupList<H>(params: ParamsArg<H>): params is readonly (Partial<H> & { params: Iterable<Tensor> })[] {
  return Array.isArray(params) && params.length > 0 && !(params[0] instanceof Tensor);
}

/**
 * Base class of the optimizers (PyTorch's `torch.optim.Optimizer`): `step(closure?)` updates every
 * parameter that has a gradient, `zeroGrad()` clears the gradients, `stateDict()`/`loadStateDict()`
 * save and restore hyperparameters and state. Updates run under `noGrad`.
 *
 * `H` is the hyperparameter record of a group, `S` the per-parameter state.
 */
export abstract class Optimizer<H extends object, S extends object = Record<string, StateValue>> {
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, keyed by the parameter tensor. */
  readonly state = new Map<Tensor, S>();

  constructor(params: ParamsArg<H>, readonly defaults: H) {
    checkHyperparameters(this.constructor.name, defaults as Record<string, unknown>);
    const groups = isGroupList(params) ? params : [{ params } as Partial<H> & { params: Iterable<Tensor> }];
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group; hyperparameters it leaves out come from the defaults. */
  addParamGroup(group: Partial<H> & { params: Iterable<Tensor> }): void {
    const name = this.constructor.name;
    if (group === null || typeof group !== "object" || group.params === undefined || typeof (group.params as Iterable<Tensor>)[Symbol.iterator] !== "function") {
      throw new Error(`${name}: expected parameters (an iterable of tensors) or parameter groups ({ params, ...options })`);
    }
    const params = [...group.params];
    const { params: _p, ...overrides } = group as Record<string, unknown>;
    for (const key of Object.keys(overrides)) {
      if (!Object.hasOwn(this.defaults, key)) throw new Error(`${name}: unknown option ${JSON.stringify(key)} in a parameter group (known: ${Object.keys(this.defaults).join(", ")})`);
    }
    checkHyperparameters(name, overrides);
    if (params.length === 0) throw new Error(`${name}: a parameter group has no parameters`);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new Error(`${name}: parameters must be Tensors, got ${typeof p}`);
      if (!p.isLeaf) throw new Error(`${name}: can only optimize leaf tensors (got one produced by ${p.gradFn!.name})`);
      if (seen.has(p)) throw new Error(`${name}: a parameter appears in more than one group (or twice in a group)`);
      seen.add(p);
    }
    // Every step reads and updates the parameters: let the backend keep them where its kernels work.
    for (const p of params) if (p.dtype === "float32") pinStorage(p.storage);
    this.paramGroups.push({ ...this.defaults, ...group, params } as ParamGroup<H>);
  }

  /**
   * Clears gradients: drops them (`setToNone: true`, default) or fills them with zeros. A dropped
   * gradient that was never read through `.grad` lends its buffer to the next gradient of its size
   * (see src/tensor/recycle.ts); one that was read keeps its values.
   * ```ts
   * opt.zeroGrad(); loss.backward(); opt.step();
   * ```
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (peekGrad(p) === null) continue;
        if (options.setToNone ?? true) dropGrad(p);
        else noGrad(() => peekGrad(p)!.zero_());
      }
    }
  }

  /**
   * One optimization step. `closure`, if given, recomputes the loss (zeroGrad, forward, backward) and
   * its value is returned; it is called with gradients enabled before the update.
   */
  step<L>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /** Updates one group's parameters (called under noGrad). */
  protected abstract updateGroup(group: ParamGroup<H>): void;

  /** Applies a per-parameter rule to every parameter of `group` that has a gradient. */
  protected updateEach(group: ParamGroup<H>, rule: (param: Tensor, grad: Tensor, state: S | undefined) => Update<S>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const { param, state } = rule(p.detach(), p.grad.detach(), this.state.get(p));
      p.copy_(param);
      this.state.set(p, state);
    }
  }

  /** Hyperparameters of every group and the state of every parameter (tensors are shared, not copied). */
  stateDict(): OptimizerStateDict<H> {
    const state: Record<number, Record<string, StateValue>> = {};
    const paramGroups: (H & { params: number[] })[] = [];
    let k = 0;
    for (const g of this.paramGroups) {
      const ids: number[] = [];
      for (const p of g.params) {
        const s = this.state.get(p);
        if (s !== undefined) state[k] = { ...(s as Record<string, StateValue>) };
        ids.push(k++);
      }
      const { params: _params, ...hyper } = g;
      paramGroups.push({ ...(hyper as unknown as H), params: ids });
    }
    return { state, paramGroups };
  }

  /** Restores hyperparameters and state saved by `stateDict()` from an optimizer over the same parameters. */
  loadStateDict(stateDict: OptimizerStateDict<H>): void {
    const name = this.constructor.name;
    if (stateDict.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`${name}.loadStateDict: the state dict has ${stateDict.paramGroups.length} parameter groups, this optimizer has ${this.paramGroups.length}`);
    }
    const reject = (key: string, where: string): void => {
      // A key such as "__proto__" (which JSON.parse keeps as an own key) would replace an object's prototype.
      if (key === "__proto__" || key === "constructor" || key === "prototype") {
        throw new Error(`${name}.loadStateDict: ${where} has a key named ${JSON.stringify(key)}, which no optimizer writes; the state dict is malformed`);
      }
    };
    stateDict.paramGroups.forEach((g, i) => {
      for (const key of Object.keys(g)) reject(key, `parameter group ${i}`);
      for (const id of g.params) for (const key of Object.keys(stateDict.state[id] ?? {})) reject(key, `the state of parameter ${id}`);
      if (g.params.length !== this.paramGroups[i]!.params.length) {
        throw new Error(`${name}.loadStateDict: group ${i} has ${g.params.length} parameters in the state dict but ${this.paramGroups[i]!.params.length} here`);
      }
    });
    this.state.clear();
    stateDict.paramGroups.forEach((saved, i) => {
      const group = this.paramGroups[i]!;
      const { params: ids, ...hyper } = saved;
      Object.assign(group, hyper);
      ids.forEach((id, j) => {
        const s = stateDict.state[id];
        if (s === undefined) return;
        const p = group.params[j]!;
        const copy: Record<string, StateValue> = {};
        for (const [key, v] of Object.entries(s)) {
          if (v instanceof Tensor && v.ndim > 0 && v.size !== p.size && key !== "step") {
            // Shapes of per-element state must match the parameter's.
            throw new Error(`${name}.loadStateDict: state "${key}" of parameter ${id} has ${v.size} elements, the parameter has ${p.size}`);
          }
          copy[key] = v instanceof Tensor ? v.to(p.dtype).clone() : v;
        }
        this.state.set(p, copy as S);
      });
    });
  }
}

/** Hyperparameters that are names, not numbers. */
const STRING_HYPERPARAMETERS = new Set(["lineSearchFn"]);

/** A hyperparameter given as a string ("0.1") or NaN would silently compute something else. */
function checkHyperparameters(name: string, hyper: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(hyper)) {
    if (typeof value === "string" && !STRING_HYPERPARAMETERS.has(key)) {
      throw new Error(`${name}: ${key} must be a number, got the string ${JSON.stringify(value)}`);
    }
    if (typeof value === "number" && Number.isNaN(value)) throw new Error(`${name}: ${key} is NaN`);
    if (Array.isArray(value) && value.some((v) => typeof v !== "number" || Number.isNaN(v))) {
      throw new Error(`${name}: ${key} must be a list of numbers, got [${value.map(String).join(", ")}]`);
    }
  }
}

/**
 * `{ ...base, ...options }` once every option is one the optimizer knows (a typo such as `momentun`
 * would otherwise be ignored silently); `extraKeys` are options without a default (e.g. SGD's lr).
 */
export function withDefaults<H extends object>(name: string, base: H, options: object, extraKeys: readonly string[] = []): H {
  if (options === null || typeof options !== "object") throw new Error(`${name}: options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(base, key) && !extraKeys.includes(key)) {
      throw new Error(`${name}: unknown option ${JSON.stringify(key)} (known: ${[...extraKeys, ...Object.keys(base)].join(", ")})`);
    }
  }
  return { ...base, ...options } as H;
}

// Probabilistic programming in Pyro's shape, small: a model is a plain function that calls `sample`,
// `param`, `plate` and `factor`; effect handlers (`trace`, `replay`, `condition`, `block`) intercept
// those calls. Pyro's design (Bingham et al. 2019, "Pyro: Deep Universal Probabilistic Programming"):
// each call builds a message that every active handler may read or change, innermost first.
import { Tensor } from "../tensor/Tensor.js";
import { Parameter } from "../nn/Parameter.js";
import type { Module } from "../nn/Module.js";
import { Distribution } from "../distributions/Distribution.js";
import * as C from "../distributions/constraints.js";
import { randperm } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import type { Generator } from "../random/Generator.js";
import { fmtShape } from "../tensor/shape.js";
import { transformTo, type ParamTransform } from "./constraints.js";

/** One plate a site sits in: its name, full size, the subsample it draws and the batch dim it owns. */
export interface PlateFrame {
  name: string;
  size: number;
  subsampleSize: number;
  dim: number;
}

/** What a `sample`/`param`/`factor` call passes through the handler stack. */
export interface Message {
  type: "sample" | "param";
  name: string;
  /** The distribution of a sample site (for `factor`, a stand-in whose logProb is the factor). */
  fn: Distribution | null;
  /** The value: set by the site (observed), by a handler (replay, condition) or drawn at the end. */
  value: Tensor | undefined;
  isObserved: boolean;
  /** Multiplies the site's log-probability (plates with subsampling scale by size / subsampleSize). */
  scale: number;
  /** The plates around the site, innermost first. */
  plates: PlateFrame[];
  /** A handler may stop the message before outer handlers see it (`block`). */
  stop: boolean;
  /** The random stream the value is drawn from (set by `seed`/SVI; default the global one). */
  generator: Generator | undefined;
  /** Whether the drawn value came from `rsample` (its gradient flows to the guide's parameters). */
  reparameterized: boolean;
}

/** An effect handler: `process` sees a message before the value is drawn, `postprocess` after. */
export interface Handler {
  process?(msg: Message): void;
  postprocess?(msg: Message): void;
}

const stack: Handler[] = [];
const plates: PlateFrame[] = [];

/** Runs `fn` with `handler` active (innermost); removes it even when `fn` throws. */
export function withHandler<T>(handler: Handler, fn: () => T): T {
  stack.push(handler);
  try {
    return fn();
  } finally {
    const i = stack.lastIndexOf(handler);
    if (i >= 0) stack.splice(i, 1);
  }
}

function apply(msg: Message): Message {
  let pointer = stack.length - 1;
  for (; pointer >= 0; pointer--) {
    stack[pointer]!.process?.(msg);
    if (msg.stop) break;
  }
  if (msg.value === undefined) {
    if (msg.type !== "sample" || msg.fn === null) throw new Error(`ppl: site "${msg.name}" has no value`);
    const d = msg.fn, opts = { generator: msg.generator };
    msg.reparameterized = d.hasRsample;
    msg.value = d.hasRsample ? d.rsample([], opts) : d.sample([], opts);
  }
  for (let i = Math.max(pointer, 0); i < stack.length; i++) stack[i]!.postprocess?.(msg);
  return msg;
}

function checkName(op: string, name: unknown): string {
  if (typeof name !== "string" || name.length === 0) throw new Error(`${op}: the site name must be a non-empty string, got ${String(name)}`);
  return name;
}

/** Checks a sample site's batch shape against the plates around it: each plate owns one batch dim. */
function checkPlates(name: string, d: Distribution): void {
  for (const frame of plates) {
    const size = d.batchShape.length + frame.dim >= 0 ? d.batchShape[d.batchShape.length + frame.dim] : undefined;
    if (size !== undefined && size !== frame.subsampleSize && size !== 1) {
      throw new Error(
        `ppl.sample("${name}"): batch shape ${fmtShape(d.batchShape)} has size ${size} at dim ${frame.dim}, which plate "${frame.name}" owns with size ${frame.subsampleSize}`,
      );
    }
  }
}

/**
 * A random variable named `name` with distribution `fn` (pyro.sample). With `obs` the site is observed:
 * it returns `obs` and contributes log p(obs) to the model's joint. Outside any handler it simply draws.
 */
export function sample(name: string, fn: Distribution, options: { obs?: Tensor } = {}): Tensor {
  checkName("ppl.sample", name);
  if (!(fn instanceof Distribution)) throw new Error(`ppl.sample("${name}"): expected a distribution, got ${fn === null ? "null" : typeof fn}`);
  if (options.obs !== undefined && !(options.obs instanceof Tensor)) throw new Error(`ppl.sample("${name}"): obs must be a Tensor, got ${typeof options.obs}`);
  checkPlates(name, fn);
  if (stack.length === 0) return options.obs ?? (fn.hasRsample ? fn.rsample() : fn.sample());
  const msg: Message = {
    type: "sample", name, fn, value: options.obs, isObserved: options.obs !== undefined,
    scale: plates.reduce((s, p) => s * (p.size / p.subsampleSize), 1), plates: plates.slice().reverse(),
    stop: false, generator: undefined, reparameterized: false,
  };
  return apply(msg).value!;
}

/** A stand-in distribution whose log-probability is a given tensor (for `factor`). */
class Factor extends Distribution {
  constructor(private readonly logFactor: Tensor) {
    super(logFactor.shape, [], { validateArgs: false });
  }
  get name(): string {
    return "Factor";
  }
  get argConstraints(): Record<string, C.Constraint> {
    return {};
  }
  get support(): C.Constraint {
    return C.real;
  }
  logProb(): Tensor {
    return this.logFactor;
  }
}

/** Adds `logFactor` (a tensor, summed) to the model's log joint (pyro.factor): e.g. a marginal likelihood. */
export function factor(name: string, logFactor: Tensor): void {
  checkName("ppl.factor", name);
  if (!(logFactor instanceof Tensor)) throw new Error(`ppl.factor("${name}"): logFactor must be a Tensor, got ${typeof logFactor}`);
  const d = new Factor(logFactor);
  if (stack.length === 0) return;
  const msg: Message = {
    type: "sample", name, fn: d, value: logFactor, isObserved: true,
    scale: plates.reduce((s, p) => s * (p.size / p.subsampleSize), 1), plates: plates.slice().reverse(),
    stop: false, generator: undefined, reparameterized: false,
  };
  apply(msg);
}

/** Options of `plate`. */
export interface PlateOptions {
  /** Draw this many indices without replacement per call; log-probabilities inside are scaled by size / subsampleSize. */
  subsampleSize?: number;
  /** The batch dim the plate owns (negative, from the right); default: one left of the plates around it. */
  dim?: number;
  /** The random stream of the subsample. */
  generator?: Generator;
}

/**
 * Conditional independence over `size` items (pyro.plate, vectorized): `fn(indices)` runs once with the
 * int32 indices of the items it covers (all of them, or a random subsample); sample sites inside must
 * have that many entries at the plate's batch dim.
 */
export function plate<T>(name: string, size: number, fn: (indices: Tensor) => T, options: PlateOptions = {}): T {
  checkName("ppl.plate", name);
  if (!Number.isInteger(size) || size < 1) throw new Error(`ppl.plate("${name}"): size must be a positive integer, got ${size}`);
  const sub = options.subsampleSize ?? size;
  if (!Number.isInteger(sub) || sub < 1 || sub > size) throw new Error(`ppl.plate("${name}"): subsampleSize must be an integer in [1, ${size}], got ${sub}`);
  const dim = options.dim ?? Math.min(-1, ...plates.map((p) => p.dim - 1));
  if (!Number.isInteger(dim) || dim >= 0) throw new Error(`ppl.plate("${name}"): dim must be a negative integer, got ${dim}`);
  const clash = plates.find((p) => p.dim === dim || p.name === name);
  if (clash) throw new Error(`ppl.plate("${name}"): plate "${clash.name}" already uses ${clash.name === name ? "that name" : `dim ${dim}`}`);
  const generator = options.generator ?? currentGenerator();
  const indices = sub === size ? Tensor.fromData(Int32Array.from({ length: size }, (_, i) => i), [size], "int32") : noGrad(() => randperm(size, { generator }).narrow(0, 0, sub).int());
  const frame: PlateFrame = { name, size, subsampleSize: sub, dim };
  plates.push(frame);
  try {
    return fn(indices);
  } finally {
    plates.splice(plates.lastIndexOf(frame), 1);
  }
}

// ---------------------------------------------------------------- parameters

interface StoredParam {
  unconstrained: Parameter;
  transform: ParamTransform;
}

const store = new Map<string, StoredParam>();

/** Options of `param`. */
export interface ParamOptions {
  /** The set the value lives in (default `real`); the optimizer works on an unconstrained tensor mapped onto it. */
  constraint?: C.Constraint;
}

/**
 * A learnable parameter named `name` in the global parameter store (pyro.param): created from `init`
 * (a tensor or a function giving one) the first time, afterwards the stored value. Returns the
 * constrained value, differentiable with respect to the stored unconstrained leaf.
 */
export function param(name: string, init?: Tensor | (() => Tensor), options: ParamOptions = {}): Tensor {
  checkName("ppl.param", name);
  let entry = store.get(name);
  if (entry === undefined) {
    if (init === undefined) throw new Error(`ppl.param("${name}"): no such parameter in the store and no initial value given`);
    const value = typeof init === "function" ? init() : init;
    if (!(value instanceof Tensor)) throw new Error(`ppl.param("${name}"): the initial value must be a Tensor, got ${typeof value}`);
    const transform = transformTo(options.constraint ?? C.real);
    const ok = noGrad(() => transform.constraint.check(value).all());
    if (!ok) throw new Error(`ppl.param("${name}"): the initial value (shape ${fmtShape(value.shape)}) is outside the constraint ${transform.constraint.toString()}`);
    const raw = noGrad(() => transform.inverse(value.detach()).contiguous());
    entry = { unconstrained: new Parameter(raw.clone()), transform };
    store.set(name, entry);
  } else if (options.constraint !== undefined && options.constraint !== entry.transform.constraint) {
    throw new Error(`ppl.param("${name}"): stored with constraint ${entry.transform.constraint.toString()}, asked for ${options.constraint.toString()}`);
  }
  const value = entry.transform.forward(entry.unconstrained);
  if (stack.length > 0) {
    const msg: Message = { type: "param", name, fn: null, value, isObserved: false, scale: 1, plates: [], stop: false, generator: undefined, reparameterized: false };
    apply(msg);
  }
  return value;
}

/** The global parameter store (pyro.get_param_store()): names, constrained values and the leaves the optimizer moves. */
export const paramStore = {
  /** The parameter names, in creation order. */
  keys(): string[] {
    return [...store.keys()];
  },
  /** Whether a parameter of that name exists. */
  has(name: string): boolean {
    return store.has(name);
  },
  /** The constrained value of a parameter (no gradient). */
  get(name: string): Tensor {
    const e = store.get(name);
    if (e === undefined) throw new Error(`ppl.paramStore.get: no parameter named "${name}" (have: ${[...store.keys()].join(", ") || "none"})`);
    return noGrad(() => e.transform.forward(e.unconstrained).detach());
  },
  /** The unconstrained leaf tensor of a parameter (what an optimizer updates). */
  unconstrained(name: string): Parameter {
    const e = store.get(name);
    if (e === undefined) throw new Error(`ppl.paramStore.unconstrained: no parameter named "${name}"`);
    return e.unconstrained;
  },
  /** Empties the store (pyro.clear_param_store()). */
  clear(): void {
    store.clear();
  },
};

/** Empties the global parameter store. */
export function clearParamStore(): void {
  store.clear();
}

/**
 * Registers an `nn.Module`'s parameters as `<name>.<parameter name>` sites (pyro.module), so SVI optimizes
 * them; returns the module.
 */
export function module<M extends Module<any, any>>(name: string, mod: M): M {
  checkName("ppl.module", name);
  for (const [pname, p] of mod.namedParameters()) {
    const key = `${name}.${pname}`;
    const existing = store.get(key);
    if (existing === undefined || existing.unconstrained !== p) store.set(key, { unconstrained: p, transform: transformTo(C.real) });
    if (stack.length > 0) apply({ type: "param", name: key, fn: null, value: p, isObserved: false, scale: 1, plates: [], stop: false, generator: undefined, reparameterized: false });
  }
  return mod;
}

// ---------------------------------------------------------------- handlers

/** One recorded site of a trace. */
export interface Site {
  type: "sample" | "param";
  name: string;
  fn: Distribution | null;
  value: Tensor;
  isObserved: boolean;
  scale: number;
  plates: PlateFrame[];
  reparameterized: boolean;
}

/** The sites a run of a model visited, in order, and what it returned. */
export class Trace<T = unknown> {
  readonly sites = new Map<string, Site>();
  returnValue: T | undefined;

  /** Sample sites (observed or not). */
  sampleSites(): Site[] {
    return [...this.sites.values()].filter((s) => s.type === "sample");
  }

  /** The site's log-probability summed over its entries and scaled by its plates' subsampling. */
  siteLogProb(site: Site): Tensor {
    if (site.fn === null) throw new Error(`Trace.siteLogProb: "${site.name}" is a param site`);
    const lp = site.fn.logProb(site.value).sum();
    return site.scale === 1 ? lp : lp.mul(site.scale);
  }

  /** Σ over sample sites of scale · log p(value) (the log joint of a model trace, log q of a guide's). */
  logProbSum(filter: (site: Site) => boolean = () => true): Tensor {
    let total: Tensor | null = null;
    for (const s of this.sampleSites()) {
      if (!filter(s)) continue;
      const lp = this.siteLogProb(s);
      total = total === null ? lp : total.add(lp);
    }
    return total ?? Tensor.fromData(new Float64Array(1), [], "float64");
  }
}

/** Runs `fn(...args)` and records every site it visits (poutine.trace). */
export function trace<A extends unknown[], T>(fn: (...args: A) => T, ...args: A): Trace<T> {
  const tr = new Trace<T>();
  tr.returnValue = withHandler(
    {
      postprocess(msg) {
        if (tr.sites.has(msg.name) && msg.type === "sample") throw new Error(`ppl.trace: the sample site "${msg.name}" occurs twice in one run; site names must be unique`);
        tr.sites.set(msg.name, {
          type: msg.type, name: msg.name, fn: msg.fn, value: msg.value!, isObserved: msg.isObserved, scale: msg.scale, plates: msg.plates, reparameterized: msg.reparameterized,
        });
      },
    },
    () => fn(...args),
  );
  return tr;
}

/** Runs `fn` with its unobserved sample sites taking the values recorded in `guideTrace` (poutine.replay). */
export function replay<T>(fn: () => T, guideTrace: Trace): T {
  return withHandler(
    {
      process(msg) {
        if (msg.type !== "sample" || msg.isObserved) return;
        const site = guideTrace.sites.get(msg.name);
        if (site !== undefined && site.type === "sample") {
          msg.value = site.value;
          msg.reparameterized = site.reparameterized;
        }
      },
    },
    fn,
  );
}

/** Runs `fn` with the named sample sites observed at the given values (poutine.condition). */
export function condition<T>(fn: () => T, data: Record<string, Tensor>): T {
  return withHandler(
    {
      process(msg) {
        if (msg.type === "sample" && Object.prototype.hasOwnProperty.call(data, msg.name)) {
          msg.value = data[msg.name];
          msg.isObserved = true;
        }
      },
    },
    fn,
  );
}

/** Runs `fn` with its sites hidden from the handlers outside (poutine.block); `hide` picks sites (default all). */
export function block<T>(fn: () => T, hide: (msg: Message) => boolean = () => true): T {
  return withHandler(
    {
      process(msg) {
        if (hide(msg)) msg.stop = true;
      },
    },
    fn,
  );
}

let generatorStack: (Generator | undefined)[] = [];
function currentGenerator(): Generator | undefined {
  return generatorStack.at(-1);
}

/** Runs `fn` with every sample site (and plate subsample) drawing from `generator`: same generator state, same run. */
export function seed<T>(fn: () => T, generator: Generator): T {
  generatorStack.push(generator);
  try {
    return withHandler(
      {
        process(msg) {
          if (msg.generator === undefined) msg.generator = generator;
        },
      },
      fn,
    );
  } finally {
    generatorStack = generatorStack.slice(0, -1);
  }
}

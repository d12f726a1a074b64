// The base of every distribution: batch and event shapes, argument validation, and the sampling contract.
import { Tensor } from "../tensor/Tensor.js";
import { noGrad } from "../autograd/engine.js";
import { fmtShape } from "../tensor/shape.js";
import { checkShape, describe } from "../tensor/validate.js";
import { defaultGenerator, type Generator } from "../random/Generator.js";
import { sqrt, exp } from "../ops/elementwise.js";
import type { Constraint } from "./constraints.js";

/**
 * Options every distribution's constructor takes: whether to validate parameters and values (PyTorch's
 * `validate_args`).
 */
export interface DistributionOptions {
  /**
   * Check parameters against `argConstraints` on construction and values against `support` in
   * `logProb` (default: on, see `Distribution.setDefaultValidateArgs`).
   */
  validateArgs?: boolean;
}

/** Options of `sample` and `rsample`: the random generator to draw from. */
export interface SampleOptions {
  /** The random stream to draw from (default: the global one, seeded by `ds.manualSeed`). */
  generator?: Generator;
}

let defaultValidateArgs = true;

/**
 * A probability distribution over tensors, with PyTorch's shapes: a sample has shape
 * `[...sampleShape, ...batchShape, ...eventShape]`; `logProb` reduces over the event dims only.
 * Every distribution states its `support`, its `argConstraints` and whether it `hasRsample`.
 */
export abstract class Distribution {
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly validateArgs: boolean;

  /** Turns parameter and value validation on or off for distributions created afterwards (on by default). */
  static setDefaultValidateArgs(value: boolean): void {
    if (typeof value !== "boolean") throw new Error(`Distribution.setDefaultValidateArgs: expected a boolean, got ${describe(value)}`);
    defaultValidateArgs = value;
  }

  constructor(batchShape: readonly number[], eventShape: readonly number[], options: DistributionOptions = {}) {
    if (options.validateArgs !== undefined && typeof options.validateArgs !== "boolean") {
      throw new Error(`${(this as Distribution).name}: validateArgs must be a boolean, got ${describe(options.validateArgs)}`);
    }
    this.batchShape = [...batchShape];
    this.eventShape = [...eventShape];
    this.validateArgs = options.validateArgs ?? defaultValidateArgs;
  }

  /** The distribution's name, for messages (explicit: minifiers rename classes). */
  abstract get name(): string;
  /** The constraint each parameter must satisfy. */
  abstract get argConstraints(): Record<string, Constraint>;
  /** The set of values with positive density (or mass). */
  abstract get support(): Constraint;
  /** Whether `rsample` gives samples differentiable with respect to the parameters. */
  get hasRsample(): boolean {
    return false;
  }

  get mean(): Tensor {
    throw this.notImplemented("mean");
  }
  get mode(): Tensor {
    throw this.notImplemented("mode");
  }
  get variance(): Tensor {
    throw this.notImplemented("variance");
  }
  get stddev(): Tensor {
    return sqrt(this.variance);
  }

  /** Draws samples of shape `[...sampleShape, ...batchShape, ...eventShape]`, without gradient. */
  sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    if (!this.hasRsample) throw this.notImplemented("sample");
    this.extendedShape("sample", sampleShape);
    return noGrad(() => this.rsample(sampleShape, options));
  }

  /** Reparameterized samples: differentiable with respect to the parameters (where `hasRsample`). */
  rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    void sampleShape;
    void options;
    throw new Error(`${this.name}.rsample: ${this.name} has no reparameterized sampler (hasRsample is false); use sample(), which carries no gradient`);
  }

  /** Log density (or log mass) of `value`, reduced over the event dims. */
  abstract logProb(value: Tensor): Tensor;

  cdf(value: Tensor): Tensor {
    void value;
    throw this.notImplemented("cdf");
  }
  entropy(): Tensor {
    throw this.notImplemented("entropy");
  }
  /** exp(entropy). */
  perplexity(): Tensor {
    return exp(this.entropy());
  }

  toString(): string {
    const params = Object.keys(this.argConstraints)
      .map((k) => [k, (this as unknown as Record<string, unknown>)[k]] as const)
      .filter(([, v]) => v instanceof Tensor)
      .map(([k, v]) => `${k}: ${(v as Tensor).size === 1 ? String((v as Tensor).item()) : fmtShape((v as Tensor).shape)}`);
    return `${this.name}(${params.join(", ")})`;
  }

  // ---- for subclasses ---------------------------------------------------------------------------

  /** `[...sampleShape, ...batchShape, ...eventShape]`, with sampleShape validated. */
  protected extendedShape(op: string, sampleShape: readonly number[]): number[] {
    const s = checkShape(`${this.name}.${op}`, sampleShape, { what: "sampleShape" });
    return [...s, ...this.batchShape, ...this.eventShape];
  }

  protected generatorOf(options: SampleOptions): Generator {
    return options.generator ?? defaultGenerator;
  }

  /** Checks each parameter against its constraint (when validateArgs is on). */
  protected checkParameters(params: Record<string, Tensor>): void {
    if (!this.validateArgs) return;
    const constraints = this.argConstraints;
    for (const [name, value] of Object.entries(params)) {
      const constraint = constraints[name];
      if (!constraint) continue;
      const bad = firstInvalid(constraint, value);
      if (bad) {
        throw new Error(`${this.name}: parameter ${name} (shape ${fmtShape(value.shape)}) must satisfy the constraint ${constraint}, but ${bad}`);
      }
    }
  }

  /**
   * Checks a value passed to logProb/cdf: a tensor whose rightmost dims equal the event shape, which
   * broadcasts with batchShape + eventShape, and lies in the support (when validateArgs is on).
   */
  protected validateSample(op: string, value: Tensor): void {
    const where = `${this.name}.${op}`;
    if (!(value instanceof Tensor)) throw new Error(`${where}: value must be a Tensor, got ${describe(value)}`);
    if (!this.validateArgs) return;
    const ev = this.eventShape.length;
    const tail = value.shape.slice(value.ndim - ev);
    if (value.ndim < ev || tail.some((s, i) => s !== this.eventShape[i])) {
      throw new Error(`${where}: the rightmost dims of value ${fmtShape(value.shape)} must equal the event shape ${fmtShape(this.eventShape)}`);
    }
    const expected = [...this.batchShape, ...this.eventShape];
    for (let i = 1; i <= Math.min(value.ndim, expected.length); i++) {
      const a = value.shape[value.ndim - i]!, b = expected[expected.length - i]!;
      if (a !== 1 && b !== 1 && a !== b) {
        throw new Error(`${where}: value ${fmtShape(value.shape)} does not broadcast with batchShape + eventShape ${fmtShape(expected)}`);
      }
    }
    const bad = firstInvalid(this.support, value);
    if (bad) throw new Error(`${where}: value (shape ${fmtShape(value.shape)}) must lie in the support ${this.support}, but ${bad}`);
  }

  protected notImplemented(what: string): Error {
    return new Error(`${this.name}.${what} is not implemented`);
  }
}

/** A sentence naming the first element (or event) outside `constraint`, or null when all are inside. */
function firstInvalid(constraint: Constraint, value: Tensor): string | null {
  const ok = constraint.check(value).dataSync();
  const at = ok.findIndex((v) => v === 0);
  if (at < 0) return null;
  const outer = value.shape.slice(0, value.ndim - constraint.eventDim);
  const index: number[] = [];
  let rest = at;
  for (let d = outer.length - 1; d >= 0; d--) {
    index.unshift(rest % outer[d]!);
    rest = Math.floor(rest / outer[d]!);
  }
  const values = value.dataSync();
  const eventSize = value.shape.slice(outer.length).reduce((a, b) => a * b, 1);
  const show = (v: number): string => String(value.dtype === "float32" ? shortestFloat32(v) : v);
  const shown = Array.from(values.subarray(at * eventSize, Math.min((at + 1) * eventSize, at * eventSize + 8)) as ArrayLike<number>, show);
  const text = eventSize === 1 ? shown[0]! : `[${shown.join(", ")}${eventSize > 8 ? ", ..." : ""}]`;
  let count = 0;
  for (let i = 0; i < ok.length; i++) if (ok[i] === 0) count++;
  const where = index.length > 0 ? ` at index [${index.join(", ")}]` : "";
  return `found ${count === 1 ? "an invalid value" : `${count} invalid values, the first`} ${text}${where}`;
}

/** The shortest decimal that rounds to the same float32 (0.1, not 0.10000000149011612). */
function shortestFloat32(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p < 9; p++) {
    const d = parseFloat(v.toPrecision(p));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

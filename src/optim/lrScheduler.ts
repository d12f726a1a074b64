// Learning-rate schedules: pure `(step) => lr` functions, and scheduler classes that write an
// optimizer's group learning rates (PyTorch's torch.optim.lr_scheduler, in closed form).
import type { Optimizer } from "./Optimizer.js";

/** A learning rate as a function of the step (or epoch) count t = 0, 1, …. */
export type Schedule = (step: number) => number;

// ---- schedules as functions --------------------------------------------------------------------

/** Inverse-time decay α_t = α₀/(1 + βt) (Robbins–Monro-style; Σα = ∞, Σα² < ∞ for βt ≫ 1). */
export const inverseTimeDecay = (lr0: number, beta: number): Schedule => (t) => lr0 / (1 + beta * t);

/** Exponential decay α_t = α₀γᵗ. */
export const exponentialDecay = (lr0: number, gamma: number): Schedule => (t) => lr0 * Math.pow(gamma, t);

/** Exponential decay in continuous form α_t = α₀e^(−βt). */
export const naturalExpDecay = (lr0: number, beta: number): Schedule => (t) => lr0 * Math.exp(-beta * t);

/** Step decay α_t = α₀γ^⌊t/stepSize⌋. */
export const stepDecay = (lr0: number, stepSize: number, gamma = 0.1): Schedule => (t) => lr0 * Math.pow(gamma, Math.floor(t / stepSize));

/** Piecewise constant: multiplied by γ at each milestone reached (t ≥ milestone). */
export const multiStepDecay = (lr0: number, milestones: readonly number[], gamma = 0.1): Schedule => (t) =>
  lr0 * Math.pow(gamma, milestones.filter((m) => m <= t).length);

/** Cosine annealing (Loshchilov & Hutter 2017, arXiv:1608.03983): η_min + ½(α₀ − η_min)(1 + cos(πt/T)). */
export const cosineAnnealing = (lr0: number, tMax: number, etaMin = 0): Schedule => (t) =>
  etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;

/** Linear ramp of the factor from `startFactor` to `endFactor` over `totalIters` steps, then flat. */
export const linearFactor = (startFactor: number, endFactor: number, totalIters: number): Schedule => (t) =>
  startFactor + ((endFactor - startFactor) * Math.min(t, totalIters)) / totalIters;

/**
 * Linear warmup in front of another schedule: schedule(0)·(t + 1)/warmupSteps for t < warmupSteps
 * (reaching schedule(0) at the end of warmup), then schedule(t − warmupSteps).
 */
export const withLinearWarmup = (schedule: Schedule, warmupSteps: number): Schedule => (t) =>
  t < warmupSteps ? (schedule(0) * (t + 1)) / warmupSteps : schedule(t - warmupSteps);

// ---- scheduler classes -------------------------------------------------------------------------

interface HasLr {
  lr: number;
}

/**
 * Base of the epoch/step schedulers (usable directly with any `lrAt`): each group's lr is `lrAt(t, baseLr)`. As in PyTorch, construction
 * sets t = 0 (and the groups' lr to lrAt(0)); each `step()` advances t by one.
 */
export class LRScheduler {
  readonly baseLrs: number[];
  lastEpoch = 0;
  private lastLrs: number[];
  /** `lrAt(t, baseLr)`: the learning rate at step t for a group whose initial lr was `baseLr`. */
  constructor(readonly optimizer: Optimizer<HasLr, object>, private readonly lrAt: (t: number, baseLr: number) => number) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
    this.lastLrs = this.apply();
  }
  private apply(): number[] {
    const lrs = this.baseLrs.map((b) => this.lrAt(this.lastEpoch, b));
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
    return lrs;
  }
  /** Advances one step (call after `optimizer.step()`). */
  step(): void {
    this.lastEpoch++;
    this.lastLrs = this.apply();
  }
  /** The learning rates set by the last step, one per group. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }
  stateDict(): { lastEpoch: number; baseLrs: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }
  loadStateDict(state: { lastEpoch: number; baseLrs: number[] }): void {
    this.lastEpoch = state.lastEpoch;
    state.baseLrs.forEach((b, i) => (this.baseLrs[i] = b));
    this.lastLrs = this.apply();
  }
}

/** lr = baseLr·λ(t) (PyTorch's LambdaLR). */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: Optimizer<HasLr, object>, lrLambda: (t: number) => number) {
    super(optimizer, (t, baseLr) => baseLr * lrLambda(t));
  }
}

/** lr = schedule(t), the same for every group (a `Schedule` function driving an optimizer). */
export class ScheduleLR extends LRScheduler {
  constructor(optimizer: Optimizer<HasLr, object>, schedule: Schedule) {
    super(optimizer, (t) => schedule(t));
  }
}

/** lr = baseLr·γ^⌊t/stepSize⌋. */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer<HasLr, object>, options: { stepSize: number; gamma?: number }) {
    super(optimizer, (t, baseLr) => stepDecay(baseLr, options.stepSize, options.gamma ?? 0.1)(t));
  }
}

/** lr = baseLr·γ^(number of milestones ≤ t). */
export class MultiStepLR extends LRScheduler {
  constructor(optimizer: Optimizer<HasLr, object>, options: { milestones: readonly number[]; gamma?: number }) {
    super(optimizer, (t, baseLr) => multiStepDecay(baseLr, options.milestones, options.gamma ?? 0.1)(t));
  }
}

/** lr = baseLr·γᵗ. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer<HasLr, object>, options: { gamma: number }) {
    super(optimizer, (t, baseLr) => exponentialDecay(baseLr, options.gamma)(t));
  }
}

/** lr = baseLr/(1 + βt). */
export class InverseTimeLR extends LRScheduler {
  constructor(optimizer: Optimizer<HasLr, object>, options: { beta: number }) {
    super(optimizer, (t, baseLr) => inverseTimeDecay(baseLr, options.beta)(t));
  }
}

/** lr = η_min + ½(baseLr − η_min)(1 + cos(πt/T_max)) (the closed form of PyTorch's CosineAnnealingLR). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer<HasLr, object>, options: { tMax: number; etaMin?: number }) {
    super(optimizer, (t, baseLr) => cosineAnnealing(baseLr, options.tMax, options.etaMin ?? 0)(t));
  }
}

/**
 * lr = baseLr·(start + (end − start)·min(t, totalIters)/totalIters) (PyTorch's LinearLR; the usual
 * linear warmup with startFactor < 1, endFactor 1). Defaults 1/3 → 1 over 5 steps.
 */
export class LinearLR extends LRScheduler {
  constructor(optimizer: Optimizer<HasLr, object>, o: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    const factor = linearFactor(o.startFactor ?? 1 / 3, o.endFactor ?? 1, o.totalIters ?? 5);
    super(optimizer, (t, baseLr) => baseLr * factor(t));
  }
}

/**
 * Options of {@link ReduceLROnPlateau} (PyTorch's keyword arguments in camelCase): whether lower or higher is
 * better, the reduction factor, patience, threshold, cooldown and the minimum learning rate.
 */
export interface ReduceLROnPlateauOptions {
  /** "min": lower metric is better (a loss); "max": higher is better (an accuracy). */
  mode?: "min" | "max";
  /** lr ← max(lr·factor, minLr) on a plateau; default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing; default 10. */
  patience?: number;
  /** Minimal improvement that counts; default 1e-4. */
  threshold?: number;
  /** "rel": better than best·(1 ∓ threshold); "abs": better than best ∓ threshold. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again; default 0. */
  cooldown?: number;
  /** Lower bound on each group's lr (one number, or one per group); default 0. */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped; default 1e-8. */
  eps?: number;
}

/**
 * Reduces the learning rate when a metric stops improving (PyTorch's ReduceLROnPlateau, same rules):
 * after more than `patience` epochs without improvement, every group's lr is multiplied by `factor`
 * (bounded by `minLr`), then `cooldown` epochs pass before bad epochs are counted again.
 */
export class ReduceLROnPlateau {
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private readonly o: Required<Omit<ReduceLROnPlateauOptions, "minLr">>;
  private readonly minLrs: number[];
  constructor(readonly optimizer: Optimizer<HasLr, object>, options: ReduceLROnPlateauOptions = {}) {
    this.o = {
      mode: options.mode ?? "min", factor: options.factor ?? 0.1, patience: options.patience ?? 10, threshold: options.threshold ?? 1e-4,
      thresholdMode: options.thresholdMode ?? "rel", cooldown: options.cooldown ?? 0, eps: options.eps ?? 1e-8,
    };
    if (!(this.o.factor < 1)) throw new Error(`ReduceLROnPlateau: factor should be < 1, got ${this.o.factor}`);
    const n = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr !== "number" && minLr.length !== n) {
      throw new Error(`ReduceLROnPlateau: expected ${n} minLr values (one per group), got ${minLr.length}`);
    }
    this.minLrs = typeof minLr === "number" ? new Array<number>(n).fill(minLr) : [...minLr];
    this.best = this.o.mode === "min" ? Infinity : -Infinity;
  }
  private isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.o;
    if (mode === "min") return thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === "rel" ? a > best * (threshold + 1) : a > best + threshold;
  }
  /** Reports the epoch's metric; may reduce the learning rates. */
  step(metric: number): void {
    this.lastEpoch++;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.o.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.o.factor, this.minLrs[i]!);
        if (g.lr - newLr > this.o.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.o.cooldown;
      this.numBadEpochs = 0;
    }
  }
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

// The shapes fit() needs from a model and an optimizer (nn.Module and optim.Optimizer satisfy them).
import type { Tensor } from "../tensor/Tensor.js";

/** What the training loop needs from a model; every `nn.Module<[Tensor], Tensor>` has it. */
export interface TrainableModel {
  forward(input: Tensor): Tensor;
  train(mode?: boolean): unknown;
  eval(): unknown;
  readonly training: boolean;
  parameters(): Iterable<Tensor>;
  stateDict(): Record<string, Tensor>;
  loadStateDict(stateDict: Record<string, Tensor>): unknown;
}

/** What the training loop needs from an optimizer; every `optim.Optimizer` has it. */
export interface TrainableOptimizer {
  zeroGrad(): void;
  step(): unknown;
  /** Hyper-parameter groups; schedulers read and write `lr`. */
  readonly paramGroups: { lr: number }[];
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** Numbers logged at the end of an epoch: `loss`, metrics, `valLoss`, `val<Metric>`, `lr`, `seconds`. */
export type EpochLogs = Record<string, number>;

/** The learning rate of the first parameter group. */
export function currentLr(optimizer: TrainableOptimizer): number {
  return optimizer.paramGroups[0]?.lr ?? Number.NaN;
}

/** Sets every parameter group's learning rate. */
export function setLr(optimizer: TrainableOptimizer, lr: number): void {
  if (!(lr >= 0)) throw new Error(`setLr: learning rate must be ≥ 0, got ${lr}`);
  for (const g of optimizer.paramGroups) g.lr = lr;
}

/** "min" for losses and errors, "max" for accuracy-like names — Keras' `mode="auto"`. */
export function autoMode(monitor: string): "min" | "max" {
  return /acc|f1|precision|recall|auc|reward|return/i.test(monitor) ? "max" : "min";
}

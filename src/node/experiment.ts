// Run-folder plumbing shared by the training experiments: progress + metrics.jsonl callbacks, curve plots, model files.
import { join } from "node:path";
import type { Callback } from "../train/Callback.js";
import type { History } from "../train/fit.js";
import { JsonlLogger } from "../train/loggers.js";
import { TensorBoard } from "../train/TensorBoard.js";
import { linePlot, panel, type Series } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { fileSink } from "./fs.js";
import { ProgressBar } from "./ProgressBar.js";

/** Where `deepscript run --tensorboard` sends TensorBoard logs while an experiment runs, and how many fits used it. */
let tensorBoard: { dir: string; fits: number } | null = null;

/**
 * Runs `fn` with TensorBoard logging on: every runCallbacks() call in it adds a TensorBoard callback
 * writing under `dir` (`<dir>/<variant>` for an experiment's variants, named after their metrics file).
 * Returns `fn`'s result and the number of training runs that logged.
 */
export async function withTensorBoard<T>(dir: string, fn: () => Promise<T>): Promise<{ result: T; fits: number }> {
  const previous = tensorBoard;
  const state = { dir, fits: 0 };
  tensorBoard = state;
  try {
    return { result: await fn(), fits: state.fits };
  } finally {
    tensorBoard = previous;
  }
}

/**
 * Progress lines through `log` and one JSON line per epoch in `<outDir>/metrics.jsonl` (plus
 * TensorBoard logs inside withTensorBoard); `append` keeps the lines already there (a resumed run).
 */
export function runCallbacks(outDir: string, log: (line: string) => void, options: { file?: string; progress?: boolean; append?: boolean } = {}): Callback[] {
  const file = options.file ?? "metrics.jsonl";
  const callbacks: Callback[] = [new JsonlLogger(fileSink(join(outDir, file), { truncate: !options.append }))];
  if (options.progress ?? true) callbacks.push(new ProgressBar({ log }));
  if (tensorBoard) {
    // metrics-adam.jsonl → <dir>/adam; metrics.jsonl → <dir>
    const variant = file.replace(/\.jsonl$/, "").replace(/^metrics-?/, "");
    callbacks.push(new TensorBoard({ logDir: variant ? join(tensorBoard.dir, variant) : tensorBoard.dir }));
    tensorBoard.fits++;
  }
  return callbacks;
}

/**
 * Saves `<outDir>/<name>.svg`: loss curves (train, val) and, when logged, accuracy curves, side by
 * side, against the epoch number (1-based).
 */
export function plotHistory(outDir: string, history: History, options: { name?: string; title?: string } = {}): string {
  const epochs = history.epochs.map((l) => (l.epoch ?? 0) + 1);
  const curves = (names: [string, string][]): Series[] =>
    names.filter(([key]) => history.series[key] !== undefined).map(([key, label]) => ({ name: label, x: epochs, y: history.series[key]! }));
  const plots = [linePlot({ title: "loss", xLabel: "epoch", yLabel: "loss", series: curves([["loss", "train"], ["valLoss", "validation"]]) })];
  const acc = curves([["accuracy", "train"], ["valAccuracy", "validation"]]);
  if (acc.length > 0) plots.push(linePlot({ title: "accuracy", xLabel: "epoch", yLabel: "accuracy", series: acc }));
  return savePlot(join(outDir, `${options.name ?? "curves"}.svg`), panel(plots, { title: options.title }));
}

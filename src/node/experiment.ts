// Run-folder plumbing shared by the training experiments: progress + metrics.jsonl callbacks, curve plots, model files.
import { join } from "node:path";
import type { Callback } from "../train/Callback.js";
import type { History } from "../train/fit.js";
import { JsonlLogger } from "../train/loggers.js";
import { linePlot, panel, type Series } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { fileSink } from "./fs.js";
import { ProgressBar } from "./ProgressBar.js";

/** Progress lines through `log` and one JSON line per epoch in `<outDir>/metrics.jsonl`. */
export function runCallbacks(outDir: string, log: (line: string) => void, options: { file?: string; progress?: boolean } = {}): Callback[] {
  const callbacks: Callback[] = [new JsonlLogger(fileSink(join(outDir, options.file ?? "metrics.jsonl")))];
  if (options.progress ?? true) callbacks.push(new ProgressBar({ log }));
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

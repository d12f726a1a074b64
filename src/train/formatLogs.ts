// One line of epoch logs, as the progress bar and the experiments print them.
import type { EpochLogs } from "./types.js";

/** "loss 0.1234 · accuracy 0.9710 · valLoss ..." with 4 significant decimals; `epoch`, `seconds` left out. */
export function formatLogs(logs: EpochLogs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== "epoch" && k !== "seconds")
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)}`)
    .join(" · ");
}

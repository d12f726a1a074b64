// Epoch loggers writing JSON lines or CSV rows to a line sink (a file in Node via node/fs.fileSink, anything in a browser).
import type { Callback } from "./Callback.js";
import type { EpochLogs } from "./types.js";

/** Receives one line of text (without the trailing newline). */
export type LineSink = (line: string) => void;

/** Writes each epoch's logs as one JSON object per line (JSONL). */
export class JsonlLogger implements Callback {
  constructor(private readonly write: LineSink) {}
  onEpochEnd(epoch: number, logs: EpochLogs): void {
    this.write(JSON.stringify({ ...logs, epoch }));
  }
}

function csvField(v: number | string | undefined): string {
  if (v === undefined) return "";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Writes a header (the names logged at the first epoch, `epoch` first) and one row per epoch
 * (Keras' CSVLogger); names that appear later are left out, names missing later are empty.
 */
export class CsvLogger implements Callback {
  private columns: string[] | null = null;
  constructor(private readonly write: LineSink) {}
  onEpochEnd(epoch: number, logs: EpochLogs): void {
    if (!this.columns) {
      this.columns = ["epoch", ...Object.keys(logs).filter((k) => k !== "epoch")];
      this.write(this.columns.map(csvField).join(","));
    }
    const row: Record<string, number> = { ...logs, epoch };
    this.write(this.columns.map((c) => csvField(row[c])).join(","));
  }
}

/** Calls `fn` with each epoch's logs (a lambda callback). */
export class LambdaCallback implements Callback {
  constructor(private readonly fn: (epoch: number, logs: EpochLogs) => void) {
    if (typeof fn !== "function") {
      throw new Error("LambdaCallback: takes one function (epoch, logs) => void, e.g. new train.LambdaCallback((epoch, logs) => console.log(epoch, logs)); for other hooks, pass an object with onEpochEnd, onBatchEnd, … to fit's callbacks directly");
    }
  }
  onEpochEnd(epoch: number, logs: EpochLogs): void {
    this.fn(epoch, logs);
  }
}

// Terminal progress for fit(): a live bar (cli-progress) with ETA, loss and metrics on a TTY, plain epoch lines otherwise.
import { createRequire } from "node:module";
import type * as CliProgress from "cli-progress";
import type { Callback, TrainContext, BatchLogs } from "../train/Callback.js";
import type { EpochLogs } from "../train/types.js";
import { formatLogs } from "../train/formatLogs.js";

export { formatLogs };

/**
 * What the live bar draws on: process.stderr, or any object with what cli-progress uses of a terminal
 * (declared here, not as NodeJS.WriteStream, so the declarations need no Node types).
 */
export interface TerminalStream {
  readonly isTTY?: boolean;
  /** Width in characters (default 80 on a TTY). */
  readonly columns?: number;
  write(text: string, callback?: () => void): boolean;
}

let cliProgress: typeof CliProgress | null = null;

/** cli-progress, loaded on the first live bar: importing deepscript stays fast for programs that never draw one. */
function loadCliProgress(): typeof CliProgress {
  if (cliProgress === null) {
    const loaded: typeof CliProgress = createRequire(import.meta.url)("cli-progress");
    cliProgress = loaded;
  }
  return cliProgress;
}

/**
 * Options of {@link ProgressBar}: where plain lines go, the stream the live bar draws on, and whether to
 * force plain lines.
 */
export interface ProgressBarOptions {
  /** Where plain lines go when the stream is not a TTY (default console.log). */
  log?: (line: string) => void;
  /** The stream the live bar draws on (default process.stderr). */
  stream?: TerminalStream;
  /** Force plain lines (true) or the live bar (false); default: live bar only on a TTY. */
  plain?: boolean;
}

/**
 * Shows training progress. On a TTY, a bar per epoch with ETA and the running mean loss; elsewhere
 * (CI, pipes, files) one line per epoch, so logs stay readable.
 */
export class ProgressBar implements Callback {
  private bar: CliProgress.SingleBar | null = null;
  private readonly plain: boolean;
  private readonly log: (line: string) => void;
  private readonly stream: TerminalStream;
  private lossSum = 0;
  private samples = 0;

  constructor(options: ProgressBarOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.plain = options.plain ?? !this.stream.isTTY;
    this.log = options.log ?? ((line) => console.log(line));
  }

  onEpochBegin(epoch: number, ctx: TrainContext): void {
    this.lossSum = 0;
    this.samples = 0;
    if (this.plain || ctx.stepsPerEpoch === undefined) return;
    const cli = loadCliProgress();
    this.bar = new cli.SingleBar(
      {
        format: `epoch ${epoch + 1}/${ctx.epochs} {bar} {value}/{total} | ETA {eta_formatted} | loss {loss}`,
        // cli-progress's types ask for a whole Node stream; it only writes, and reads isTTY and columns (lib/terminal.js).
        stream: this.stream as NodeJS.WritableStream,
        hideCursor: true,
        clearOnComplete: true,
      },
      cli.Presets.shades_classic,
    );
    this.bar.start(ctx.stepsPerEpoch, 0, { loss: "—" });
  }

  onBatchEnd(batch: number, logs: BatchLogs): void {
    this.lossSum += logs.loss * logs.size;
    this.samples += logs.size;
    this.bar?.update(batch + 1, { loss: (this.lossSum / this.samples).toFixed(4) });
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    this.bar?.stop();
    this.bar = null;
    const seconds = logs.seconds !== undefined ? ` (${logs.seconds.toFixed(1)} s)` : "";
    this.log(`epoch ${epoch + 1}/${ctx.epochs}${seconds}: ${formatLogs(logs)}`);
  }

  onTrainEnd(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

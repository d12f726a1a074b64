// SummaryWriter: torch.utils.tensorboard's writer of TensorBoard event files (Node; files through host.ts).
import type { Tensor } from "../tensor/Tensor.js";
import { encodeEvent, type Event, type Summary } from "./events.js";
import type { Bins } from "./histogram.js";
import { requireHost } from "./host.js";
import type { NodeHost } from "./nodeFile.js";
import { frameRecord } from "./records.js";
import { histogram, hparams, image, scalar, scalarValue, text, toHwcImage, type HParamValue } from "./summary.js";
import "../tensor/disposable.js"; // Symbol.dispose in the declarations, for consumers whose lib lacks it

/**
 * Options of {@link SummaryWriter} (torch.utils.tensorboard's arguments in camelCase): the folder-name
 * comment, the purge step, queue size and flush interval, the file-name suffix and the clock.
 */
export interface SummaryWriterOptions {
  /** Appended to the default log folder name (ignored when a folder is given). */
  comment?: string;
  /** After a crash at step T+X, restart at step T: TensorBoard hides the events from step T on. */
  purgeStep?: number;
  /** Events held in memory before an add call writes them out (default 10). */
  maxQueue?: number;
  /** Pending events are also written every this many seconds (default 120). */
  flushSecs?: number;
  /** Appended to every event file name. */
  filenameSuffix?: string;
  /** Seconds since the Unix epoch used for default wall times and file names (default the system clock). */
  clock?: () => number;
}

/**
 * Options of {@link SummaryWriter.addHistogram}: the bucketing, the maximum number of buckets and the wall
 * time.
 */
export interface HistogramAddOptions {
  /** Bucketing (default "tensorflow", torch's default): see `Bins`. */
  bins?: Bins;
  /** torch's `max_bins`: merge groups of neighbouring buckets when there are more. */
  maxBins?: number;
  walltime?: number;
}

/** Options of {@link SummaryWriter.addImage}: the order of the image's dimensions and the wall time. */
export interface ImageAddOptions {
  /** Order of the image's dimensions (default "CHW"; also "HWC", "HW", ...). */
  dataformats?: string;
  walltime?: number;
}

/**
 * Options of {@link SummaryWriter.addHparams}: the discrete domain of each hyperparameter, the run's
 * sub-folder name and the global step.
 */
export interface HparamsAddOptions {
  /** For each hyper-parameter, every value it can take (shown as a discrete domain). */
  hparamDomainDiscrete?: Record<string, HParamValue[]>;
  /** Sub-folder of this writer's folder for the session (default: the current time in seconds). */
  runName?: string;
  globalStep?: number;
}

/** Numbers the event-file name carries after its time and host: torch's process-wide uid. */
let nextUid = 0;
/** Writers with events still in memory, written out when the process exits. */
const openWriters = new Set<EventFileWriter>();
let exitHookInstalled = false;

/** One event file: created at once with its file_version record, then events queued and appended. */
class EventFileWriter {
  readonly path: string;
  private fd: number | null;
  private queue: Uint8Array[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private failure: unknown = null;

  constructor(
    readonly logDir: string,
    private readonly host: NodeHost,
    private readonly options: Required<Pick<SummaryWriterOptions, "maxQueue" | "flushSecs" | "filenameSuffix" | "clock">>,
  ) {
    host.makeDirs(logDir);
    const seconds = String(Math.floor(options.clock())).padStart(10, "0");
    this.path = host.join(logDir, `events.out.tfevents.${seconds}.${host.hostname()}.${host.pid()}.${nextUid++}${options.filenameSuffix}`);
    this.fd = host.create(this.path);
    this.add({ wallTime: options.clock(), step: 0, fileVersion: "brain.Event:2", sourceMetadata: { writer: "deepscript" } });
    this.flush();
    openWriters.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      host.onExit(() => { for (const w of openWriters) w.flushQuietly(); });
    }
    if (options.flushSecs > 0 && Number.isFinite(options.flushSecs)) {
      this.timer = setInterval(() => this.flushQuietly(), options.flushSecs * 1000);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  get closed(): boolean {
    return this.fd === null;
  }

  add(event: Event): void {
    if (this.failure) throw this.failure;
    this.queue.push(frameRecord(encodeEvent(event)));
    if (this.queue.length >= this.options.maxQueue) this.flush();
  }

  flush(): void {
    if (this.failure) throw this.failure;
    if (this.fd === null || this.queue.length === 0) return;
    const total = this.queue.reduce((n, r) => n + r.length, 0);
    const bytes = new Uint8Array(total);
    let pos = 0;
    for (const r of this.queue) { bytes.set(r, pos); pos += r.length; }
    this.queue = [];
    this.host.write(this.fd, bytes);
  }

  /** A flush from the timer or at exit: an error is kept and thrown by the next call instead. */
  private flushQuietly(): void {
    try {
      this.flush();
    } catch (e) {
      this.failure = e;
    }
  }

  close(): void {
    if (this.fd === null) return;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    try {
      this.flush();
    } finally {
      this.host.close(this.fd);
      this.fd = null;
      openWriters.delete(this);
    }
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** torch's default log folder: runs/<Mon DD_HH-MM-SS>_<host><comment>, in local time. */
function defaultLogDir(host: NodeHost, seconds: number, comment: string): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `${MONTHS[d.getMonth()]}${two(d.getDate())}_${two(d.getHours())}-${two(d.getMinutes())}-${two(d.getSeconds())}`;
  return host.join("runs", `${stamp}_${host.hostname()}${comment}`);
}

function checkTag(op: string, tag: unknown): string {
  if (typeof tag !== "string" || tag.length === 0) throw new Error(`${op}: tag must be a non-empty string, got ${JSON.stringify(tag)}`);
  return tag;
}

function checkStep(op: string, step: unknown): number {
  if (step === undefined) return 0;
  if (typeof step !== "number" || !Number.isSafeInteger(step)) throw new Error(`${op}: globalStep must be an integer, got ${String(step)}`);
  return step;
}

function checkWalltime(op: string, walltime: unknown, clock: () => number): number {
  if (walltime === undefined) return clock();
  if (typeof walltime !== "number" || !Number.isFinite(walltime)) throw new Error(`${op}: walltime must be a finite number of seconds, got ${String(walltime)}`);
  return walltime;
}

/**
 * Writes TensorBoard event files, as torch.utils.tensorboard.SummaryWriter: one file per writer in
 * `logDir` (`events.out.tfevents.<time>.<host>.<pid>.<n>`), records queued and appended in order.
 * Node only (the browser has no file system; see `encodeEvent`/`frameRecord` there).
 *
 * ```ts
 * const writer = new tensorboard.SummaryWriter("runs/exp1");
 * for (let step = 0; step < 100; step++) writer.addScalar("loss", 1 / (step + 1), step);
 * writer.addHistogram("weights", model.fc.weight, 99);
 * writer.close();   // then: tensorboard --logdir runs
 * ```
 */
export class SummaryWriter {
  readonly logDir: string;
  private readonly host: NodeHost;
  private readonly fileOptions: Required<Pick<SummaryWriterOptions, "maxQueue" | "flushSecs" | "filenameSuffix" | "clock">>;
  private readonly fileWriter: EventFileWriter;
  /** Every file writer by folder: this writer's own and those addScalars opens per series. */
  private readonly allWriters = new Map<string, EventFileWriter>();
  private closed = false;

  constructor(logDir?: string, options: SummaryWriterOptions = {}) {
    if (logDir !== undefined && (typeof logDir !== "string" || logDir.length === 0)) throw new Error(`SummaryWriter: logDir must be a non-empty string, got ${JSON.stringify(logDir)}`);
    if (options === null || typeof options !== "object") throw new Error(`SummaryWriter: options must be an object, got ${typeof options}`);
    this.host = requireHost("SummaryWriter");
    const maxQueue = options.maxQueue ?? 10;
    if (!Number.isSafeInteger(maxQueue) || maxQueue < 1) throw new Error(`SummaryWriter: maxQueue must be a positive integer, got ${maxQueue}`);
    const flushSecs = options.flushSecs ?? 120;
    if (!(flushSecs > 0)) throw new Error(`SummaryWriter: flushSecs must be a positive number, got ${flushSecs}`);
    const clock = options.clock ?? (() => Date.now() / 1000);
    this.fileOptions = { maxQueue, flushSecs, filenameSuffix: options.filenameSuffix ?? "", clock };
    this.logDir = logDir ?? defaultLogDir(this.host, clock(), options.comment ?? "");
    this.fileWriter = new EventFileWriter(this.logDir, this.host, this.fileOptions);
    this.allWriters.set(this.logDir, this.fileWriter);
    if (options.purgeStep !== undefined) {
      const step = checkStep("SummaryWriter", options.purgeStep);
      // torch: a second file_version event, then SessionLog START (Event field 7, status 1), both at purgeStep.
      this.fileWriter.add({ wallTime: clock(), step, fileVersion: "brain.Event:2" });
      this.fileWriter.add({ wallTime: clock(), step, sessionLog: { status: 1 } });
    }
  }

  getLogdir(): string {
    return this.logDir;
  }

  /** The path of this writer's event file. */
  get filePath(): string {
    return this.fileWriter.path;
  }

  private writer(op: string): EventFileWriter {
    if (this.closed) throw new Error(`${op}: this SummaryWriter is closed`);
    return this.fileWriter;
  }

  private addSummary(op: string, target: EventFileWriter, summary: Summary, globalStep: number | undefined, walltime: number | undefined): void {
    target.add({ wallTime: checkWalltime(op, walltime, this.fileOptions.clock), step: checkStep(op, globalStep), summary });
  }

  /** One point of the series `tag`: stored as float32 (`simple_value`), as torch does by default. */
  addScalar(tag: string, scalarValue_: number | Tensor, globalStep?: number, walltime?: number): void {
    const w = this.writer("addScalar");
    this.addSummary("addScalar", w, scalar(checkTag("addScalar", tag), scalarValue("addScalar", scalarValue_)), globalStep, walltime);
  }

  /**
   * Several series in one chart: each key goes to its own run folder `<logDir>/<mainTag>_<key>`
   * (slashes in mainTag become underscores) under the tag `mainTag`, as torch's add_scalars.
   */
  addScalars(mainTag: string, tagScalarDict: Record<string, number | Tensor>, globalStep?: number, walltime?: number): void {
    this.writer("addScalars");
    checkTag("addScalars", mainTag);
    if (tagScalarDict === null || typeof tagScalarDict !== "object") throw new Error(`addScalars: tagScalarDict must be an object of name → number, got ${typeof tagScalarDict}`);
    const time = checkWalltime("addScalars", walltime, this.fileOptions.clock);
    for (const [tag, value] of Object.entries(tagScalarDict)) {
      const dir = `${this.logDir}/${mainTag.replaceAll("/", "_")}_${tag}`;
      let fw = this.allWriters.get(dir);
      if (!fw) {
        fw = new EventFileWriter(dir, this.host, this.fileOptions);
        this.allWriters.set(dir, fw);
      }
      this.addSummary("addScalars", fw, scalar(mainTag, scalarValue("addScalars", value)), globalStep, time);
    }
  }

  /**
   * A histogram of `values` (any shape), bucketed as torch's add_histogram: by default TensorFlow's
   * exponential buckets, or `bins` as numpy.histogram takes it.
   */
  addHistogram(tag: string, values: Tensor | ArrayLike<number>, globalStep?: number, options: HistogramAddOptions = {}): void {
    const w = this.writer("addHistogram");
    const summary = histogram(checkTag("addHistogram", tag), values, { bins: options.bins, maxBins: options.maxBins });
    this.addSummary("addHistogram", w, summary, globalStep, options.walltime);
  }

  /**
   * An image from a tensor laid out as `dataformats` (default "CHW"): floats in [0, 1] (scaled by 255,
   * clipped and truncated, as torch), or int32 values 0…255. One channel is shown as gray RGB. Stored as PNG.
   */
  addImage(tag: string, imgTensor: Tensor, globalStep?: number, options: ImageAddOptions = {}): void {
    const w = this.writer("addImage");
    const summary = image(checkTag("addImage", tag), toHwcImage(imgTensor, options.dataformats ?? "CHW"), this.host.deflate);
    this.addSummary("addImage", w, summary, globalStep, options.walltime);
  }

  /** Text (Markdown) shown by TensorBoard's text plugin under `<tag>/text_summary`. */
  addText(tag: string, textString: string, globalStep?: number, walltime?: number): void {
    const w = this.writer("addText");
    if (typeof textString !== "string") throw new Error(`addText: textString must be a string, got ${typeof textString}`);
    this.addSummary("addText", w, text(checkTag("addText", tag), textString), globalStep, walltime);
  }

  /**
   * One session of the hparams plugin, as torch's add_hparams: a new event file in
   * `<logDir>/<runName>` holding the experiment, session start and end summaries and each metric as
   * a scalar (so the metric tags should not clash with this writer's own scalars).
   */
  addHparams(hparamDict: Record<string, HParamValue | null | undefined>, metricDict: Record<string, number>, options: HparamsAddOptions = {}): void {
    this.writer("addHparams");
    const [experiment, start, end] = hparams(hparamDict, metricDict, options.hparamDomainDiscrete);
    const runName = options.runName || String(this.fileOptions.clock());
    const sub = new SummaryWriter(this.host.join(this.logDir, runName), this.fileOptions);
    try {
      for (const s of [experiment, start, end]) sub.addSummary("addHparams", sub.fileWriter, s, options.globalStep, undefined);
      for (const [k, v] of Object.entries(metricDict)) sub.addScalar(k, v, options.globalStep);
    } finally {
      sub.close();
    }
  }

  /** Writes every pending event to disk. */
  flush(): void {
    if (this.closed) return;
    for (const w of this.allWriters.values()) w.flush();
  }

  /** Flushes and closes every file; later add calls are errors. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    let failure: unknown = null;
    for (const w of this.allWriters.values()) {
      try {
        w.close();
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure) throw failure;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

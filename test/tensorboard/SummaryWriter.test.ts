import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import { readEvents } from "../../src/tensorboard/readEvents.js";
import { SummaryWriter } from "../../src/tensorboard/SummaryWriter.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "ds-tb-writer-"));
const clock = () => 1700000000.25;

afterEach(() => {
  vi.useRealTimers();
});

describe("SummaryWriter", () => {
  it("creates events.out.tfevents.<time>.<host>.<pid>.<n><suffix> at once, holding the file_version record", () => {
    const dir = join(tempDir(), "run");
    const w = new SummaryWriter(dir, { clock, filenameSuffix: ".v1" });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^events\\.out\\.tfevents\\.1700000000\\.${hostname().replace(/\./g, "\\.")}\\.${process.pid}\\.\\d+\\.v1$`));
    expect(w.filePath).toBe(join(dir, files[0]!));
    expect(readEvents(w.filePath)).toEqual([{ wallTime: 1700000000.25, step: 0, fileVersion: "brain.Event:2", sourceMetadata: { writer: "deepscript" } }]);
    w.close();
  });

  it("queues events until maxQueue of them are pending, flush() or close()", () => {
    const w = new SummaryWriter(tempDir(), { clock, maxQueue: 3 });
    const count = () => readEvents(w.filePath).length;
    w.addScalar("a", 1, 0);
    w.addScalar("a", 2, 1);
    expect(count()).toBe(1);
    w.addScalar("a", 3, 2);
    expect(count()).toBe(4);
    w.addScalar("a", 4, 3);
    expect(count()).toBe(4);
    w.flush();
    expect(count()).toBe(5);
    w.addText("t", "x", 4);
    w.close();
    expect(count()).toBe(6);
    expect(readEvents(w.filePath).slice(1).map((e) => [e.step, e.summary!.value[0]!.tag])).toEqual([[0, "a"], [1, "a"], [2, "a"], [3, "a"], [4, "t/text_summary"]]);
    expect(() => w.addScalar("a", 5, 5)).toThrow("addScalar: this SummaryWriter is closed");
    expect(() => w.close()).not.toThrow();
  });

  it("writes pending events every flushSecs", () => {
    vi.useFakeTimers();
    const w = new SummaryWriter(tempDir(), { clock, flushSecs: 2 });
    w.addScalar("a", 1, 0);
    vi.advanceTimersByTime(1999);
    expect(readEvents(w.filePath)).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(readEvents(w.filePath)).toHaveLength(2);
    w.close();
  });

  it("writes what is still queued when the process exits", () => {
    const dir = tempDir();
    execFileSync(join(process.cwd(), "node_modules", ".bin", "tsx"), [join(import.meta.dirname, "exitWorker.ts"), dir], { stdio: "pipe" });
    const [file] = readdirSync(dir);
    const events = readEvents(join(dir, file!));
    expect(events.slice(1).map((e) => [e.step, e.summary!.value[0]!.simpleValue])).toEqual([[0, 1], [1, 0.5], [2, Math.fround(1 / 3)]]);
  });

  it("records a purge step as torch does: file_version and SessionLog START at that step", () => {
    const w = new SummaryWriter(tempDir(), { clock, purgeStep: 42 });
    w.close();
    expect(readEvents(w.filePath).slice(1)).toEqual([
      { wallTime: 1700000000.25, step: 42, fileVersion: "brain.Event:2" },
      { wallTime: 1700000000.25, step: 42, sessionLog: { status: 1 } },
    ]);
  });

  it("defaults to runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>, as torch", () => {
    const w = new SummaryWriter(undefined, { comment: "_lr0.1" });
    try {
      expect(w.logDir).toMatch(new RegExp(`^runs[/\\\\](Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\\d{2}_\\d{2}-\\d{2}-\\d{2}_${hostname().replace(/\./g, "\\.")}_lr0\\.1$`));
      expect(existsSync(w.filePath)).toBe(true);
    } finally {
      w.close();
      rmSync(w.logDir, { recursive: true, force: true });
    }
  });

  it("takes scalars from one-element tensors, walltime overrides, and writes addScalars series to their own runs", () => {
    const dir = tempDir();
    const w = new SummaryWriter(dir, { clock });
    w.addScalar("x", tensor([[2.5]]), 3, 12.5);
    w.addScalars("group/a", { sin: 0.5, cos: tensor(0.25) }, 7);
    w.close();
    expect(readEvents(w.filePath)[1]).toEqual({ wallTime: 12.5, step: 3, summary: { value: [{ tag: "x", simpleValue: 2.5 }] } });
    for (const [run, value] of [["group_a_sin", 0.5], ["group_a_cos", 0.25]] as const) {
      const [file] = readdirSync(join(dir, run)).filter((f) => f.startsWith("events"));
      expect(readEvents(join(dir, run, file!))[1]).toEqual({ wallTime: 1700000000.25, step: 7, summary: { value: [{ tag: "group/a", simpleValue: value }] } });
    }
  });

  it("puts an hparams session in <logDir>/<runName>, the current time by default", () => {
    const dir = tempDir();
    const w = new SummaryWriter(dir, { clock });
    w.addHparams({ lr: 0.1 }, { "hp/acc": 0.5 });
    w.close();
    const run = join(dir, "1700000000.25");
    const [file] = readdirSync(run);
    const events = readEvents(join(run, file!));
    expect(events.slice(1).map((e) => e.summary!.value[0]!.tag)).toEqual(["_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info", "hp/acc"]);
    expect(events[4]!.summary!.value[0]!.simpleValue).toBe(0.5);
  });

  it("closes when disposed (using)", () => {
    let path: string;
    {
      using w = new SummaryWriter(tempDir(), { clock });
      w.addScalar("a", 1);
      path = w.filePath;
    }
    expect(readEvents(path)).toHaveLength(2);
  });

  it("rejects bad arguments with sentences naming the call", () => {
    const w = new SummaryWriter(tempDir(), { clock });
    expect(() => w.addScalar("", 1)).toThrow('addScalar: tag must be a non-empty string, got ""');
    expect(() => w.addScalar("a", 1, 1.5)).toThrow("addScalar: globalStep must be an integer, got 1.5");
    expect(() => w.addScalar("a", 1, 0, Number.NaN)).toThrow("addScalar: walltime must be a finite number of seconds, got NaN");
    expect(() => w.addScalar("a", tensor([1, 2]))).toThrow("addScalar: a scalar tensor must have one element, got shape [2]");
    expect(() => w.addScalar("a", "1" as never)).toThrow("addScalar: expected a number or a one-element Tensor, got string");
    expect(() => w.addHistogram("h", [])).toThrow("addHistogram: values are empty");
    expect(() => w.addImage("i", tensor([[[0.5]]]), 0, { dataformats: "NCHW" })).toThrow('addImage: dataformats must order H, W and optionally C (like "CHW", "HWC" or "HW"), got "NCHW"; a batch (NCHW) is not supported');
    expect(() => w.addImage("i", tensor([[0.5]]), 0)).toThrow('addImage: dataformats "CHW" needs a 3-d tensor, got shape [1, 1]');
    expect(() => w.addImage("i", tensor([[[0.5]], [[0.5]]]))).toThrow("addImage: an image needs 1, 3 or 4 channels, got 2");
    expect(() => w.addImage("i", tensor([[300]], { dtype: "int32" }), 0, { dataformats: "HW" })).toThrow("addImage: an int32 image must hold values in 0…255 (deepscript's stand-in for uint8), but pixel (0, 0) channel 0 is 300");
    expect(() => w.addImage("i", tensor([[Number.NaN]]), 0, { dataformats: "HW" })).toThrow("addImage: pixel (0, 0) channel 0 is NaN");
    expect(() => w.addText("t", 5 as never)).toThrow("addText: textString must be a string, got number");
    expect(() => w.addHparams({ lr: [1] as never }, {})).toThrow('addHparams: hparamDict["lr"] must be a number, string or boolean, got object');
    expect(() => w.addHparams({ lr: 0.1 }, {}, { hparamDomainDiscrete: { lr: ["a"] } })).toThrow('addHparams: hparamDomainDiscrete["lr"] must be an array of values of the same type as hparamDict["lr"] (number)');
    expect(() => new SummaryWriter(tempDir(), { maxQueue: 0 })).toThrow("SummaryWriter: maxQueue must be a positive integer, got 0");
    w.close();
  });
});

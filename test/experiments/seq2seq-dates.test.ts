// seq2seq-dates: the date generator (formats, weekdays, ISO targets, held-out split), and a small-budget run
// that learns (loss well below uniform guessing), writes its files and is deterministic for a seed.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import "../../src/backend/init.js";
import { Generator } from "../../src/random/Generator.js";
import { findExperiment } from "../../src/experiments/index.js";
import { DATE_FORMATS, dateFromDayNumber, generateDates, isoDate, runSeq2SeqDates, splitDays, weekday } from "../../src/experiments/seq2seq-dates.js";

const run = (seed: number, budget: Parameters<typeof runSeq2SeqDates>[1], epochs: number) => {
  const outDir = mkdtempSync(join(tmpdir(), "ds-s2s-dates-"));
  return { outDir, result: runSeq2SeqDates({ seed, outDir, log: () => {}, epochs, lr: 0.01 }, budget) };
};

describe("seq2seq-dates data", () => {
  it("is registered in the sequences chapter", () => {
    const e = findExperiment("seq2seq-dates");
    expect(e.chapter).toBe("sequences");
    expect(Object.keys(e.options)).toEqual(expect.arrayContaining(["epochs", "lr", "trainSize"]));
  });

  it("weekdays: known dates, and agreement with Date over 1950–2049", () => {
    // 12 March 1999 was a Friday, 1 January 2000 a Saturday, 20 July 1969 a Sunday, 11 September 2001 a Tuesday
    expect(weekday({ year: 1999, month: 3, day: 12 })).toBe(5);
    expect(weekday({ year: 2000, month: 1, day: 1 })).toBe(6);
    expect(weekday({ year: 1969, month: 7, day: 20 })).toBe(0);
    expect(weekday({ year: 2001, month: 9, day: 11 })).toBe(2);
    for (let days = Date.UTC(1950, 0, 1) / 864e5; days <= Date.UTC(2049, 11, 31) / 864e5; days += 37) {
      expect(weekday(dateFromDayNumber(days))).toBe(new Date(days * 864e5).getUTCDay());
    }
  });

  it("renders 12 March 1999 in the issue's formats, with ISO target 1999-03-12", () => {
    const d = { year: 1999, month: 3, day: 12 };
    const all = DATE_FORMATS.map((f) => f(d));
    for (const s of ["12 March 1999", "3/12/99", "Friday, March 12, 1999", "1999 Mar 12", "12.03.1999"]) expect(all).toContain(s);
    expect(isoDate(d)).toBe("1999-03-12");
    expect(isoDate({ year: 2005, month: 11, day: 3 })).toBe("2005-11-03");
  });

  it("every generated source names its target's day, month and weekday; test dates are never training dates", () => {
    const g = new Generator(1);
    const split = splitDays(200, g);
    const train = new Set(split.train);
    expect(split.test.some((d) => train.has(d))).toBe(false);
    expect(split.test.length + split.train.length).toBe(36524 + 1);
    for (const p of generateDates(300, split.test, g)) {
      const [y, m, d] = p.target.split("-").map(Number) as [number, number, number];
      expect(p.source).toMatch(new RegExp(`\\b0?${d}\\b`));
      expect(p.source).toMatch(new RegExp(`${y}|\\b${String(y % 100).padStart(2, "0")}\\b`));
      const wd = /(sun|mon|tue|wed|thu|fri|sat)/i.exec(p.source);
      if (wd) expect(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].indexOf(wd[1]!.toLowerCase())).toBe(new Date(Date.UTC(y, m - 1, d)).getUTCDay());
    }
  });
});

describe("seq2seq-dates run", () => {
  it("learns on a small budget (loss well below uniform guessing over 14 symbols) and writes its files", () => {
    const { outDir, result } = run(0, { trainSize: 640, testSize: 32, hidden: 32, beamWidth: 2 }, 2);
    const history = JSON.parse(readFileSync(join(outDir, "history.json"), "utf8")) as { trainLoss: number }[];
    expect(history).toHaveLength(20);
    expect(history[0]!.trainLoss).toBeGreaterThan(Math.log(14) - 0.2);
    expect(result.testLoss as number).toBeLessThan(Math.log(14) - 0.6);
    expect(result.charAccuracyGreedy as number).toBeGreaterThan(0.2); // uniform guessing over 11 characters gets 0.09
    for (const key of ["exactMatchGreedy", "exactMatchBeam"]) expect(result[key]).toBeGreaterThanOrEqual(0);
    const svg = readFileSync(join(outDir, "attention.svg"), "utf8");
    expect(svg.match(/<rect/g)!.length).toBeGreaterThan(3 * 11 * 6);
    expect(readFileSync(join(outDir, "loss.svg"), "utf8")).toMatch(/^<svg/);
    expect(readFileSync(join(outDir, "samples.txt"), "utf8").split("\n").length).toBeGreaterThan(30);
  }, 300_000);

  it("is deterministic for a seed", () => {
    const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "seconds"));
    const a = run(5, { trainSize: 64, testSize: 8, hidden: 16 }, 1), b = run(5, { trainSize: 64, testSize: 8, hidden: 16 }, 1);
    expect(strip(a.result)).toEqual(strip(b.result));
    expect(readFileSync(join(a.outDir, "samples.txt"), "utf8")).toBe(readFileSync(join(b.outDir, "samples.txt"), "utf8"));
  }, 120_000);
});

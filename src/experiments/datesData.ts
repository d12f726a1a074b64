// The dates task shared by seq2seq-dates and transformer-dates: seeded human-written dates ("Friday, March 12,
// 1999", "3/12/99", "12.03.1999", ...) paired with their ISO 8601 form ("1999-03-12"), a held-out split by day,
// the two character vocabularies, and batching into padded int32 tensors.
import type { Tensor } from "../tensor/Tensor.js";
import { tensor } from "../ops/creation.js";
import type { Generator } from "../random/Generator.js";
import { heatmap, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
/** First and last day of the generated dates (two-digit years are unambiguous: 50–99 → 19xx, 00–49 → 20xx). */
const FIRST_DAY = Date.UTC(1950, 0, 1) / 86_400_000, LAST_DAY = Date.UTC(2049, 11, 31) / 86_400_000;

/** A calendar date. */
export interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

/** The date `days` days after 1970-01-01 (proleptic Gregorian, UTC). */
export function dateFromDayNumber(days: number): CalendarDate {
  const d = new Date(days * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The weekday of a date, 0 = Sunday … 6 = Saturday (Zeller's congruence). */
export function weekday({ year, month, day }: CalendarDate): number {
  const m = month < 3 ? month + 12 : month, y = month < 3 ? year - 1 : year;
  const K = y % 100, J = Math.floor(y / 100);
  const h = (day + Math.floor((13 * (m + 1)) / 5) + K + Math.floor(K / 4) + Math.floor(J / 4) + 5 * J) % 7; // 0 = Saturday
  return (h + 6) % 7;
}

/** "1999-03-12". */
export function isoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");
const yy = (y: number): string => pad2(y % 100);
const mon = (m: number): string => MONTHS[m - 1]!.slice(0, 3);

/** The human formats, each a function of the date: day-month order is fixed per format (slashes are US month/day, dots day.month). */
export const DATE_FORMATS: readonly ((d: CalendarDate) => string)[] = [
  (d) => `${d.day} ${MONTHS[d.month - 1]} ${d.year}`, // 12 March 1999
  (d) => `${d.month}/${d.day}/${yy(d.year)}`, // 3/12/99
  (d) => `${WEEKDAYS[weekday(d)]}, ${MONTHS[d.month - 1]} ${d.day}, ${d.year}`, // Friday, March 12, 1999
  (d) => `${d.year} ${mon(d.month)} ${d.day}`, // 1999 Mar 12
  (d) => `${pad2(d.day)}.${pad2(d.month)}.${d.year}`, // 12.03.1999
  (d) => `${MONTHS[d.month - 1]} ${d.day}, ${d.year}`, // March 12, 1999
  (d) => `${pad2(d.day)}-${mon(d.month)}-${yy(d.year)}`, // 12-Mar-99
  (d) => `${d.year}/${pad2(d.month)}/${pad2(d.day)}`, // 1999/03/12
  (d) => `${WEEKDAYS[weekday(d)]!.slice(0, 3).toLowerCase()} ${d.day} ${MONTHS[d.month - 1]!.toLowerCase()} ${d.year}`, // fri 12 march 1999
  (d) => `${MONTHS[d.month - 1]!.toUpperCase()} ${d.day} ${d.year}`, // MARCH 12 1999
  (d) => `${pad2(d.month)}/${pad2(d.day)}/${d.year}`, // 03/12/1999
  (d) => `${d.day}.${d.month}.${yy(d.year)}`, // 12.3.99
];

/** One example: the human-written source and its ISO target. */
export interface DatePair {
  source: string;
  target: string;
}

/**
 * `n` seeded examples on dates from `days` (day numbers, drawn uniformly with replacement), each in a
 * uniformly drawn format of {@link DATE_FORMATS}.
 */
export function generateDates(n: number, days: readonly number[], g: Generator): DatePair[] {
  return Array.from({ length: n }, () => {
    const date = dateFromDayNumber(days[g.randint(0, days.length)]!);
    return { source: DATE_FORMATS[g.randint(0, DATE_FORMATS.length)]!(date), target: isoDate(date) };
  });
}

/**
 * The held-out split: a seeded permutation of every day 1950-01-01 … 2049-12-31; the first `testDays`
 * are test dates, the rest training dates (no date appears in both, whatever its format).
 */
export function splitDays(testDays: number, g: Generator): { train: number[]; test: number[] } {
  const perm = g.permutation(LAST_DAY - FIRST_DAY + 1).map((i) => i + FIRST_DAY);
  return { test: perm.slice(0, testDays), train: perm.slice(testDays) };
}

/** Token ids shared by both vocabularies: padding, start of target, end of target. */
export const PAD = 0, BOS = 1, EOS = 2;
/** The source characters (ids 3…); every character any format can write. */
export const SRC_CHARS = [...new Set(" ,./-0123456789" + MONTHS.join("") + MONTHS.join("").toUpperCase() + MONTHS.join("").toLowerCase() + WEEKDAYS.join("") + WEEKDAYS.join("").toLowerCase())].sort();
/** The target characters (ids 3…): digits and the hyphen. */
export const TGT_CHARS = [..."0123456789-"];
const srcIndex = new Map(SRC_CHARS.map((c, i) => [c, i + 3]));
const tgtIndex = new Map(TGT_CHARS.map((c, i) => [c, i + 3]));

/**
 * Sources padded (with PAD) to the longest (B, S) int32 with their lengths; targets (11 tokens) as decoder inputs
 * (BOS + chars) and outputs (chars + EOS).
 */
export function batchTensors(pairs: DatePair[]): { src: Tensor; lengths: number[]; tgtIn: Tensor; tgtOut: Tensor } {
  const S = Math.max(...pairs.map((p) => p.source.length)), T = 11;
  const src = new Int32Array(pairs.length * S), tgtIn = new Int32Array(pairs.length * T), tgtOut = new Int32Array(pairs.length * T);
  pairs.forEach((p, b) => {
    [...p.source].forEach((c, i) => (src[b * S + i] = srcIndex.get(c)!));
    tgtIn[b * T] = BOS;
    [...p.target].forEach((c, i) => {
      tgtIn[b * T + i + 1] = tgtIndex.get(c)!;
      tgtOut[b * T + i] = tgtIndex.get(c)!;
    });
    tgtOut[b * T + T - 1] = EOS;
  });
  return {
    src: tensor(src, { shape: [pairs.length, S], dtype: "int32" }), lengths: pairs.map((p) => p.source.length),
    tgtIn: tensor(tgtIn, { shape: [pairs.length, T], dtype: "int32" }), tgtOut: tensor(tgtOut, { shape: [pairs.length, T], dtype: "int32" }),
  };
}

/** Target tokens back to text (the end token dropped, unknown ids as "?"). */
export const decodeTokens = (tokens: number[]): string => tokens.filter((t) => t !== EOS).map((t) => TGT_CHARS[t - 3] ?? "?").join("");

/** One decoded held-out date and its attention (output characters × input characters) for a heatmap. */
export interface DateAttention {
  source: string;
  output: string;
  attention: number[][];
}

/** Writes one attention heatmap per date side by side (input characters across, output characters down) to `path`. */
export function saveDatesAttention(path: string, shown: readonly DateAttention[], title: string): void {
  savePlot(path, panel(
    shown.map((s) => heatmap({
      values: s.attention,
      title: s.source,
      xTickLabels: [...s.source].map((c) => (c === " " ? "␣" : c)),
      yTickLabels: [...s.output, "⏎"].slice(0, s.attention.length),
      xLabel: "input character",
      yLabel: "output character",
      vmin: 0,
      vmax: 1,
      cellSize: 16,
      colorBar: false,
    })),
    { title },
  ));
}

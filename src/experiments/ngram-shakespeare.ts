// Experiment: character- and word-level n-gram language models on tiny Shakespeare — validation perplexity by order and smoothing.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { NGramLM, type Smoothing } from "../text/NGramLM.js";
import { tinyShakespeare } from "../text/tinyShakespeare.js";
import { linePlot, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/**
 * Word tokens: runs of letters/digits (with inner apostrophes, "o'er", "I'll"), single punctuation
 * marks, and line breaks (so the model predicts the verse layout); other whitespace is dropped.
 */
export const WORD_PATTERN = /[\p{L}\p{M}\p{N}_]+(?:'[\p{L}\p{M}\p{N}_]+)*|[^\p{L}\p{M}\p{N}_\s]|\n/gu;

export const config = {
  charOrders: [1, 2, 3, 4, 5],
  wordOrders: [1, 2, 3],
  smoothings: ["addk", "kn", "mkn"] as Smoothing[],
  /** Candidates for add-k's k, chosen per model on the last 10 % of the training split. */
  kGrid: [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 0.0003],
  /** Kneser–Ney discounts: Ney's estimate per order ("kn") and Chen & Goodman's three per order ("mkn"). */
  discount: "auto",
  sampleChars: 600,
  sampleWords: 150,
};

/** A smaller run (for tests): prefixes of the splits and fewer orders. */
export interface NgramBudget {
  trainChars?: number;
  valChars?: number;
  charOrders?: number[];
  wordOrders?: number[];
}

type Level = "char" | "word";

const tokensOf = (level: Level, text: string): string[] => (level === "char" ? Array.from(text) : (text.match(WORD_PATTERN) ?? []));

/** Words back to text: a space between words, none before punctuation or around line breaks. */
function detokenize(words: string[]): string {
  return words.join(" ").replace(/ ?\n ?/g, "\n").replace(/ ([,.;:!?'])/g, "$1");
}

/**
 * Fits n-gram models (n = 1–5 on characters, 1–3 on words) with add-k, interpolated Kneser–Ney and
 * modified Kneser–Ney on nanoGPT's training split (first 90 %) and reports each one's perplexity on
 * the validation split (last 10 %): per character for characters, per token for words (the vocabulary
 * is the training tokens plus <unk>, the same for every word model). Each text is one continuous
 * sequence (no end token). add-k's k is chosen per model on the last 10 % of the training split.
 * Writes perplexities.json / perplexities.md, perplexity.svg and samples.txt (seeded samples of the
 * best character and word models).
 *
 * Metrics: `valPerplexity` — the best character model's perplexity per character (its logarithm,
 * `valNatsPerChar`, compares with char-lstm's `valLoss`); `valPerplexityWord` — the best word model's,
 * per token; `valPerplexity-<level>-<n>-<smoothing>` for every model (also as one object in
 * perplexities.json). `seed` seeds the samples; `trainChars`/`valChars` (the CLI's --train-chars, --val-chars) cut the splits.
 */
export async function runNgramShakespeare(opts: ExperimentOptions, budget: NgramBudget = {}): Promise<ExperimentResult> {
  const train = (await tinyShakespeare({ split: "train" })).slice(0, budget.trainChars);
  const val = (await tinyShakespeare({ split: "val" })).slice(0, budget.valChars);
  const orders: Record<Level, number[]> = { char: budget.charOrders ?? config.charOrders, word: budget.wordOrders ?? config.wordOrders };
  const perplexity: Record<string, number> = {};
  const chosenK: Record<string, number> = {};
  const best: Record<Level, { name: string; ppl: number; model: NGramLM } | null> = { char: null, word: null };
  for (const level of ["char", "word"] as const) {
    const trainTokens = tokensOf(level, train);
    const valTokens = tokensOf(level, val);
    const cut = Math.floor(trainTokens.length * 0.9);
    const tuneTrain = [trainTokens.slice(0, cut)];
    const dev = [trainTokens.slice(cut)];
    opts.log(`${level}: ${trainTokens.length} training tokens, ${valTokens.length} validation tokens`);
    for (const n of orders[level]) {
      for (const smoothing of config.smoothings) {
        const name = `${level}-${n}-${smoothing}`;
        const options = { smoothing, eos: null, ...(smoothing === "addk" ? {} : { discount: "auto" as const }) };
        let k: number | undefined;
        if (smoothing === "addk") {
          const tuning = new NGramLM(n, options).fit(tuneTrain);
          const devPpl = config.kGrid.map((candidate) => {
            tuning.k = candidate;
            return tuning.perplexity(dev);
          });
          k = config.kGrid[devPpl.indexOf(Math.min(...devPpl))]!;
          chosenK[name] = k;
        }
        const model = new NGramLM(n, { ...options, k }).fit([trainTokens]);
        const ppl = model.perplexity([valTokens]);
        perplexity[name] = ppl;
        opts.log(`${name.padEnd(12)} validation perplexity ${ppl.toFixed(3)}${k === undefined ? "" : ` (k = ${k})`}`);
        if (best[level] === null || ppl < best[level]!.ppl) best[level] = { name, ppl, model };
      }
    }
  }

  // Files: the numbers, a table, a plot by order, and samples.
  writeFileSync(join(opts.outDir, "perplexities.json"), JSON.stringify({ valPerplexity: perplexity, addK: chosenK }, null, 1) + "\n");
  const rows = ["| model | validation perplexity | add-k k |", "|---|---:|---:|"];
  for (const [name, ppl] of Object.entries(perplexity)) rows.push(`| ${name} | ${ppl.toFixed(3)} | ${chosenK[name] ?? ""} |`);
  writeFileSync(join(opts.outDir, "perplexities.md"), rows.join("\n") + "\n");
  const plots = (["char", "word"] as const).map((level) =>
    linePlot({
      title: `${level}-level n-grams`,
      xLabel: "n",
      yLabel: `validation perplexity (per ${level === "char" ? "character" : "token"})`,
      logY: true,
      series: config.smoothings.map((s) => ({ name: s, x: orders[level], y: orders[level].map((n) => perplexity[`${level}-${n}-${s}`]!) })),
    }),
  );
  savePlot(join(opts.outDir, "perplexity.svg"), panel(plots, { title: "Tiny Shakespeare: n-gram language models" }));
  const charSample = best.char!.model.generate({ maxTokens: config.sampleChars, seed: opts.seed }).join("");
  const wordSample = detokenize(best.word!.model.generate({ maxTokens: config.sampleWords, seed: opts.seed }));
  writeFileSync(join(opts.outDir, "samples.txt"), `# ${best.char!.name} (seed ${opts.seed})\n${charSample}\n\n# ${best.word!.name} (seed ${opts.seed})\n${wordSample}\n`);

  const metrics: ExperimentResult = {
    valPerplexity: best.char!.ppl,
    bestCharModel: best.char!.name,
    valNatsPerChar: Math.log(best.char!.ppl),
    valBitsPerChar: Math.log2(best.char!.ppl),
    valPerplexityWord: best.word!.ppl,
    bestWordModel: best.word!.name,
  };
  for (const [name, ppl] of Object.entries(perplexity)) metrics[`valPerplexity-${name}`] = ppl;
  return metrics;
}

export const experiment: Experiment = {
  name: "ngram-shakespeare",
  description: "Character (n = 1–5) and word (n = 1–3) n-gram models with add-k and Kneser–Ney on tiny Shakespeare: validation perplexity",
  chapter: "sequences",
  options: {
    trainChars: { description: "fit on the first N characters of the training split (default: all 1,003,854)" },
    valChars: { description: "measure perplexity on the first N characters of the validation split (default: all 111,540)" },
  },
  quick: { trainChars: 20_000, valChars: 2_000 },
  config,
  run: (opts) => runNgramShakespeare(opts, { trainChars: opts.params?.trainChars, valChars: opts.params?.valChars }),
};

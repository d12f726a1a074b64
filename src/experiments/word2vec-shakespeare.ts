// Experiment: word2vec (skip-gram, negative sampling) and fastText embeddings of tiny Shakespeare's words — nearest neighbours, a PCA plot, and analogy accuracy on a corpus with planted analogies.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FastText, plantedAnalogyCorpus, PLANTED_PAIRS, Word2Vec, type WordVectors } from "../text/embeddings.js";
import { tinyShakespeare } from "../text/tinyShakespeare.js";
import { panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** The documented defaults of word2vec-shakespeare (recorded in summary.json). */
export const config = {
  epochs: 5,
  dim: 100,
  window: 5,
  negative: 5,
  minCount: 5,
  /** word2vec's subsampling threshold (fastText uses its own default, 1e-4). */
  sample: 1e-3,
  /** Words whose neighbours are listed; those missing from a small run's vocabulary are skipped. */
  queries: ["king", "queen", "love", "death", "father", "blood", "night", "sword", "rome", "gentle"],
  /** Words that never occur in tiny Shakespeare: fastText builds their vectors from character n-grams. */
  unseen: ["kingliness", "murderously", "sweetnesses", "lovelorn"],
  /** Word groups drawn on the PCA plot. */
  groups: {
    people: ["king", "queen", "lord", "lady", "duke", "father", "mother", "son", "daughter", "brother"],
    body: ["hand", "eye", "eyes", "heart", "head", "face", "blood", "tongue"],
    time: ["day", "night", "hour", "morning", "time", "year", "today", "tomorrow"],
  } as Record<string, string[]>,
  /** The planted-analogy corpus: sentences and the SGNS budget used on it. */
  planted: { sentences: 6000, dim: 16, window: 5, epochs: 3, lr: 0.05, sample: 1e-3 },
  neighbours: 8,
};

const WORD = /[a-z]+(?:'[a-z]+)*/g;

/** Tiny Shakespeare as sentences of lower-cased words: one per line of verse, speaker lines ("KING RICHARD III:") left out. */
export function shakespeareSentences(text: string, maxWords = Infinity): string[][] {
  const sentences: string[][] = [];
  let words = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || /^[^a-z]*[A-Za-z' ]*:\s*$/.test(line)) continue;
    const tokens = line.toLowerCase().match(WORD);
    if (!tokens) continue;
    if (words + tokens.length > maxWords) break;
    sentences.push(tokens);
    words += tokens.length;
  }
  return sentences;
}

const fmt = (model: WordVectors, word: string, k: number): string =>
  model
    .mostSimilar(model.vector(word), k + 1)
    .filter((n) => n.word !== word)
    .slice(0, k)
    .map((n) => `${n.word} (${n.similarity.toFixed(3)})`)
    .join(", ");

/**
 * Trains SGNS (word2vec) and fastText vectors on tiny Shakespeare (all 1,115,394 characters, one sentence per
 * line, lower-cased words, minCount 5), lists the nearest neighbours of a few words (and fastText's for words
 * that never occur) in neighbours.md, draws the vectors of a few word groups on their first two principal
 * components (pca.svg, with the planted country/capital pairs), and measures the top-1 3CosAdd accuracy
 * on the synthetic corpus with 270 planted analogies (`plantedAnalogyCorpus`).
 *
 * Metrics: `analogyAccuracy` (SGNS on the planted corpus), `analogyAccuracyFastText`, `vocabSize`,
 * `trainWords`, `sgnsSeconds`, `fastTextSeconds`. `trainWords` (--train-words) cuts the corpus, `dim` sets the
 * size, `plantedSentences` the planted corpus's length.
 */
export async function runWord2VecShakespeare(opts: ExperimentOptions): Promise<ExperimentResult> {
  const epochs = opts.epochs ?? config.epochs;
  const dim = opts.params?.dim ?? config.dim;
  const sentences = shakespeareSentences(await tinyShakespeare(), opts.params?.trainWords ?? Infinity);
  const trainWords = sentences.reduce((n, s) => n + s.length, 0);
  const common = { dim, window: config.window, negative: config.negative, minCount: config.minCount, epochs, seed: opts.seed };
  opts.log(`${sentences.length} lines, ${trainWords} words`);
  let t0 = Date.now();
  const sgns = Word2Vec.train(sentences, { ...common, sample: config.sample });
  const sgnsSeconds = (Date.now() - t0) / 1000;
  opts.log(`SGNS: ${sgns.words.length} words × ${dim}, ${sgnsSeconds.toFixed(1)} s`);
  t0 = Date.now();
  const fasttext = FastText.train(sentences, common);
  const fastTextSeconds = (Date.now() - t0) / 1000;
  opts.log(`fastText: ${fastTextSeconds.toFixed(1)} s`);

  const k = config.neighbours;
  const queries = config.queries.filter((w) => sgns.has(w));
  const md = [`# Nearest neighbours (cosine), tiny Shakespeare, ${trainWords} words, dim ${dim}, ${epochs} epochs, seed ${opts.seed}`, ""];
  md.push("| word | SGNS | fastText |", "|---|---|---|");
  for (const w of queries) {
    const line = `| ${w} | ${fmt(sgns, w, k)} | ${fmt(fasttext, w, k)} |`;
    md.push(line);
    opts.log(`${w}: ${fmt(sgns, w, 5)}`);
  }
  md.push("", "## Words that never occur (fastText, from character n-grams)", "", "| word | fastText |", "|---|---|");
  for (const w of config.unseen.filter((u) => !fasttext.has(u))) {
    md.push(`| ${w} | ${fmt(fasttext, w, k)} |`);
    opts.log(`${w} (unseen): ${fmt(fasttext, w, 5)}`);
  }

  // The planted analogies.
  const planted = plantedAnalogyCorpus({ sentences: opts.params?.plantedSentences ?? config.planted.sentences, seed: opts.seed });
  const budget = { dim: config.planted.dim, window: config.planted.window, epochs: config.planted.epochs, lr: config.planted.lr, sample: config.planted.sample };
  const plantedSgns = Word2Vec.train(planted.sentences, { ...budget, seed: opts.seed });
  const plantedFastText = FastText.train(planted.sentences, { ...budget, seed: opts.seed });
  const analogyAccuracy = plantedSgns.analogyAccuracy(planted.analogies);
  const analogyAccuracyFastText = plantedFastText.analogyAccuracy(planted.analogies);
  opts.log(`planted analogies (${planted.analogies.length}): SGNS ${(100 * analogyAccuracy).toFixed(1)} %, fastText ${(100 * analogyAccuracyFastText).toFixed(1)} %`);
  const [a, b, c] = ["man", "woman", "king"];
  const answer = plantedSgns.analogy(a, b, c, 3).map((n) => `${n.word} (${n.similarity.toFixed(3)})`).join(", ");
  md.push("", `## Planted analogies (synthetic corpus, ${planted.analogies.length} analogies)`, "", `Top-1 3CosAdd accuracy: SGNS ${(100 * analogyAccuracy).toFixed(1)} %, fastText ${(100 * analogyAccuracyFastText).toFixed(1)} %.`, "", `${a} : ${b} :: ${c} : ? → ${answer}`);
  writeFileSync(join(opts.outDir, "neighbours.md"), md.join("\n") + "\n");

  // PCA plots: Shakespeare word groups, and the planted country/capital pairs.
  const groups: Record<string, string[]> = {};
  for (const [name, words] of Object.entries(config.groups)) {
    const present = words.filter((w) => sgns.has(w));
    if (present.length > 0) groups[name] = present;
  }
  if (Object.values(groups).flat().length < 3) groups["most frequent"] = sgns.words.slice(0, 12) as string[];
  const pairs = PLANTED_PAIRS.capital!;
  savePlot(
    join(opts.outDir, "pca.svg"),
    panel(
      [
        sgns.pcaPlot(groups, { title: "SGNS, tiny Shakespeare", legendPosition: "bottom-right" }),
        plantedSgns.pcaPlot({ countries: pairs.map((p) => p[0]), capitals: pairs.map((p) => p[1]) }, { title: "SGNS, planted corpus", legendPosition: "bottom-right" }),
      ],
      { title: "Word vectors on their first two principal components" },
    ),
  );
  return { analogyAccuracy, analogyAccuracyFastText, vocabSize: sgns.words.length, trainWords, sgnsSeconds, fastTextSeconds };
}

export const experiment: Experiment = {
  name: "word2vec-shakespeare",
  description: "word2vec (skip-gram, negative sampling) and fastText on tiny Shakespeare: neighbours, PCA plot, planted-analogy accuracy",
  chapter: "sequences",
  options: {
    epochs: { description: "passes over the corpus", default: config.epochs },
    dim: { description: "embedding size", default: config.dim },
    trainWords: { description: "train on the first N words (default: all ≈ 200,000)" },
    plantedSentences: { description: "sentences of the planted-analogy corpus", default: config.planted.sentences },
  },
  quick: { trainWords: 10_000, dim: 16, plantedSentences: 1500 },
  config,
  run: runWord2VecShakespeare,
};

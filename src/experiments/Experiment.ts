// The shape every course experiment has: a name, its chapter, the options it takes with their defaults, and a `run` that writes into a run folder.

/** Options the CLI passes to an experiment; each experiment declares (in `options`) which it honours. */
export interface ExperimentOptions {
  /** Seed for every random choice the experiment makes; same seed, same result. */
  seed: number;
  /** Folder the run writes into (metrics.jsonl, summary.json, plots). Created by the runner. */
  outDir: string;
  /** Training epochs (or iterations/episodes, as the experiment documents), when it trains. */
  epochs?: number;
  /** Learning rate, when the experiment has one. */
  lr?: number;
  /** Continue the run whose files are in `outDir` (only for experiments with `resumable: true`; `deepscript run <name> --resume <dir>`). */
  resume?: boolean;
  /** Values given on the command line for the experiment's other declared options (camelCase keys, e.g. `trainChars`). */
  params?: Record<string, number>;
  /** Where progress lines go; defaults to console.log. */
  log: (line: string) => void;
}

/** What a run returns: final metrics by name (e.g. `testAccuracy`), written to summary.json. */
export type ExperimentResult = Record<string, number | string | boolean | number[]>;

/** The course chapters, in course order (`deepscript list` groups experiments by them). */
export const CHAPTERS = [
  "tensors and autograd",
  "training",
  "optimization",
  "regularization",
  "CNNs",
  "sequences",
  "Transformers",
  "GNNs",
  "generative models",
  "tabular RL",
  "deep RL",
  "games",
  "numerical optimization",
] as const;
export type Chapter = (typeof CHAPTERS)[number];

/** One command-line option an experiment takes: `--<kebab-case name> <value>`. */
export interface ExperimentOption {
  /** What the value means for this experiment (shown by `deepscript run <name> --help`). */
  description: string;
  /** The value used when the option is not given; leave out when the default is not a single number (say it in `description`). */
  default?: number;
  /** "count" (the default): a whole number ≥ 1, like epochs or episodes; "positive": a number > 0, like a learning rate. */
  kind?: "count" | "positive";
}

export interface Experiment {
  /** Command-line name, kebab-case: `deepscript run <name>`. */
  name: string;
  /** One line shown by `deepscript list`. */
  description: string;
  /** The course chapter it belongs to. */
  chapter: Chapter;
  /**
   * The options `run` takes besides --seed and --out, keyed by camelCase name (`epochs`, `lr`,
   * `trainChars` → `--train-chars`). The CLI rejects every other option, so an experiment that
   * ignores epochs must not declare it. `{}` when it takes none.
   */
  options: Record<string, ExperimentOption>;
  /** Whether `run` can continue an interrupted run from the checkpoints in its folder (`resume: true`). */
  resumable?: boolean;
  /** Option values that make a run take a few seconds at most (with `--epochs 1` when it takes epochs); the test that runs every experiment uses them. */
  quick?: Record<string, number>;
  run(options: ExperimentOptions): Promise<ExperimentResult> | ExperimentResult;
  /** Documented defaults (epochs, lr, sizes, ...); the CLI records them, with overrides applied, in summary.json. */
  config?: Record<string, unknown>;
}

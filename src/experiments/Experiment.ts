// The shape every course experiment has: a name, documented defaults and a `run` that writes into a run folder.

/** Options the CLI passes to an experiment; each experiment documents which it honours. */
export interface ExperimentOptions {
  /** Seed for every random choice the experiment makes; same seed, same result. */
  seed: number;
  /** Folder the run writes into (metrics.jsonl, summary.json, plots). Created by the runner. */
  outDir: string;
  /** Training epochs (or iterations/episodes, as the experiment documents), when it trains. */
  epochs?: number;
  /** Learning rate, when the experiment has one. */
  lr?: number;
  /** Where progress lines go; defaults to console.log. */
  log: (line: string) => void;
}

/** What a run returns: final metrics by name (e.g. `testAccuracy`), written to summary.json. */
export type ExperimentResult = Record<string, number | string | boolean | number[]>;

export interface Experiment {
  /** Command-line name, kebab-case: `deepscript run <name>`. */
  name: string;
  /** One line shown by `deepscript list`. */
  description: string;
  run(options: ExperimentOptions): Promise<ExperimentResult> | ExperimentResult;
  /** Documented defaults (epochs, lr, sizes, ...); the CLI records them, with overrides applied, in summary.json. */
  config?: Record<string, unknown>;
}

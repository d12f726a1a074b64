// The `deepscript` command: list experiments, run one into a run folder, or show a small autograd demo.
import { Command, InvalidArgumentError } from "commander";
import { type Stats, lstatSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import "../backend/init.js"; // the WASM SIMD kernels, as for every user of the public API
import { experiments, findExperiment } from "../experiments/index.js";
import { CHAPTERS, type Experiment, type ExperimentResult } from "../experiments/Experiment.js";
import { tensor } from "../ops/creation.js";
import { withTensorBoard } from "../node/experiment.js";
import { createRunFolder, openRunFolderForResume, replaceFileNoFollow, writeFileNoFollow } from "./runFolder.js";
import { writePngs } from "./png.js";

export interface CliIo {
  /** Where normal output goes (default console.log). */
  log: (line: string) => void;
  /** Where errors go (default console.error). */
  error: (line: string) => void;
}

/** The package's version, from its package.json (two folders up from src/cli and from dist/cli). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** Parses a whole number ≥ 1 written in decimal digits ("10"; not "0x10", "1e3", "" or "-1"). */
function count(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value === "") throw new InvalidArgumentError(`${flag} needs a whole number ≥ 1, got an empty value`);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${flag} must be a whole number ≥ 1 written in decimal digits, got "${value}"`);
    if (n < 1) throw new InvalidArgumentError(`${flag} must be at least 1, got ${value}`);
    return n;
  };
}

/** Parses a seed: a whole number in decimal digits, ≥ 0. */
function seedValue(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`--seed must be a whole number ≥ 0 written in decimal digits, got "${value}"`);
  return n;
}

/** Parses a positive finite decimal number ("0.01", "3e-4"; not "0x10" or ""). */
function positive(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) || !(n > 0) || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`${flag} must be a positive number written in decimal (like 0.01 or 3e-4), got "${value}"`);
    }
    return n;
  };
}

/** `trainChars` → `train-chars`. */
const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The options `run` accepts, as parsed. */
export interface RunOptions {
  /** Values of the experiment's declared options (`epochs`, `lr`, `trainChars`, ...). */
  [option: string]: unknown;
  /** Default 0 (a resumed run keeps its own). */
  seed?: number;
  out?: string;
  /** Folder of an interrupted or failed run to continue (experiments with `resumable: true`). */
  resume?: string;
  /** false (--no-png): no PNG copies of the SVG plots. */
  png?: boolean;
  /** Also write TensorBoard logs: to this folder, or (true) to the run folder. */
  tensorboard?: string | true;
}

/** summary.json of a run: what ran, how it ended, and its metrics. */
interface Summary {
  experiment: string;
  /** "interrupted" from the start until the run ends, so a run stopped at any moment is marked as such. */
  status: "complete" | "interrupted" | "failed";
  seed: number;
  config: Record<string, unknown>;
  startedAt: string;
  /** When the run was last continued with --resume. */
  resumedAt?: string;
  metrics?: ExperimentResult;
  seconds?: number;
  error?: string;
}

/**
 * Runs one experiment into a fresh folder (`--out`, or runs/<name>, runs/<name>-2, …): the
 * experiment writes its plots, model and metrics.jsonl; this writes summary.json `{ experiment,
 * status, seed, config, metrics, seconds }` — with status "interrupted" while it runs, then
 * "complete", or "failed" with the error — and, when the experiment logged no metrics.jsonl, one
 * line with the final metrics.
 */
export async function runExperiment(name: string, options: RunOptions, io: Pick<CliIo, "log"> = { log: console.log }): Promise<{ outDir: string; metrics: ExperimentResult }> {
  const experiment = findExperiment(name);
  const given: Record<string, number> = {};
  for (const key of Object.keys(experiment.options)) if (typeof options[key] === "number") given[key] = options[key] as number;
  let outDir: string;
  let seed = options.seed ?? 0;
  let previous: Record<string, unknown> | null = null;
  if (options.resume !== undefined) {
    if (!experiment.resumable) throw new Error(`deepscript run ${name}: cannot --resume (it keeps no checkpoints); start a fresh run`);
    if (options.out !== undefined) throw new Error(`deepscript run ${name}: give either --resume <dir> or --out <dir>, not both`);
    const opened = openRunFolderForResume(name, options.resume);
    outDir = opened.dir;
    previous = opened.summary;
    // A resumed run keeps the seed and options it started with; different ones would mix two runs.
    const recorded = (previous.config ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(given)) {
      if (recorded[key] !== undefined && recorded[key] !== value) throw new Error(`deepscript run ${name} --resume: --${kebab(key)} ${value} differs from the run's ${String(recorded[key])}; a resumed run keeps its options`);
    }
    for (const key of Object.keys(experiment.options)) if (typeof recorded[key] === "number" && given[key] === undefined) given[key] = recorded[key] as number;
    if (options.seed !== undefined && options.seed !== previous.seed) throw new Error(`deepscript run ${name} --resume: --seed ${options.seed} differs from the run's ${String(previous.seed)}`);
    seed = typeof previous.seed === "number" ? previous.seed : seed;
  } else {
    outDir = createRunFolder(name, options.out);
  }
  const config: Record<string, unknown> = { ...experiment.config };
  for (const [key, option] of Object.entries(experiment.options)) if (option.default !== undefined && !(key in config)) config[key] = option.default;
  Object.assign(config, given);
  const summary: Summary = { experiment: name, status: "interrupted", seed, config, startedAt: typeof previous?.startedAt === "string" ? previous.startedAt : new Date().toISOString() };
  if (previous !== null) summary.resumedAt = new Date().toISOString();
  const writeSummary = () => replaceFileNoFollow(join(outDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  writeSummary();
  const started = Date.now();
  const { epochs, lr, ...params } = given;
  const run = () => Promise.resolve(experiment.run({ seed, outDir, epochs, lr, params, log: io.log, ...(previous !== null ? { resume: true } : {}) }));
  let metrics: ExperimentResult;
  let tensorBoardDir: string | null = null;
  try {
    if (options.tensorboard !== undefined) {
      tensorBoardDir = options.tensorboard === true ? outDir : resolve(options.tensorboard);
      const { result, fits } = await withTensorBoard(tensorBoardDir, run);
      metrics = result;
      if (fits === 0) {
        io.log(`note: ${name} does not train with fit(), so --tensorboard wrote nothing`);
        tensorBoardDir = null;
      }
    } else {
      metrics = await run();
    }
  } catch (e) {
    summary.status = "failed";
    summary.error = (e as Error)?.message ?? String(e);
    summary.seconds = (Date.now() - started) / 1000;
    writeSummary();
    throw e;
  }
  const seconds = (Date.now() - started) / 1000;
  if (lstatOrNull(join(outDir, "metrics.jsonl")) === null) writeFileNoFollow(join(outDir, "metrics.jsonl"), JSON.stringify(metrics) + "\n", { exclusive: true });
  if (options.png !== false) {
    const { note } = await writePngs(outDir);
    if (note) io.log(`note: ${note}`);
  }
  Object.assign(summary, { status: "complete", metrics, seconds });
  writeSummary();
  io.log(`${name}: ${Object.entries(metrics).filter(([, v]) => typeof v === "number").map(([k, v]) => `${k}=${+(v as number).toPrecision(4)}`).join(" ")}`);
  io.log(`wrote ${outDir} (${seconds.toFixed(1)} s)`);
  if (tensorBoardDir !== null) io.log(`TensorBoard logs in ${tensorBoardDir}; view them with: tensorboard --logdir ${tensorBoardDir}`);
  return { outDir, metrics };
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** A few lines of autograd: y = Σ (x·w)², dy/dw by backward, checked against the closed form 2·xᵀ(xw). */
export function demo(log: (line: string) => void): void {
  const x = tensor([[1, 2], [3, 4]]);
  const w = tensor([[0.5], [-1]], { requiresGrad: true });
  const y = x.matmul(w).square().sum();
  y.backward();
  log(`x = ${x}`);
  log(`w = ${w.detach()}`);
  log(`y = sum((x @ w)^2) = ${y.item()}`);
  log(`dy/dw (autograd)    = ${w.grad}`);
  log(`dy/dw = 2 x^T (x w) = ${x.T.matmul(x.matmul(w.detach())).mul(2)}`);
  log("Next: `deepscript list` shows the experiments, `deepscript run mnist-mlp` trains a network on MNIST.");
}

/** `deepscript run <experiment>`: the common options, the experiment's own ones (with their defaults), and nothing else. */
function addExperimentCommand(run: Command, experiment: Experiment, io: CliIo): void {
  const command = run
    .command(experiment.name)
    .summary(experiment.description)
    .description(`${experiment.description}\n(chapter: ${experiment.chapter})`)
    .showHelpAfterError(`(\`deepscript run ${experiment.name} --help\` lists the options ${experiment.name} takes)`);
  for (const [key, option] of Object.entries(experiment.options)) {
    const flag = `--${kebab(key)}`;
    const parse = option.kind === "positive" ? positive(flag) : count(flag);
    const description = option.default === undefined ? option.description : `${option.description} (default: ${option.default})`;
    command.option(`${flag} <${option.kind === "positive" ? "x" : "n"}>`, description, parse);
  }
  command
    .option("--seed <s>", "random seed; same seed, same result (default: 0)", seedValue)
    .option("--out <dir>", `output folder, new or empty (default runs/${experiment.name}, or runs/${experiment.name}-<n> when that holds a run)`);
  if (experiment.resumable) command.option("--resume <dir>", "continue the interrupted or failed run in <dir> from its last checkpoint, with its seed and options");
  command
    .option("--tensorboard [dir]", "also write TensorBoard logs of its fit() runs to dir (default: the output folder)")
    .option("--no-png", "skip the PNG copies of the SVG plots")
    .action(async (options: RunOptions) => {
      await runExperiment(experiment.name, options, io);
    });
}

/** Builds the commander program (exported for tests, which pass their own output functions). */
export function buildProgram(io: CliIo): Command {
  const program = new Command();
  program
    .name("deepscript")
    .description("deepscript: deep learning in TypeScript — run the course's experiments")
    .configureOutput({ writeOut: (s) => io.log(s.trimEnd()), writeErr: (s) => io.error(s.trimEnd()) })
    .version(packageVersion(), "-V, --version", "print the version of deepscript")
    .exitOverride();

  program
    .command("list")
    .description("list the experiments, by course chapter")
    .action(() => {
      const width = Math.max(...experiments.map((e) => e.name.length));
      const chapters = [...CHAPTERS, ...new Set(experiments.map((e) => e.chapter).filter((c) => !(CHAPTERS as readonly string[]).includes(c)))];
      let first = true;
      for (const chapter of chapters) {
        const members = experiments.filter((e) => e.chapter === chapter);
        if (members.length === 0) continue;
        if (!first) io.log("");
        first = false;
        io.log(`${chapter}:`);
        for (const e of members) io.log(`  ${e.name.padEnd(width)}  ${e.description}`);
      }
    });

  const run = program
    .command("run")
    .description("run an experiment into a fresh folder (default runs/<experiment>): metrics.jsonl, summary.json, plots; `deepscript run <experiment> --help` lists its options")
    .usage("<experiment> [options]")
    .argument("[experiment]", "experiment name (see `deepscript list`)")
    .action((name: string | undefined) => {
      if (name === undefined) run.help({ error: true });
      findExperiment(name!); // unknown: the error names the available experiments
    });
  for (const experiment of experiments) addExperimentCommand(run, experiment, io);

  program
    .command("demo")
    .description("a few lines of autograd")
    .action(() => demo(io.log));

  return program;
}

/** Parses `argv` (as process.argv: node, script, args…) and runs the command; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = { log: console.log, error: console.error }): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (typeof err.code === "string" && err.code.startsWith("commander.")) {
      // commander has printed its message already; help and version exit with 0.
      return err.exitCode ?? 1;
    }
    const message = err.message ?? String(e);
    io.error(message.startsWith("deepscript") ? message : `deepscript: ${message}`);
    return 1;
  }
}

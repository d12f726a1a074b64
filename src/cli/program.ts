// The `deepscript` command: list experiments, run one into a run folder, or show a small autograd demo.
import { Command, InvalidArgumentError } from "commander";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import "../backend/init.js"; // the WASM SIMD kernels, as for every user of the public API
import { experiments, findExperiment } from "../experiments/index.js";
import type { ExperimentResult } from "../experiments/Experiment.js";
import { tensor } from "../ops/creation.js";
import { withTensorBoard } from "../node/experiment.js";

export interface CliIo {
  /** Where normal output goes (default console.log). */
  log: (line: string) => void;
  /** Where errors go (default console.error). */
  error: (line: string) => void;
}

function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    return n;
  };
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

/** The options `run` accepts, as parsed. */
export interface RunOptions {
  epochs?: number;
  seed: number;
  lr?: number;
  out?: string;
  /** Also write TensorBoard logs: to this folder, or (true) to the run folder. */
  tensorboard?: string | true;
}

/**
 * Runs one experiment into `outDir` (default runs/<name>): the experiment writes its plots, model
 * and metrics.jsonl; this writes summary.json `{ experiment, seed, config, metrics, seconds }` and,
 * when the experiment logged no metrics.jsonl, one line with the final metrics.
 */
export async function runExperiment(name: string, options: RunOptions, io: Pick<CliIo, "log"> = { log: console.log }): Promise<{ outDir: string; metrics: ExperimentResult }> {
  const experiment = findExperiment(name);
  const outDir = resolve(options.out ?? join("runs", name));
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const run = () => Promise.resolve(experiment.run({ seed: options.seed, outDir, epochs: options.epochs, lr: options.lr, log: io.log }));
  let metrics: ExperimentResult;
  let tensorBoardDir: string | null = null;
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
  const seconds = (Date.now() - started) / 1000;
  const config: Record<string, unknown> = { ...experiment.config };
  if (options.epochs !== undefined) config.epochs = options.epochs;
  if (options.lr !== undefined) config.lr = options.lr;
  if (!existsSync(join(outDir, "metrics.jsonl"))) writeFileSync(join(outDir, "metrics.jsonl"), JSON.stringify(metrics) + "\n");
  writeFileSync(join(outDir, "summary.json"), JSON.stringify({ experiment: name, seed: options.seed, config, metrics, seconds }, null, 2) + "\n");
  io.log(`${name}: ${Object.entries(metrics).filter(([, v]) => typeof v === "number").map(([k, v]) => `${k}=${+(v as number).toPrecision(4)}`).join(" ")}`);
  io.log(`wrote ${outDir} (${seconds.toFixed(1)} s)`);
  if (tensorBoardDir !== null) io.log(`TensorBoard logs in ${tensorBoardDir}; view them with: tensorboard --logdir ${tensorBoardDir}`);
  return { outDir, metrics };
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

/** Builds the commander program (exported for tests, which pass their own output functions). */
export function buildProgram(io: CliIo): Command {
  const program = new Command();
  program
    .name("deepscript")
    .description("deepscript: deep learning in TypeScript — run the course's experiments")
    .configureOutput({ writeOut: (s) => io.log(s.trimEnd()), writeErr: (s) => io.error(s.trimEnd()) })
    .exitOverride();

  program
    .command("list")
    .description("list the experiments")
    .action(() => {
      const width = Math.max(...experiments.map((e) => e.name.length));
      for (const e of experiments) io.log(`${e.name.padEnd(width)}  ${e.description}`);
    });

  program
    .command("run")
    .description("run an experiment; writes metrics.jsonl, summary.json, plots (and model.safetensors) to runs/<experiment>")
    .argument("<experiment>", "experiment name (see `deepscript list`)")
    .option("--epochs <n>", "training epochs (or the experiment's unit of training)", integer("--epochs"))
    .option("--seed <s>", "random seed", integer("--seed"), 0)
    .option("--lr <x>", "learning rate", positiveNumber("--lr"))
    .option("--out <dir>", "output folder (default runs/<experiment>)")
    .option("--tensorboard [dir]", "also write TensorBoard logs (train/ and validation/ runs) to dir (default: the output folder)")
    .action(async (name: string, options: RunOptions) => {
      if (options.epochs !== undefined && options.epochs < 1) throw new InvalidArgumentError(`--epochs must be at least 1, got ${options.epochs}`);
      await runExperiment(name, options, io);
    });

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

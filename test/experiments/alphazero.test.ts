// tictactoe-alphazero / connect4-alphazero on tiny budgets: the summary's metrics and files, and a learning
// signal (a few iterations of self-play bring the network's values and favourite moves closer to the solved game). The full budget and its target
// (0 losses in 100 games against perfect play) are run by `deepscript run tictactoe-alphazero`, not here.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ExperimentOptions } from "../../src/experiments/Experiment.js";
import { findExperiment } from "../../src/experiments/index.js";
import { runTicTacToeAlphaZero, config as ticTacToeConfig } from "../../src/experiments/tictactoe-alphazero.js";
import { runConnect4AlphaZero } from "../../src/experiments/connect4-alphazero.js";
import { TicTacToe } from "../../src/games/TicTacToe.js";
import { minimaxBestActions } from "../../src/games/players.js";
import { Generator } from "../../src/random/Generator.js";
import { deserialize } from "../../src/io/safetensors.js";
import { NetworkEvaluator, PolicyValueNet, alphaZeroDefaults, trainAlphaZero } from "../../src/rl/agents/AlphaZero.js";

const options = (params: Record<string, number>): ExperimentOptions => ({ seed: 3, outDir: mkdtempSync(join(tmpdir(), "ds-alphazero-")), params, log: () => {} });
const tiny = { iterations: 2, selfPlayGames: 4, simulations: 6, trainSteps: 2, arenaGames: 2, evalGames: 6, evalSimulations: 6, progressGames: 2 };

describe("AlphaZero experiments (tiny budgets)", () => {
  it("are registered in the deep RL chapter", () => {
    for (const name of ["tictactoe-alphazero", "connect4-alphazero"]) expect(findExperiment(name).chapter).toBe("deep RL");
  });

  it("tictactoe-alphazero reports wins, draws and losses against perfect play over evalGames, the curves and the plot", () => {
    const opts = options(tiny);
    const r = runTicTacToeAlphaZero(opts);
    expect((r.lossesVsPerfect as number) + (r.drawsVsPerfect as number) + (r.winsVsPerfect as number)).toBe(6);
    expect(r.winsVsPerfect).toBe(0); // nobody beats perfect play
    expect(r).toMatchObject({ evalGames: 6, selfPlayGames: 8, iterations: 2, target: 0 });
    const curves = JSON.parse(readFileSync(join(opts.outDir, "curves.json"), "utf8")) as { history: unknown[]; progress: { wins: number; draws: number; losses: number }[] };
    expect(curves.history).toHaveLength(2);
    expect(curves.progress.map((p) => p.wins + p.draws + p.losses)).toEqual([2, 2]);
    expect(readFileSync(join(opts.outDir, "alphazero.svg"), "utf8")).toMatch(/^<svg/);
    // The best network's weights: every tensor of a network of the experiment's shape, and they load into one.
    const weights = deserialize(new Uint8Array(readFileSync(join(opts.outDir, "best.safetensors"))));
    expect(weights.metadata).toMatchObject({ experiment: "tictactoe-alphazero", seed: "3" });
    const fresh = new PolicyValueNet(27, 9, ticTacToeConfig.hidden, new Generator(0));
    expect(Object.keys(weights.tensors).sort()).toEqual(Object.keys(fresh.stateDict()).sort());
    fresh.loadStateDict(weights.tensors);
    expect(fresh.stateDict()["value_head.weight"]!.dataSync()).toEqual(weights.tensors["value_head.weight"]!.dataSync());
    // Same seed, same run.
    const again = runTicTacToeAlphaZero({ ...options(tiny) });
    expect({ ...again, trainingSeconds: 0, evalSeconds: 0 }).toEqual({ ...r, trainingSeconds: 0, evalSeconds: 0 });
  });

  it("connect4-alphazero reports winRateVsDepth2 = wins / evalGames", () => {
    const r = runConnect4AlphaZero(options({ ...tiny, evalGames: 4 }));
    expect(r.winRateVsDepth2).toBe((r.wins as number) / 4);
    expect((r.wins as number) + (r.draws as number) + (r.losses as number)).toBe(4);
  });

  it("connect4-alphazero without an arena and without progress games accepts every network and plots only the losses", () => {
    const opts = options({ ...tiny, arenaGames: 0, progressGames: 0, evalGames: 2 });
    const r = runConnect4AlphaZero(opts);
    expect(r).toMatchObject({ iterations: 2, acceptances: 2 });
    const svg = readFileSync(join(opts.outDir, "alphazero.svg"), "utf8");
    expect(svg).toContain("training losses");
    expect(svg).not.toContain("arena score");
  });

  it("a few iterations of self-play bring the network closer to the solved game on all 4,520 non-terminal positions", () => {
    const positions: TicTacToe[] = [];
    const seen = new Set<string>();
    const walk = (g: TicTacToe): void => {
      if (g.isTerminal() || seen.has(g.key())) return;
      seen.add(g.key());
      positions.push(g.clone());
      for (const a of g.legalActions()) {
        g.play(a);
        walk(g);
        g.undo();
      }
    };
    walk(new TicTacToe());
    expect(positions).toHaveLength(4520); // 5,478 positions less the 958 terminal ones
    const truth = positions.map((p) => minimaxBestActions(p, { transpositionTable: true }));
    // Mean squared error of the value head against the minimax value, and how often the policy's favourite move is optimal.
    const score = (net: PolicyValueNet): { mse: number; optimal: number } => {
      const evaluations = new NetworkEvaluator(net).evaluate(positions);
      let mse = 0;
      let optimal = 0;
      evaluations.forEach((e, i) => {
        mse += (e.value - truth[i]!.value) ** 2;
        let top = 0;
        e.priors.forEach((p, a) => { if (p > e.priors[top]!) top = a; });
        if (truth[i]!.actions.includes(top)) optimal++;
      });
      return { mse: mse / positions.length, optimal: optimal / positions.length };
    };
    const seed = 1;
    const before = score(new PolicyValueNet(27, 9, alphaZeroDefaults.hidden, new Generator(seed))); // trainAlphaZero's first network: same seed, same weights
    const run = trainAlphaZero(() => new TicTacToe(), { iterations: 4, selfPlayGames: 25, simulations: 25, trainSteps: 150, seed });
    const after = score(run.trainee);
    expect(after.mse).toBeLessThan(0.8 * before.mse);
    expect(after.optimal).toBeGreaterThan(before.optimal + 0.08);
  }, 120_000);
});

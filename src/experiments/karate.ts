// Experiment: the two communities of Zachary's karate club, found without labels by spectral clustering and by k-means on DeepWalk embeddings.
import { join } from "node:path";
import { Generator } from "../random/Generator.js";
import { karateClub } from "../graph/datasets.js";
import { kMeans, spectralClustering } from "../graph/algorithms.js";
import { deepWalk } from "../graph/embeddings.js";
import { edgeArrays } from "../graph/edges.js";
import { graphPlot, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

export const config = {
  communities: 2,
  /** DeepWalk (Perozzi et al. 2014): walks of 40 nodes, 10 per node, skip-gram window 5, 16 dimensions. */
  walkLength: 40,
  walksPerNode: 10,
  window: 5,
  dim: 16,
  /** DeepWalk + k-means runs (seeds --seed, --seed + 1, …) whose agreement is averaged. */
  seeds: 10,
};

/**
 * Agreement of a 2-way clustering with the club each member joined: the fraction of members whose
 * cluster matches, under the better of the two ways of naming the clusters. Also returns the clusters
 * renamed that way.
 */
export function clusterAgreement(clusters: ArrayLike<number>, truth: ArrayLike<number>): { accuracy: number; aligned: Int32Array } {
  if (clusters.length !== truth.length) throw new Error(`clusterAgreement: ${clusters.length} clusters but ${truth.length} labels`);
  let same = 0;
  for (let i = 0; i < truth.length; i++) {
    if (!(clusters[i] === 0 || clusters[i] === 1) || !(truth[i] === 0 || truth[i] === 1)) throw new Error(`clusterAgreement: expected labels 0 or 1 at node ${i}, got cluster ${clusters[i]} and club ${truth[i]}`);
    if (clusters[i] === truth[i]) same++;
  }
  const flip = same < truth.length - same;
  return { accuracy: Math.max(same, truth.length - same) / truth.length, aligned: Int32Array.from(clusters, (c) => (flip ? 1 - c : c)) };
}

/** A seeded Fruchterman–Reingold layout (1991): edges pull as d²/k, all pairs push as k²/d, the step cooling linearly. */
function springLayout(N: number, edges: readonly (readonly [number, number])[], seed: number, iterations = 300): [number, number][] {
  const gen = new Generator(seed);
  const pos: [number, number][] = Array.from({ length: N }, () => [gen.random(), gen.random()]);
  const k = Math.sqrt(1 / N);
  for (let it = 0; it < iterations; it++) {
    const t = 0.1 * (1 - it / iterations) + 1e-3;
    const force: [number, number][] = Array.from({ length: N }, () => [0, 0]);
    for (let i = 0; i < N; i++) {
      for (let j = i + 1; j < N; j++) {
        const dx = pos[i]![0] - pos[j]![0], dy = pos[i]![1] - pos[j]![1];
        const d = Math.max(Math.hypot(dx, dy), 1e-4), f = (k * k) / d;
        force[i]![0] += (dx / d) * f; force[i]![1] += (dy / d) * f;
        force[j]![0] -= (dx / d) * f; force[j]![1] -= (dy / d) * f;
      }
    }
    for (const [i, j] of edges) {
      const dx = pos[i]![0] - pos[j]![0], dy = pos[i]![1] - pos[j]![1];
      const d = Math.max(Math.hypot(dx, dy), 1e-4), f = (d * d) / k;
      force[i]![0] -= (dx / d) * f; force[i]![1] -= (dy / d) * f;
      force[j]![0] += (dx / d) * f; force[j]![1] += (dy / d) * f;
    }
    for (let i = 0; i < N; i++) {
      const [fx, fy] = force[i]!, len = Math.max(Math.hypot(fx, fy), 1e-9), step = Math.min(len, t);
      pos[i]![0] += (fx / len) * step;
      pos[i]![1] += (fy / len) * step;
    }
  }
  return pos;
}

/**
 * Zachary's karate club split into 2 communities without looking at the labels: (1) spectral
 * clustering (Ng–Jordan–Weiss on the normalized Laplacian), (2) DeepWalk embeddings (`walksPerNode`
 * walks of 40 nodes per member, skip-gram, 16 dimensions) clustered by k-means, over `seeds` seeds.
 * Metrics: `accuracy` (spectral clustering's agreement with the clubs the members joined, best of the
 * two namings), `deepWalkAccuracyMean` / `deepWalkAccuracyMin` over the seeds, `deepWalkAccuracies`.
 * Writes `communities.svg`: the club drawn twice, colored by each method's communities, with the
 * members placed on the other side than the club they joined ringed in black.
 */
export async function runKarate(opts: ExperimentOptions, budget: { seeds?: number; walksPerNode?: number } = {}): Promise<ExperimentResult> {
  const data = await karateClub();
  const N = data.numNodes;
  const club = Int32Array.from(data.y!.toList());
  const spectral = clusterAgreement(spectralClustering(data.edgeIndex, config.communities, { seed: opts.seed }), club);
  opts.log(`spectral clustering: ${(100 * spectral.accuracy).toFixed(1)} % of the members in their club's community`);
  const seeds = budget.seeds ?? config.seeds, walksPerNode = budget.walksPerNode ?? config.walksPerNode;
  const deepWalkAccuracies: number[] = [];
  let firstDeepWalk: Int32Array | null = null;
  for (let k = 0; k < seeds; k++) {
    const seed = opts.seed + k;
    const embedding = deepWalk(data.edgeIndex, { walkLength: config.walkLength, walksPerNode, window: config.window, dim: config.dim, seed });
    const found = clusterAgreement(kMeans(embedding, config.communities, { seed }).labels, club);
    deepWalkAccuracies.push(found.accuracy);
    firstDeepWalk ??= found.aligned;
    opts.log(`DeepWalk seed ${seed} + k-means: ${(100 * found.accuracy).toFixed(1)} %`);
  }
  const mean = deepWalkAccuracies.reduce((a, b) => a + b, 0) / seeds;
  opts.log(`DeepWalk + k-means: ${(100 * mean).toFixed(1)} % on average over ${seeds} seeds`);

  const { source, target } = edgeArrays("karate", data.edgeIndex, N);
  const edges: [number, number][] = [];
  for (let e = 0; e < source.length; e++) if (source[e]! < target[e]!) edges.push([source[e]!, target[e]!]);
  const positions = springLayout(N, edges, opts.seed);
  const names = ["Mr. Hi's side", "the Officer's side"];
  const draw = (title: string, communities: Int32Array): string =>
    graphPlot({
      title, positions, edges, groups: communities, groupNames: names,
      highlight: Array.from(communities, (c, i) => c !== club[i]), highlightName: "joined the other club",
      width: 560, height: 460,
    });
  savePlot(join(opts.outDir, "communities.svg"), panel([
    draw(`Spectral clustering: ${(100 * spectral.accuracy).toFixed(1)} % agree`, spectral.aligned),
    draw(`DeepWalk + k-means (seed ${opts.seed}): ${(100 * deepWalkAccuracies[0]!).toFixed(1)} % agree`, firstDeepWalk!),
  ], { title: "Zachary's karate club: communities found without labels" }));
  return {
    accuracy: spectral.accuracy,
    deepWalkAccuracyMean: mean,
    deepWalkAccuracyMin: Math.min(...deepWalkAccuracies),
    deepWalkAccuracies,
    misplacedBySpectral: Array.from(spectral.aligned).flatMap((c, i) => (c !== club[i] ? [i] : [])),
    seeds,
  };
}

export const experiment: Experiment = {
  name: "karate",
  description: "Zachary's karate club split in 2 by spectral clustering and by DeepWalk + k-means: agreement with the real split",
  chapter: "GNNs",
  options: {
    seeds: { description: "DeepWalk + k-means runs (seeds --seed, --seed + 1, …) averaged", default: config.seeds },
    walksPerNode: { description: "DeepWalk's random walks started from every member", default: config.walksPerNode },
  },
  quick: { seeds: 1, walksPerNode: 2 },
  config,
  run: (opts) => runKarate(opts, { seeds: opts.params?.seeds, walksPerNode: opts.params?.walksPerNode }),
};


// Link prediction data: negative sampling (pairs of nodes that are not edges) and a random split of a
// graph's edges into message-passing / supervision edges for training, validation and test (PyG's
// negative_sampling and transforms.RandomLinkSplit).
import { Tensor } from "../tensor/Tensor.js";
import { checkNumber, checkSize, describe } from "../tensor/validate.js";
import { Generator } from "../random/Generator.js";
import { edgeArrays, edgeIndexOf, inferNumNodes } from "./edges.js";

/** Options of `negativeSampling`: the node count, how many non-edges to draw and the random stream. */
export interface NegativeSamplingOptions {
  /** Number of nodes (default: 1 + the largest index in edgeIndex). */
  numNodes?: number;
  /** How many non-edges to draw (default: as many as there are edges). */
  numNegSamples?: number;
  /** Draw each pair once per direction: return i → j together with j → i (default false, as PyG). */
  forceUndirected?: boolean;
  /** Seed of the draw (default 0), or a generator to draw from. */
  seed?: number;
  generator?: Generator;
}

/**
 * Pairs (i, j), i ≠ j, drawn uniformly among the pairs that are not edges of `edgeIndex` (nor drawn
 * twice), as PyG's negative_sampling: an int32 edge index [2, numNegSamples]. Fewer come back only when
 * the graph has fewer non-edges than asked for. With `forceUndirected`, each drawn pair {i, j} is
 * returned in both directions (numNegSamples counts both).
 */
export function negativeSampling(edgeIndex: Tensor, options: NegativeSamplingOptions = {}): Tensor {
  const op = "negativeSampling";
  if (options === null || typeof options !== "object") throw new Error(`${op}: options must be an object, got ${describe(options)}`);
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const N = inferNumNodes(op, edges, options.numNodes);
  const E = edges.source.length;
  const wanted = options.numNegSamples === undefined ? E : checkCount(op, "numNegSamples", options.numNegSamples);
  const undirected = options.forceUndirected ?? false;
  if (typeof undirected !== "boolean") throw new Error(`${op}: forceUndirected must be a boolean, got ${describe(undirected)}`);
  const gen = options.generator ?? new Generator(options.seed ?? 0);
  const taken = new Set<number>();
  for (let e = 0; e < E; e++) {
    taken.add(edges.source[e]! * N + edges.target[e]!);
    if (undirected) taken.add(edges.target[e]! * N + edges.source[e]!);
  }
  // pairs i ≠ j still free; with undirected draws each unordered pair counts once
  const free = undirected ? (N * (N - 1)) / 2 - countUnordered(taken, N) : N * (N - 1) - countOrdered(taken, N);
  const pairs = undirected ? Math.floor(wanted / 2) : wanted;
  const draw = Math.min(pairs, free);
  const source: number[] = [], target: number[] = [];
  if (draw > 0 && draw > free / 2) {
    // dense graph: list the free pairs and take a random subset
    const candidates: number[] = [];
    for (let i = 0; i < N; i++) {
      for (let j = undirected ? i + 1 : 0; j < N; j++) if (i !== j && !taken.has(i * N + j) && !(undirected && taken.has(j * N + i))) candidates.push(i * N + j);
    }
    const order = gen.permutation(candidates.length);
    for (let k = 0; k < draw; k++) push(candidates[order[k]!]!);
  } else {
    while (source.length < (undirected ? 2 * draw : draw)) {
      const i = gen.randint(0, N), j = gen.randint(0, N);
      if (i === j || taken.has(i * N + j)) continue;
      if (undirected && taken.has(j * N + i)) continue;
      taken.add(i * N + j);
      if (undirected) taken.add(j * N + i);
      push(i * N + j);
    }
  }
  function push(code: number): void {
    const i = Math.floor(code / N), j = code % N;
    source.push(i);
    target.push(j);
    if (undirected) {
      source.push(j);
      target.push(i);
    }
  }
  return edgeIndexOf(source, target);
}

function countOrdered(taken: Set<number>, N: number): number {
  let n = 0;
  for (const code of taken) if (Math.floor(code / N) !== code % N) n++;
  return n;
}
function countUnordered(taken: Set<number>, N: number): number {
  const seen = new Set<number>();
  for (const code of taken) {
    const i = Math.floor(code / N), j = code % N;
    if (i !== j) seen.add(Math.min(i, j) * N + Math.max(i, j));
  }
  return seen.size;
}

function checkCount(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new Error(`${op}: ${name} must be a non-negative integer, got ${describe(v)}`);
  return v;
}

/** One split of RandomLinkSplit: the edges messages pass along, and the node pairs to score with their labels. */
export interface LinkSplit {
  /** Message-passing edges [2, E] (both directions for an undirected graph). */
  edgeIndex: Tensor;
  /** Supervision pairs [2, P]: positives (one direction) first, then the sampled negatives. */
  edgeLabelIndex: Tensor;
  /** 1 for a positive pair, 0 for a negative, float32 [P]. */
  edgeLabel: Tensor;
}

/** Options of `randomLinkSplit` (PyG's RandomLinkSplit): held-out fractions or counts, undirectedness, negatives per positive, the node count and the seed. */
export interface RandomLinkSplitOptions {
  /** Fraction (< 1) or number (≥ 1) of edges held out for validation (default 0.1). */
  numVal?: number;
  /** Fraction (< 1) or number (≥ 1) of edges held out for test (default 0.2). */
  numTest?: number;
  /** Treat i → j and j → i as one edge, split together (default true). */
  isUndirected?: boolean;
  /** Negatives per positive in the validation and test sets (and training, with addNegativeTrainSamples); default 1. */
  negSamplingRatio?: number;
  /** Sample training negatives once here (default false: draw fresh ones every epoch, as PyG's link_pred example). */
  addNegativeTrainSamples?: boolean;
  numNodes?: number;
  seed?: number;
}

/**
 * PyG's RandomLinkSplit: shuffles the edges (each undirected edge once) and holds out `numVal` of them
 * for validation and `numTest` for test. Training passes messages along the training edges and
 * supervises them; validation passes messages along the training edges and scores the validation
 * edges; test passes messages along training + validation edges and scores the test edges. Validation
 * and test negatives are drawn once, among the pairs that are not edges of the whole graph.
 */
export function randomLinkSplit(edgeIndex: Tensor, options: RandomLinkSplitOptions = {}): { train: LinkSplit; val: LinkSplit; test: LinkSplit } {
  const op = "randomLinkSplit";
  if (options === null || typeof options !== "object") throw new Error(`${op}: options must be an object, got ${describe(options)}`);
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const N = inferNumNodes(op, edges, options.numNodes);
  const undirected = options.isUndirected ?? true;
  if (typeof undirected !== "boolean") throw new Error(`${op}: isUndirected must be a boolean, got ${describe(undirected)}`);
  const ratio = checkNumber(op, "negSamplingRatio", options.negSamplingRatio ?? 1);
  if (!(ratio >= 0)) throw new Error(`${op}: negSamplingRatio must be ≥ 0, got ${ratio}`);
  // the edges to split: each undirected edge once (i < j), self-loops dropped as PyG
  const src: number[] = [], dst: number[] = [];
  const seen = new Set<number>();
  for (let e = 0; e < edges.source.length; e++) {
    let i = edges.source[e]!, j = edges.target[e]!;
    if (i === j) continue;
    if (undirected && i > j) [i, j] = [j, i];
    if (seen.has(i * N + j)) continue;
    seen.add(i * N + j);
    src.push(i);
    dst.push(j);
  }
  const M = src.length;
  const amount = (name: string, v: number): number => {
    checkNumber(op, name, v);
    if (!(v >= 0)) throw new Error(`${op}: ${name} must be ≥ 0, got ${v}`);
    return v < 1 ? Math.floor(v * M) : checkSize(op, name, v);
  };
  const nVal = amount("numVal", options.numVal ?? 0.1), nTest = amount("numTest", options.numTest ?? 0.2);
  if (nVal + nTest >= M) throw new Error(`${op}: numVal (${nVal}) + numTest (${nTest}) edges leave none of the ${M} edges for training`);
  const gen = new Generator(options.seed ?? 0);
  const perm = gen.permutation(M);
  // PyG's order: validation first, then test, the rest for training
  const valIds = perm.slice(0, nVal), testIds = perm.slice(nVal, nVal + nTest), trainIds = perm.slice(nVal + nTest);
  const messageEdges = (ids: number[]): Tensor => {
    const s: number[] = [], t: number[] = [];
    for (const k of ids) {
      s.push(src[k]!);
      t.push(dst[k]!);
      if (undirected) {
        s.push(dst[k]!);
        t.push(src[k]!);
      }
    }
    return edgeIndexOf(s, t);
  };
  // negatives: not edges of the whole graph (either direction when undirected)
  const all = messageEdges(perm);
  const numNeg = (positives: number): number => Math.round(ratio * positives);
  const negatives = negativeSampling(all, { numNodes: N, numNegSamples: numNeg(nVal) + numNeg(nTest) + (options.addNegativeTrainSamples ? numNeg(trainIds.length) : 0), forceUndirected: false, generator: gen });
  const negRows = edgeArrays(op, negatives);
  let used = 0;
  const labelled = (ids: number[]): [Tensor, Tensor] => {
    const k = numNeg(ids.length);
    const s = ids.map((i) => src[i]!), t = ids.map((i) => dst[i]!);
    for (let n = 0; n < k && used < negRows.source.length; n++, used++) {
      s.push(negRows.source[used]!);
      t.push(negRows.target[used]!);
    }
    const label = new Float32Array(s.length);
    label.fill(1, 0, ids.length);
    return [edgeIndexOf(s, t), Tensor.fromData(label, [s.length], "float32")];
  };
  const [valIndex, valLabel] = labelled(valIds);
  const [testIndex, testLabel] = labelled(testIds);
  const trainEdges = messageEdges(trainIds);
  let trainIndex: Tensor, trainLabel: Tensor;
  if (options.addNegativeTrainSamples) [trainIndex, trainLabel] = labelled(trainIds);
  else {
    trainIndex = edgeIndexOf(trainIds.map((i) => src[i]!), trainIds.map((i) => dst[i]!));
    trainLabel = Tensor.fromData(new Float32Array(trainIds.length).fill(1), [trainIds.length], "float32");
  }
  return {
    train: { edgeIndex: trainEdges, edgeLabelIndex: trainIndex, edgeLabel: trainLabel },
    val: { edgeIndex: trainEdges, edgeLabelIndex: valIndex, edgeLabel: valLabel },
    test: { edgeIndex: messageEdges([...trainIds, ...valIds]), edgeLabelIndex: testIndex, edgeLabel: testLabel },
  };
}

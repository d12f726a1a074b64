// Shallow node embeddings: uniform (DeepWalk) and p/q-biased (node2vec) random walks, and skip-gram with
// negative sampling (word2vec) trained on any sequences of integer tokens — walks here, words elsewhere.
import { Tensor } from "../tensor/Tensor.js";
import { checkNumber, checkSize, describe } from "../tensor/validate.js";
import { Generator } from "../random/Generator.js";
import { trainNegativeSampling } from "../text/embeddings.js";
import { edgeArrays, inferNumNodes } from "./edges.js";

/**
 * Options of {@link randomWalks} (and the walks of {@link deepWalk} and {@link node2vec}): walk length, walks
 * per node, node2vec's return and in-out parameters p and q, the number of nodes and the seed.
 */
export interface RandomWalkOptions {
  /** Nodes per walk, the start included (default 40, DeepWalk's t). */
  walkLength?: number;
  /** Walks started from every node (default 10). */
  walksPerNode?: number;
  /** node2vec's return parameter p (default 1): weight 1/p for stepping back to the previous node. */
  p?: number;
  /** node2vec's in-out parameter q (default 1): weight 1/q for moving away from the previous node. */
  q?: number;
  numNodes?: number;
  seed?: number;
}

/**
 * Random walks over the undirected graph: with p = q = 1 uniform walks (DeepWalk, Perozzi et al. 2014),
 * otherwise node2vec's second-order walks (Grover & Leskovec 2016, arXiv:1607.00653): from t → v the next
 * node x is drawn ∝ 1/p if x = t, 1 if x is a neighbour of t, 1/q otherwise. Each round visits the nodes
 * in a fresh random order; a walk stops early at a node without neighbours.
 */
export function randomWalks(edgeIndex: Tensor, options: RandomWalkOptions = {}): number[][] {
  const op = "randomWalks";
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const N = inferNumNodes(op, edges, options.numNodes);
  const length = checkSize(op, "walkLength", options.walkLength ?? 40);
  const rounds = checkSize(op, "walksPerNode", options.walksPerNode ?? 10);
  const p = checkNumber(op, "p", options.p ?? 1), q = checkNumber(op, "q", options.q ?? 1);
  if (!(p > 0 && q > 0)) throw new Error(`${op}: p and q must be positive, got p = ${p}, q = ${q}`);
  const sets: Set<number>[] = Array.from({ length: N }, () => new Set());
  for (let e = 0; e < edges.source.length; e++) {
    sets[edges.source[e]!]!.add(edges.target[e]!);
    sets[edges.target[e]!]!.add(edges.source[e]!);
  }
  const neighbours = sets.map((s) => [...s].sort((a, b) => a - b));
  const gen = new Generator(options.seed ?? 0);
  const uniform = p === 1 && q === 1;
  const walks: number[][] = [];
  for (let r = 0; r < rounds; r++) {
    for (const start of gen.permutation(N)) {
      const walk = [start];
      while (walk.length < length) {
        const v = walk[walk.length - 1]!, nb = neighbours[v]!;
        if (nb.length === 0) break;
        if (uniform || walk.length === 1) {
          walk.push(nb[gen.randint(0, nb.length)]!);
          continue;
        }
        const t = walk[walk.length - 2]!;
        const weights = nb.map((x) => (x === t ? 1 / p : sets[t]!.has(x) ? 1 : 1 / q));
        walk.push(nb[gen.categorical(weights)]!);
      }
      walks.push(walk);
    }
  }
  return walks;
}

/**
 * Options of {@link trainSkipGram} (word2vec's skip-gram with negative sampling, also used by
 * {@link deepWalk} and {@link node2vec}): embedding size, window, negative samples, epochs, learning rate,
 * vocabulary size and seed.
 */
export interface SkipGramOptions {
  /** Embedding size (default 128). */
  dim?: number;
  /** Context window: tokens up to this far on either side (default 5). */
  window?: number;
  /** Negative samples per positive pair, drawn ∝ count^0.75 (default 5). */
  negative?: number;
  /** Passes over the sequences (default 1). */
  epochs?: number;
  /** Learning rate, decayed linearly to 0.0001·lr over training (word2vec's schedule; default 0.025). */
  lr?: number;
  /** Vocabulary size (default: 1 + the largest token). */
  vocabSize?: number;
  seed?: number;
}

/**
 * Skip-gram with negative sampling (Mikolov et al. 2013, arXiv:1310.4546), trained by word2vec's SGD:
 * for each token c and context token o within the window, ascend log σ(u_o·v_c) + Σ_k log σ(−u_k·v_c) over
 * `negative` tokens k drawn from the unigram distribution to the 3/4 power. Returns the input vectors v
 * as a [vocabSize, dim] float32 tensor. Plain loops (no autograd): millions of tiny updates. The trainer is
 * text's `trainNegativeSampling` (shared with `text.Word2Vec`), here without subsampling.
 */
export function trainSkipGram(sequences: readonly (readonly number[])[], options: SkipGramOptions = {}): Tensor {
  const op = "trainSkipGram";
  if (!Array.isArray(sequences)) throw new Error(`${op}: sequences must be an array of token arrays, got ${describe(sequences)}`);
  let V = 0;
  for (const s of sequences) {
    for (const t of s) {
      if (!Number.isInteger(t) || t < 0) throw new Error(`${op}: tokens must be non-negative integers, got ${describe(t)}`);
      V = Math.max(V, t + 1);
    }
  }
  if (options.vocabSize !== undefined) {
    const given = checkSize(op, "vocabSize", options.vocabSize);
    if (given < V) throw new Error(`${op}: token ${V - 1} is outside vocabSize ${given}`);
    V = given;
  }
  const r = trainNegativeSampling(op, sequences, V, {
    model: "skipgram",
    dim: options.dim ?? 128,
    window: options.window ?? 5,
    negative: options.negative ?? 5,
    epochs: options.epochs ?? 1,
    lr: options.lr ?? 0.025,
    sample: 0,
    seed: options.seed ?? 0,
  });
  return Tensor.fromData(r.input, [V, r.dim], "float32");
}

/** DeepWalk (Perozzi et al. 2014, arXiv:1403.6652): skip-gram over uniform random walks; [N, dim] node embeddings. */
export function deepWalk(edgeIndex: Tensor, options: Omit<RandomWalkOptions, "p" | "q"> & SkipGramOptions = {}): Tensor {
  const walks = randomWalks(edgeIndex, { ...options, p: 1, q: 1 });
  return trainSkipGram(walks, { ...options, vocabSize: inferNumNodes("deepWalk", edgeArrays("deepWalk", edgeIndex, options.numNodes), options.numNodes) });
}

/** node2vec (Grover & Leskovec 2016): skip-gram over p/q-biased second-order walks; [N, dim] node embeddings. */
export function node2vec(edgeIndex: Tensor, options: RandomWalkOptions & SkipGramOptions = {}): Tensor {
  const walks = randomWalks(edgeIndex, options);
  return trainSkipGram(walks, { ...options, vocabSize: inferNumNodes("node2vec", edgeArrays("node2vec", edgeIndex, options.numNodes), options.numNodes) });
}

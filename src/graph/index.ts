// deepscript graph: graph data (Data, Batch, DataLoader), graph utilities, sparse ops with gradients
// (SpMM, scatter, segment softmax), message-passing layers (graph.nn) and datasets — PyTorch Geometric's shape.
export { Data, Batch, DataLoader } from "./Data.js";
export type { DataInit } from "./Data.js";
export { spmm, scatter, softmax } from "./sparse.js";
export type { ScatterOptions, ScatterReduce } from "./sparse.js";
export {
  removeSelfLoops, addSelfLoops, addRemainingSelfLoops, coalesce, toUndirected, isUndirected, containsSelfLoops,
  degree, subgraph, toDenseAdj, denseToSparse, toCSR, fromCSR,
} from "./utils.js";
export type { EdgesWithAttr, EdgeAttrOptions, CSR } from "./utils.js";
export * as nn from "./nn/index.js";
export { cora, coraFromJson, karateClub, karateFromJson, syntheticGraphs, parseEdgeList, readEdgeList } from "./datasets.js";
export type { CoraJson, KarateJson, SyntheticGraphsOptions, EdgeListOptions, EdgeList } from "./datasets.js";
export {
  bfs, dfs, dijkstra, minimumSpanningTree, connectedComponents, laplacian, spectralEmbedding, spectralClustering, kMeans,
} from "./algorithms.js";
export type { GraphOptions, SpanningTree, LaplacianOptions } from "./algorithms.js";
export { randomWalks, trainSkipGram, deepWalk, node2vec } from "./embeddings.js";
export type { RandomWalkOptions, SkipGramOptions } from "./embeddings.js";
export { negativeSampling, randomLinkSplit } from "./linkSplit.js";
export type { NegativeSamplingOptions, RandomLinkSplitOptions, LinkSplit } from "./linkSplit.js";

// deepscript graph.nn: message-passing layers and global pooling readouts (PyTorch Geometric's names and parameters).
export { MessagePassing } from "./MessagePassing.js";
export type { Aggregation, MessageContext, PropagateInputs } from "./MessagePassing.js";
export { GCNConv, gcnNorm } from "./GCNConv.js";
export type { GCNConvOptions } from "./GCNConv.js";
export { SAGEConv } from "./SAGEConv.js";
export type { SAGEConvOptions } from "./SAGEConv.js";
export { GATConv } from "./GATConv.js";
export type { GATConvOptions } from "./GATConv.js";
export { GINConv } from "./GINConv.js";
export { GatedGraphConv, GRUCell } from "./GatedGraphConv.js";
export { globalAddPool, globalMeanPool, globalMaxPool } from "./pool.js";

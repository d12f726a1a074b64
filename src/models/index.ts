// Reference models, each one readable file: GPT (nanoGPT's decoder-only Transformer).
export { GPT, GPTTransformer, Block, CausalSelfAttention, MLP, KVCache } from "./GPT.js";
export type { GPTConfig, GenerateOptions, LayerCache } from "./GPT.js";

// Reference models, each one readable file: GPT (nanoGPT's decoder-only Transformer), BERT (masked-LM encoder).
export { GPT, GPTTransformer, Block, CausalSelfAttention, MLP, KVCache } from "./GPT.js";
export type { GPTConfig, GenerateOptions, LayerCache } from "./GPT.js";
export { BERT, BertEmbeddings, BertPooler, BertLMPredictionHead, maskTokens } from "./BERT.js";
export type { BERTConfig, BERTInputs, BERTOutput, MaskTokensOptions } from "./BERT.js";

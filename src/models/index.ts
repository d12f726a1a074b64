// Reference models, each one readable file: GPT (nanoGPT's decoder-only Transformer), BERT (masked-LM encoder) and Seq2SeqTransformer (encoder–decoder).
export { GPT, GPTTransformer, Block, CausalSelfAttention, MLP, KVCache } from "./GPT.js";
export type { GPTConfig, GenerateOptions, LayerCache } from "./GPT.js";
export { BERT, BertEmbeddings, BertPooler, BertLMPredictionHead, maskTokens } from "./BERT.js";
export type { BERTConfig, BERTInputs, BERTOutput, MaskTokensOptions } from "./BERT.js";
export { Seq2SeqTransformer } from "./Seq2SeqTransformer.js";
export type { Seq2SeqTransformerConfig, Seq2SeqTransformerState } from "./Seq2SeqTransformer.js";

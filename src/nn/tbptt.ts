// Truncated backpropagation through time: run a long sequence in chunks, carrying the recurrent state
// forward but cutting the gradient at chunk boundaries (Williams & Peng 1990,
// https://doi.org/10.1162/neco.1990.2.4.490; PyTorch's word_language_model `repackage_hidden`).
import { Tensor } from "../tensor/Tensor.js";
import { checkInt, describe } from "../tensor/validate.js";

/** A recurrent state: a tensor (RNN, GRU), a pair (LSTM), or nested arrays of them. */
export type RecurrentState = Tensor | readonly RecurrentState[];

/** The same state with every tensor detached from the graph (values shared), so the next chunk's backward stops here. */
export function detachState<S extends RecurrentState>(state: S): S {
  if (state instanceof Tensor) return state.detach() as S;
  if (Array.isArray(state)) return state.map((s: RecurrentState) => detachState(s)) as unknown as S;
  throw new Error(`detachState: expected a tensor or an array of tensors, got ${describe(state)}`);
}

/** Options of {@link truncatedBPTT}: the sequence layout and the recurrent state before the first chunk. */
export interface TruncatedBPTTOptions<S> {
  /** The sequence is (B, T, *) instead of (T, B, *). */
  batchFirst?: boolean;
  /** The state before the first chunk (undefined: the layer's zeros). */
  initialState?: S;
}

/**
 * Splits `sequence` (T, B, *) (or (B, T, *) with batchFirst) into chunks of `chunkLength` steps (the
 * last may be shorter) and calls `step(chunk, state, index)` on each in order, where `state` is the
 * state `step` returned for the previous chunk, detached; `step` does the forward, backward and
 * optimizer step of one chunk and returns the final recurrent state. Returns the last state (detached).
 *
 * ```ts
 * truncatedBPTT(tokens, 35, (chunk, state) => {
 *   optimizer.zeroGrad();
 *   const [out, next] = lstm.call(embed.call(chunk), state);
 *   loss(out).backward();
 *   optimizer.step();
 *   return next;
 * });
 * ```
 */
export function truncatedBPTT<S extends RecurrentState>(
  sequence: Tensor,
  chunkLength: number,
  step: (chunk: Tensor, state: S | undefined, index: number) => S,
  options: TruncatedBPTTOptions<S> = {},
): S | undefined {
  const op = "truncatedBPTT";
  if (!(sequence instanceof Tensor) || sequence.ndim < 1) throw new Error(`${op}: sequence must be a tensor with a time dimension, got ${describe(sequence)}`);
  checkInt(op, "chunkLength", chunkLength);
  if (chunkLength <= 0) throw new Error(`${op}: chunkLength must be positive, got ${chunkLength}`);
  if (typeof step !== "function") throw new Error(`${op}: step must be a function, got ${describe(step)}`);
  const dim = options.batchFirst ? 1 : 0;
  if (sequence.ndim <= dim) throw new Error(`${op}: a batchFirst sequence needs at least 2 dims, got shape [${sequence.shape}]`);
  const T = sequence.shape[dim]!;
  let state = options.initialState === undefined ? undefined : detachState(options.initialState);
  for (let start = 0, index = 0; start < T; start += chunkLength, index++) {
    const chunk = sequence.narrow(dim, start, Math.min(chunkLength, T - start));
    state = detachState(step(chunk, state, index));
  }
  return state;
}

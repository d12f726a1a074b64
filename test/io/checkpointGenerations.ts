// Checkpoints numbered by generation, for the interrupted-save test: every tensor and field of generation g holds g, so a mix of two saves shows.
import type { Checkpoint } from "../../src/io/checkpoint.js";
import { Tensor } from "../../src/tensor/Tensor.js";

/** Generation g: weights and optimizer buffers filled with g, tensor sizes and config text that vary with g. */
export function generationCheckpoint(g: number): Checkpoint {
  const w = Tensor.fromData(new Float32Array(1 << 16).fill(g), [1 << 8, 1 << 8], "float32");
  const b = Tensor.fromData(new Float64Array(1 + (g % 5)).fill(g), [1 + (g % 5)], "float64");
  const momentum = Tensor.fromData(new Float32Array(1 << 13).fill(g), [1 << 13], "float32");
  return {
    stateDict: { w, b },
    config: { generation: g, note: "g".repeat(100 + (g % 7) * 1000) },
    optimizer: { state: { 0: { step: g, momentumBuffer: momentum } }, paramGroups: [{ lr: 0.1, params: [0] }] },
    extra: { generation: g },
  };
}

function allEqual(t: Tensor, g: number): boolean {
  const d = t.dataSync();
  for (let i = 0; i < d.length; i++) if (d[i] !== g) return false;
  return true;
}

/** The generation a loaded checkpoint holds; throws if its parts come from different generations. */
export function generationOf(ck: Checkpoint): number {
  const g = (ck.extra as { generation: number }).generation;
  const config = ck.config as { generation: number; note: string };
  const optimizer = ck.optimizer as { state: Record<string, { step: number; momentumBuffer: Tensor }> };
  const { w, b } = ck.stateDict;
  const parts = {
    config: config.generation === g && config.note.length === 100 + (g % 7) * 1000,
    optimizerStep: optimizer.state["0"]!.step === g,
    momentum: allEqual(optimizer.state["0"]!.momentumBuffer, g),
    w: w !== undefined && allEqual(w, g),
    b: b !== undefined && b.shape[0] === 1 + (g % 5) && allEqual(b, g),
  };
  const mixed = Object.entries(parts).filter(([, ok]) => !ok).map(([name]) => name);
  if (mixed.length > 0) throw new Error(`checkpoint of generation ${g} has parts from another generation: ${mixed.join(", ")}`);
  return g;
}

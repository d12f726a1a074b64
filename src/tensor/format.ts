// Printing tensors the way PyTorch does: tensor([[1., 2.]], requiresGrad=true).
import type { Tensor } from "./Tensor.js";
import { denseValues } from "../backend/cpu/strided.js";

const MAX_ELEMENTS = 1000;
const EDGE = 3;

function formatter(values: ArrayLike<number>, dtype: string): (v: number) => string {
  if (dtype === "bool") return (v) => (v ? "True" : "False");
  if (dtype === "int32") return (v) => String(v);
  let allInt = true, maxAbs = 0, minAbs = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) allInt = false;
    const a = Math.abs(v);
    maxAbs = Math.max(maxAbs, a);
    if (a > 0) minAbs = Math.min(minAbs, a);
  }
  const special = (v: number): string | null => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : null);
  if (allInt && maxAbs < 1e8) return (v) => special(v) ?? `${v.toFixed(0)}.`;
  if (maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Infinity) || maxAbs / Math.max(minAbs, 1e-300) > 1e3 && maxAbs > 1e3) {
    return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
  }
  return (v) => special(v) ?? v.toFixed(4);
}

export function formatTensor(t: Tensor): string {
  if (t.isDisposed) return `tensor(<disposed>, shape=${"[" + t.shape.join(", ") + "]"}, dtype=${t.dtype})`;
  const vals = denseValues(t);
  const fmt = formatter(vals, t.dtype);
  const summarize = t.size > MAX_ELEMENTS;
  const strs: string[] = [];
  for (let i = 0; i < vals.length; i++) strs.push(fmt(vals[i]!));
  const width = strs.reduce((w, s) => Math.max(w, s.length), 0);
  const indent = "tensor(".length;
  const rec = (d: number, base: number, stride: number): string => {
    if (t.ndim === 0) return strs[0]!;
    const n = t.shape[d]!;
    const inner = stride / n;
    const idx: (number | null)[] = [];
    if (summarize && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    if (d === t.ndim - 1) {
      return "[" + idx.map((i) => (i === null ? "..." : strs[base + i]!.padStart(width))).join(", ") + "]";
    }
    const sep = "," + "\n".repeat(t.ndim - 1 - d) + " ".repeat(indent + d + 1);
    return "[" + idx.map((i) => (i === null ? "..." : rec(d + 1, base + i * inner, inner))).join(sep) + "]";
  };
  const body = rec(0, 0, t.size);
  const extras: string[] = [];
  if (t.size === 0 && t.ndim !== 1) extras.push(`size=[${t.shape.join(", ")}]`);
  if (t.dtype !== "float32" && !(t.dtype === "bool") && !(t.dtype === "int32" && false)) extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) extras.push("requiresGrad=true");
  return `tensor(${body}${extras.map((e) => ", " + e).join("")})`;
}

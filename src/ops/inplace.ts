// In-place writes: values are written into the tensor's own storage and its version counter moves on.
import { Tensor, type Scalar } from "../tensor/Tensor.js";
import { isGradEnabled, noGrad } from "../autograd/engine.js";
import { cast } from "./elementwise.js";
import { contiguous, contiguousData, expand } from "./movement.js";
import { broadcastShapes, fmtShape, shapesEqual } from "../tensor/shape.js";
import { allocate, isFloating, type TypedArray } from "../tensor/dtype.js";
import type { DeviceBuffer } from "../backend/storage.js";
import { toDevice } from "./creation.js";
import { isDense, offsets } from "../backend/cpu/strided.js";

/**
 * Writes `value` (a tensor broadcast to target's shape, or a scalar) into `target`. Forbidden on
 * tensors that are part of the tape while recording; the version bump lets backward detect writes
 * to tensors it saved.
 */
export function inplace<T extends Tensor>(target: T, op: string, value: Tensor | Scalar): T {
  target.assertLive(op);
  // Writing one value everywhere is well defined even where elements share memory (PyTorch allows it too).
  if (op !== "fill_" && op !== "zero_" && op !== "maskedFill_") checkNoInternalOverlap(op, target);
  if (value instanceof Tensor) value.assertLive(op);
  if (isGradEnabled() && target.requiresGrad) {
    throw new Error(
      target.isLeaf
        ? `${op}: a leaf tensor that requires grad cannot be modified in place while recording; wrap the update in noGrad(() => ...)`
        : `${op}: in-place modification of a tensor that is part of the autograd graph is not supported; use the out-of-place op`,
    );
  }
  if (target.storage.device !== null) return deviceInplace(target, op, value);
  const data = target.storage.data;
  if (isDense(target)) {
    // Fast paths: a dense block written from a dense same-shape value or a scalar.
    const start = target.offset, end = target.offset + target.size;
    if (value instanceof Tensor) {
      if (isDense(value) && shapesEqual(value.shape, target.shape) && (value.dtype === target.dtype || isFloating(target.dtype))) {
        data.set(value.storage.data.subarray(value.offset, value.offset + value.size) as never, start);
        target.storage.version++;
        return target;
      }
    } else if (isFloating(target.dtype)) {
      data.fill(typeof value === "boolean" ? (value ? 1 : 0) : value, start, end);
      target.storage.version++;
      return target;
    }
  }
  const dst = offsets(target, target.shape);
  const conv = target.dtype === "int32" ? (v: number) => Math.trunc(v) | 0 : target.dtype === "bool" ? (v: number) => (v ? 1 : 0) : (v: number) => v;
  if (value instanceof Tensor) {
    const shape = broadcastShapes(op, target.shape, value.shape);
    if (shape.length !== target.ndim || shape.some((s, i) => s !== target.shape[i])) {
      throw new Error(`${op}: the value of shape ${fmtShape(value.shape)} cannot be broadcast to the target's shape ${fmtShape(target.shape)}`);
    }
    // Read everything first: value may alias target's storage.
    const src = offsets(value, target.shape);
    const vd = value.storage.data;
    const vals = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) vals[i] = vd[src[i]!]!;
    for (let i = 0; i < dst.length; i++) data[dst[i]!] = conv(vals[i]!);
  } else {
    const v = conv(typeof value === "boolean" ? (value ? 1 : 0) : value);
    for (let i = 0; i < dst.length; i++) data[dst[i]!] = v;
  }
  target.storage.version++;
  return target;
}

/**
 * The in-place write into a tensor whose storage lives on a device: the value, broadcast and converted
 * to the target's shape and dtype (on the host for host values, by the device's kernels for device
 * ones), is copied into the target's block, in order with the device's other work. Dense targets only.
 */
function deviceInplace<T extends Tensor>(target: T, op: string, value: Tensor | Scalar): T {
  const device = target.storage.device!;
  if (!isDense(target) && device.writeStrided === undefined) {
    throw new Error(
      `${op}: writing in place into a non-contiguous ${device.device} tensor (shape ${fmtShape(target.shape)}, strides ${fmtShape(target.strides)}) is not supported yet; use the out-of-place op`,
    );
  }
  const n = target.size;
  if (value instanceof Tensor) {
    const shape = broadcastShapes(op, target.shape, value.shape);
    if (shape.length !== target.ndim || shape.some((s, i) => s !== target.shape[i])) {
      throw new Error(`${op}: the value of shape ${fmtShape(value.shape)} cannot be broadcast to the target's shape ${fmtShape(target.shape)}`);
    }
    if (n > 0) {
      const v = noGrad(() => {
        const full = contiguous(cast(expand(value.detach(), target.shape), target.dtype));
        return full.storage === target.storage ? contiguous(full, { copy: true }) : full;
      });
      writeBlock(target, v.storage.device ?? contiguousData(v), v.offset);
    }
  } else if (n > 0) {
    const v = typeof value === "boolean" ? (value ? 1 : 0) : value;
    const values = allocate(target.dtype, n);
    values.fill(target.dtype === "int32" ? Math.trunc(v) | 0 : target.dtype === "bool" ? (v ? 1 : 0) : v);
    writeBlock(target, values, 0);
  }
  target.storage.version++;
  return target;
}

/** Writes a contiguous block of the target's shape (host values, or device ones from `srcOffset`) into the device target. */
function writeBlock(target: Tensor, src: TypedArray | DeviceBuffer, srcOffset: number): void {
  const device = target.storage.device!;
  if (isDense(target)) {
    device.write(src, srcOffset, target.offset, target.size);
    return;
  }
  // a strided target: the block goes to the device first (a fresh buffer), then a strided copy
  const block = ArrayBuffer.isView(src) ? toDevice(Tensor.fromData(src as TypedArray, target.shape, target.dtype)) : null;
  const from = block === null ? (src as DeviceBuffer) : block.storage.device;
  if (from === null) throw new Error(`internal: no device to stage a strided write into the ${device.device} tensor`);
  device.writeStrided!(from, block === null ? srcOffset : 0, target.shape, target.strides, target.offset);
}

type ArithOp = "add" | "sub" | "mul" | "div";

/**
 * target op= value, computed in place when target is a dense float tensor and value a scalar or a
 * dense tensor of the same shape (the optimizer-update case); otherwise via `compute` and a copy.
 */
export function inplaceArith<T extends Tensor>(target: T, op: ArithOp, value: Tensor | number, compute: () => Tensor): T {
  const name = `${op}_`;
  target.assertLive(name);
  checkNoInternalOverlap(name, target);
  if (value instanceof Tensor) value.assertLive(name);
  if (target.storage.device === null && isFloating(target.dtype) && isDense(target) && !(isGradEnabled() && target.requiresGrad)) {
    const d = target.storage.data, o = target.offset, n = target.size;
    if (typeof value === "number") {
      switch (op) {
        case "add": for (let i = o; i < o + n; i++) d[i] = d[i]! + value; break;
        case "sub": for (let i = o; i < o + n; i++) d[i] = d[i]! - value; break;
        case "mul": for (let i = o; i < o + n; i++) d[i] = d[i]! * value; break;
        case "div": for (let i = o; i < o + n; i++) d[i] = d[i]! / value; break;
      }
      target.storage.version++;
      return target;
    }
    if (isDense(value) && shapesEqual(value.shape, target.shape) && value.storage !== target.storage) {
      const v = value.storage.data, p = value.offset - o;
      switch (op) {
        case "add": for (let i = o; i < o + n; i++) d[i] = d[i]! + v[i + p]!; break;
        case "sub": for (let i = o; i < o + n; i++) d[i] = d[i]! - v[i + p]!; break;
        case "mul": for (let i = o; i < o + n; i++) d[i] = d[i]! * v[i + p]!; break;
        case "div": for (let i = o; i < o + n; i++) d[i] = d[i]! / v[i + p]!; break;
      }
      target.storage.version++;
      return target;
    }
  }
  return inplace(target, name, compute());
}

/**
 * Refuses to write into a tensor where several elements are one memory location (an `expand`ed view):
 * the result would depend on write order. PyTorch refuses the same.
 */
function checkNoInternalOverlap(op: string, target: Tensor): void {
  for (let i = 0; i < target.ndim; i++) {
    if (target.strides[i] === 0 && target.shape[i]! > 1) {
      throw new Error(
        `${op}: more than one element of the written-to tensor (shape ${fmtShape(target.shape)}, strides ${fmtShape(target.strides)}) refers to a single memory location; clone() it before writing in place`,
      );
    }
  }
}

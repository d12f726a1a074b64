// The ONNX mappings of the convolution family: Conv/ConvTranspose, pooling, 2-D/3-D norms, channel dropout, Upsample, Pixel(Un)Shuffle.
import type { Tensor } from "../tensor/Tensor.js";
import { ones, tensor, zeros } from "../ops/creation.js";
import { samePadding } from "../ops/conv.js";
import { intTuple, poolOutputSize } from "../ops/pooling.js";
import type { AnyModule } from "../nn/Module.js";
import { BatchNorm, BatchNorm1d, BatchNorm2d, BatchNorm3d } from "../nn/BatchNorm.js";
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "../nn/Conv.js";
import { Dropout1d, Dropout2d, Dropout3d } from "../nn/Dropout.js";
import { GroupNorm } from "../nn/GroupNorm.js";
import { InstanceNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from "../nn/InstanceNorm.js";
import {
  AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d,
  AvgPool1d, AvgPool2d, AvgPool3d, MaxPool1d, MaxPool2d, MaxPool3d,
  type AdaptiveAvgPoolNd, type AdaptiveMaxPoolNd, type AvgPoolNd, type MaxPoolNd,
} from "../nn/pooling.js";
import { PixelShuffle, PixelUnshuffle, Upsample, UpsamplingBilinear2d, UpsamplingNearest2d } from "../nn/upsampling.js";
import type { GraphBuilder, ModuleExporter } from "./GraphBuilder.js";

type ModuleClass<M extends AnyModule> = abstract new (...args: never[]) => M;
type Pair = [ModuleClass<AnyModule>, ModuleExporter];
const pair = <M extends AnyModule>(moduleClass: ModuleClass<M>, exporter: ModuleExporter<M>): Pair => [moduleClass, exporter as ModuleExporter];

/** `module "features.0" (Conv2d)`, for errors. */
function where(g: GraphBuilder, m: AnyModule): string {
  return `module ${g.path === "" ? "(the model)" : `"${g.path}"`} (${m.constructor.name})`;
}

/**
 * ONNX's Conv, pooling and norm operators need a batch dim: an unbatched (C, *spatial) input is
 * unsqueezed to (1, C, *spatial) around `body` and squeezed back.
 */
function batched(g: GraphBuilder, m: AnyModule, x: string, nd: number, body: (x: string) => string): string {
  const rank = g.shape(x).length;
  if (rank === nd + 2) return body(x);
  if (rank !== nd + 1) throw new Error(`${g.op}: ${where(g, m)} expects a ${nd + 1}-D or ${nd + 2}-D input, got rank ${rank}`);
  const y = body(g.unsqueeze(x, [0]));
  return g.opset >= 13 ? g.node("Squeeze", [y, g.int64([0])]) : g.node("Squeeze", [y], { axes: { ints: [0] } });
}

/** The sizes of x's last nd dims as numbers, with an error naming the module if one is dynamic. */
function staticSpatial(g: GraphBuilder, m: AnyModule, x: string, nd: number, why: string): number[] {
  const dims = g.shape(x).slice(-nd);
  return dims.map((d) => {
    if (typeof d !== "number") throw new Error(`${g.op}: ${where(g, m)} ${why}, but that size is dynamic (${d ?? "derived from a dynamic axis"})`);
    return d;
  });
}

type AnyConv = Conv1d | Conv2d | Conv3d;

/** Pad's mode for each non-zeros padding mode, and the opset that has it. */
const PAD_MODES = { reflect: ["reflect", 11], replicate: ["edge", 11], circular: ["wrap", 19] } as const;

/**
 * Conv with explicit [begin…, end…] pads ("same" resolved as PyTorch does: the odd zero at the end);
 * reflect/replicate/circular padding is a Pad node before it, as F.pad runs before the convolution.
 */
const convExporter: ModuleExporter<AnyConv> = (g, m, [x]) => {
  const nd = m.kernelSize.length;
  const pairs: [number, number][] =
    m.padding === "same" ? samePadding(m.kernelSize, m.dilation) : m.padding === "valid" ? m.kernelSize.map(() => [0, 0]) : m.padding.map((p) => [p, p]);
  const w = g.initializer(m.weight, "weight");
  const b = m.bias ? g.initializer(m.bias, "bias") : null;
  return batched(g, m, x!, nd, (input) => {
    let pads = [...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])];
    if (m.paddingMode !== "zeros" && pads.some((p) => p !== 0)) {
      const [mode, since] = PAD_MODES[m.paddingMode];
      if (g.opset < since) {
        throw new Error(
          `${g.op}: ${where(g, m)} has paddingMode "${m.paddingMode}", which ONNX's Pad has (mode "${mode}") only from opset ${since}; ` +
            `export with opsetVersion: ${since} or later, got ${g.opset}`,
        );
      }
      input = g.node("Pad", [input, g.int64([0, 0, ...pads.slice(0, nd), 0, 0, ...pads.slice(nd)])], { mode: { s: mode } });
      pads = pads.map(() => 0);
    }
    return g.node("Conv", [input, w, b], {
      kernel_shape: { ints: m.kernelSize }, strides: { ints: m.stride }, pads: { ints: pads }, dilations: { ints: m.dilation }, group: { i: m.groups },
    });
  });
};

type AnyConvTranspose = ConvTranspose1d | ConvTranspose2d | ConvTranspose3d;

/** ConvTranspose: PyTorch's weight layout (Cin, Cout/groups, *k) is ONNX's; outputPadding adds to the end of each dim. */
const convTransposeExporter: ModuleExporter<AnyConvTranspose> = (g, m, [x]) => {
  const nd = m.kernelSize.length;
  const w = g.initializer(m.weight, "weight");
  const b = m.bias ? g.initializer(m.bias, "bias") : null;
  return batched(g, m, x!, nd, (input) =>
    g.node("ConvTranspose", [input, w, b], {
      kernel_shape: { ints: m.kernelSize }, strides: { ints: m.stride }, pads: { ints: [...m.padding, ...m.padding] },
      dilations: { ints: m.dilation }, group: { i: m.groups }, output_padding: { ints: m.outputPadding },
    }),
  );
};

/**
 * ONNX's ceil_mode for a PyTorch pooling. PyTorch drops a last window that would start in the right
 * padding; ONNX Runtime does too, but ONNX's shape inference does not. So ceil_mode is written only
 * where rounding up adds a window PyTorch keeps; elsewhere rounding down gives the same windows.
 */
function onnxCeilMode(g: GraphBuilder, x: string, ceilMode: boolean, kernel: number[], stride: number[], pads: number[], dilation: number[]): number {
  if (!ceilMode) return 0;
  const spatial = g.shape(x).slice(-kernel.length);
  if (spatial.some((d) => typeof d !== "number")) return 1;
  const adds = (spatial as number[]).some((n, i) => {
    const size = (ceil: boolean) => poolOutputSize(n, kernel[i]!, pads[i]!, stride[i]!, dilation[i]!, ceil);
    return size(true) > size(false);
  });
  return adds ? 1 : 0;
}

const poolNd = (m: AnyModule): number => Number(/([123])d$/.exec(m.constructor.name)![1]);

/** MaxPool (its −∞ padding, dilation and ceil mode are ONNX's); ONNX's indices count over the whole tensor, so returnIndices is refused. */
const maxPoolExporter: ModuleExporter<MaxPoolNd<boolean>> = (g, m, [x]) => {
  if (m.returnIndices) throw new Error(`${g.op}: ${where(g, m)} returns indices (returnIndices: true); ONNX's MaxPool indices count over the whole tensor, not per plane as PyTorch's, so only the values export`);
  const nd = poolNd(m);
  const kernel = intTuple(m.constructor.name, "kernelSize", m.kernelSize, nd, 1);
  const pads = intTuple(m.constructor.name, "padding", m.padding, nd, 0);
  const stride = intTuple(m.constructor.name, "stride", m.stride, nd, 1), dilation = intTuple(m.constructor.name, "dilation", m.dilation, nd, 1);
  const ceilMode = onnxCeilMode(g, x!, m.ceilMode, kernel, stride, pads, dilation);
  return batched(g, m, x!, nd, (input) =>
    g.node("MaxPool", [input], {
      kernel_shape: { ints: kernel }, strides: { ints: stride }, pads: { ints: [...pads, ...pads] }, dilations: { ints: dilation }, ceil_mode: { i: ceilMode },
    }),
  );
};

/**
 * AveragePool (count_include_pad as countIncludePad). A divisorOverride d is the mean over the whole
 * padded window times k/d, which holds while every window lies in the padded input (no ceil mode).
 */
const avgPoolExporter: ModuleExporter<AvgPoolNd> = (g, m, [x]) => {
  const nd = poolNd(m);
  const kernel = intTuple(m.constructor.name, "kernelSize", m.kernelSize, nd, 1);
  const pads = intTuple(m.constructor.name, "padding", m.padding, nd, 0);
  const override = m.divisorOverride;
  if (override !== null && m.ceilMode) {
    throw new Error(`${g.op}: ${where(g, m)} combines divisorOverride with ceilMode, which ONNX's AveragePool cannot express (a last window past the padding has fewer elements)`);
  }
  const stride = intTuple(m.constructor.name, "stride", m.stride, nd, 1);
  const ceilMode = onnxCeilMode(g, x!, m.ceilMode, kernel, stride, pads, kernel.map(() => 1));
  return batched(g, m, x!, nd, (input) => {
    const y = g.node("AveragePool", [input], {
      kernel_shape: { ints: kernel }, strides: { ints: stride }, pads: { ints: [...pads, ...pads] },
      ceil_mode: { i: ceilMode }, count_include_pad: { i: m.countIncludePad || override !== null ? 1 : 0 },
    });
    if (override === null) return y;
    const factor = kernel.reduce((p, k) => p * k, 1) / override;
    return g.node("Mul", [y, g.scalar(factor, x!)]);
  });
};

/**
 * Adaptive pooling: output 1 is GlobalAveragePool/GlobalMaxPool (any input size); another output size
 * is a fixed pooling when it divides the input size (kernel = stride = in/out), since ONNX has no
 * adaptive operator.
 */
function adaptiveExporter(kind: "Average" | "Max"): ModuleExporter<AdaptiveAvgPoolNd | AdaptiveMaxPoolNd<boolean>> {
  return (g, m, [x]) => {
    if ("returnIndices" in m && m.returnIndices) throw new Error(`${g.op}: ${where(g, m)} returns indices (returnIndices: true); only the values export to ONNX`);
    const nd = poolNd(m);
    const out = typeof m.outputSize === "number" ? new Array<number | null>(nd).fill(m.outputSize) : [...m.outputSize];
    return batched(g, m, x!, nd, (input) => {
      if (out.every((s) => s === 1)) return g.node(`Global${kind}Pool`, [input]);
      const inSize = staticSpatial(g, m, x!, nd, `pools to output size ${JSON.stringify(m.outputSize)} with fixed windows`);
      const sizes = out.map((s, i) => s ?? inSize[i]!);
      const bad = sizes.findIndex((s, i) => s === 0 || inSize[i]! % s !== 0);
      if (bad >= 0) {
        throw new Error(
          `${g.op}: ${where(g, m)} pools input size [${inSize.join(",")}] to [${sizes.join(",")}]; ONNX has no adaptive pooling, and ` +
            `${inSize[bad]} is not a multiple of ${sizes[bad]} (only output size 1 or sizes that divide the input export)`,
        );
      }
      const kernel = inSize.map((s, i) => s / sizes[i]!);
      return g.node(`${kind}Pool`, [input], { kernel_shape: { ints: kernel }, strides: { ints: kernel } });
    });
  };
}

/**
 * BatchNormalization with the running statistics (export is in evaluation mode); the same node for
 * BatchNorm1d/2d/3d and for InstanceNorm with trackRunningStats.
 */
function batchNormNode(g: GraphBuilder, m: BatchNorm | InstanceNorm, x: string, dtype = g.dtype(x)): string {
  if (m.runningMean === null || m.runningVar === null) {
    throw new Error(
      `${g.op}: ${where(g, m)} keeps no running statistics (trackRunningStats: false), so it normalizes each batch with its own ` +
        "statistics even in evaluation; ONNX export needs trackRunningStats: true",
    );
  }
  const like = (fill: (s: number[], o: { dtype: Tensor["dtype"] }) => Tensor) => g.constant(fill([m.numFeatures], { dtype }));
  const scale = m.weight ? g.initializer(m.weight, "weight") : like(ones);
  const bias = m.bias ? g.initializer(m.bias, "bias") : like(zeros);
  const mean = g.initializer(m.runningMean, "running_mean"), variance = g.initializer(m.runningVar, "running_var");
  return g.node("BatchNormalization", [x, scale, bias, mean, variance], { epsilon: { f: m.eps } });
}

export const batchNormExporter: ModuleExporter<BatchNorm> = (g, m, [x]) => batchNormNode(g, m, x!);

/** InstanceNormalization over each sample's channels; with running statistics, evaluation uses them (BatchNormalization). */
const instanceNormExporter: ModuleExporter<InstanceNorm> = (g, m, [x]) => {
  const nd = poolNd(m), dims = g.shape(x!), dtype = g.dtype(x!);
  return batched(g, m, x!, nd, (input) => {
    if (m.trackRunningStats) return batchNormNode(g, m, input, dtype);
    const channels = dims[dims.length - nd - 1];
    if (typeof channels !== "number") throw new Error(`${g.op}: ${where(g, m)} needs a fixed channel count, got a dynamic one`);
    const like = (fill: (s: number[], o: { dtype: Tensor["dtype"] }) => Tensor) => g.constant(fill([channels], { dtype }));
    const scale = m.weight ? g.initializer(m.weight, "weight") : like(ones);
    const bias = m.bias ? g.initializer(m.bias, "bias") : like(zeros);
    return g.node("InstanceNormalization", [input, scale, bias], { epsilon: { f: m.eps } });
  });
};

/**
 * GroupNorm as (N, G, −1) statistics: ONNX's GroupNormalization changed the meaning of its scale at
 * opset 21 and is missing from many runtimes, so the graph spells it out. The affine map is per channel.
 */
const groupNormExporter: ModuleExporter<GroupNorm> = (g, m, [x]) => {
  const rank = g.shape(x!).length;
  const grouped = g.node("Reshape", [x!, g.int64([0, m.numGroups, -1])]); // (N, G, C/G·spatial)
  const centered = g.node("Sub", [grouped, g.reduce("ReduceMean", grouped, [2], true)]);
  const variance = g.reduce("ReduceMean", g.node("Mul", [centered, centered]), [2], true);
  const normed = g.node("Div", [centered, g.node("Sqrt", [g.node("Add", [variance, g.scalar(m.eps, x!)])])]);
  let y = g.node("Reshape", [normed, g.node("Shape", [x!])]); // (N, C, *)
  const perChannel = g.int64([m.numChannels, ...new Array<number>(rank - 2).fill(1)]); // (C, 1, …)
  if (m.weight) y = g.node("Mul", [y, g.node("Reshape", [g.initializer(m.weight, "weight"), perChannel])]);
  if (m.bias) y = g.node("Add", [y, g.node("Reshape", [g.initializer(m.bias, "bias"), perChannel])]);
  return y;
};

/**
 * Resize with PyTorch's source-index rules: nearest is ⌊dst/scale⌋ ("asymmetric", floor), nearest-exact
 * ⌊(dst + ½)/scale⌋ (half_pixel, round_prefer_ceil), the linear modes (dst + ½)/scale − ½ (half_pixel, which
 * unlike pytorch_half_pixel keeps PyTorch's rule for an output size of 1) or aligned corners. A scaleFactor
 * goes in as scales, a size as sizes (after the batch and channel dims).
 */
const upsampleExporter: ModuleExporter<Upsample> = (g, m, [x]) => {
  const rank = g.shape(x!).length, nd = rank - 2;
  if (m.mode === "area") throw new Error(`${g.op}: ${where(g, m)} has mode "area", which ONNX's Resize does not have; use AdaptiveAvgPool with an output size that divides the input`);
  const attributes: Record<string, { s: string }> =
    m.mode === "nearest" ? { mode: { s: "nearest" }, coordinate_transformation_mode: { s: "asymmetric" }, nearest_mode: { s: "floor" } }
    : m.mode === "nearest-exact" ? { mode: { s: "nearest" }, coordinate_transformation_mode: { s: "half_pixel" }, nearest_mode: { s: "round_prefer_ceil" } }
    : { mode: { s: "linear" }, coordinate_transformation_mode: { s: m.alignCorners ? "align_corners" : "half_pixel" } };
  if (m.scaleFactor !== null && !m.recomputeScaleFactor) {
    const factors = typeof m.scaleFactor === "number" ? new Array<number>(nd).fill(m.scaleFactor) : [...m.scaleFactor];
    const scales = g.constant(tensor([1, 1, ...factors], { dtype: "float32" }));
    return g.node("Resize", [x!, "", scales], attributes);
  }
  let size: number[];
  if (m.size !== null) size = typeof m.size === "number" ? new Array<number>(nd).fill(m.size) : [...m.size];
  else {
    // recomputeScaleFactor: the output size ⌊in·scale⌋ is fixed at export, and the source index follows in/out.
    const inSize = staticSpatial(g, m, x!, nd, "recomputes its scale from the input size (recomputeScaleFactor)");
    size = inSize.map((s, i) => Math.floor(s * (typeof m.scaleFactor === "number" ? m.scaleFactor : m.scaleFactor![i]!)));
  }
  const leading = g.node("Slice", [g.node("Shape", [x!]), g.int64([0]), g.int64([2])]); // (N, C)
  const sizes = g.node("Concat", [leading, g.int64(size)], { axis: { i: 0 } });
  return g.node("Resize", [x!, "", "", sizes], attributes);
};

/** PixelShuffle is DepthToSpace in CRD order (channel c·r² + i·r + j goes to pixel (i, j) of channel c). */
const pixelShuffleExporter: ModuleExporter<PixelShuffle> = (g, m, [x]) =>
  batched(g, m, x!, 2, (input) => g.node("DepthToSpace", [input], { blocksize: { i: m.upscaleFactor }, mode: { s: "CRD" } }));

/**
 * PixelUnshuffle is not SpaceToDepth (which puts the block offset before the channel), so it is written
 * as PyTorch computes it: (N, C, H/r, r, W/r, r) → (N, C, r, r, H/r, W/r) → (N, C·r², H/r, W/r).
 */
const pixelUnshuffleExporter: ModuleExporter<PixelUnshuffle> = (g, m, [x]) =>
  batched(g, m, x!, 2, (input) => {
    const r = m.downscaleFactor;
    const [C, H, W] = staticSpatial(g, m, x!, 3, "reshapes its channels and pixels with written sizes");
    const split = g.node("Reshape", [input, g.int64([0, C, H / r, r, W / r, r])]); // (N, C, H/r, r, W/r, r)
    const moved = g.node("Transpose", [split], { perm: { ints: [0, 1, 3, 5, 2, 4] } }); // (N, C, r, r, H/r, W/r)
    return g.node("Reshape", [moved, g.int64([0, C * r * r, H / r, W / r])]);
  });

/** The convolution family's mappings, in the registry's (class, exporter) form. */
export const VISION_EXPORTERS: Pair[] = [
  ...[Conv1d, Conv2d, Conv3d].map((cls) => pair<AnyConv>(cls, convExporter)),
  ...[ConvTranspose1d, ConvTranspose2d, ConvTranspose3d].map((cls) => pair<AnyConvTranspose>(cls, convTransposeExporter)),
  ...[MaxPool1d, MaxPool2d, MaxPool3d].map((cls) => pair<MaxPoolNd<boolean>>(cls, maxPoolExporter)),
  ...[AvgPool1d, AvgPool2d, AvgPool3d].map((cls) => pair<AvgPoolNd>(cls, avgPoolExporter)),
  ...[AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d].map((cls) => pair<AdaptiveAvgPoolNd>(cls, adaptiveExporter("Average"))),
  ...[AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d].map((cls) => pair<AdaptiveMaxPoolNd<boolean>>(cls, adaptiveExporter("Max"))),
  ...[BatchNorm1d, BatchNorm2d, BatchNorm3d].map((cls) => pair<BatchNorm>(cls, batchNormExporter)),
  ...[InstanceNorm1d, InstanceNorm2d, InstanceNorm3d].map((cls) => pair<InstanceNorm>(cls, instanceNormExporter)),
  pair(GroupNorm, groupNormExporter),
  // Export is in evaluation mode, where channel dropout is the identity.
  ...[Dropout1d, Dropout2d, Dropout3d].map((cls) => pair<AnyModule>(cls, (_g, _m, [x]) => x!)),
  ...[Upsample, UpsamplingNearest2d, UpsamplingBilinear2d].map((cls) => pair<Upsample>(cls, upsampleExporter)),
  pair(PixelShuffle, pixelShuffleExporter),
  pair(PixelUnshuffle, pixelUnshuffleExporter),
];

// Summary builders, as torch/utils/tensorboard/summary.py makes them: scalars, histograms, images, text and hparams.
import { Tensor } from "../tensor/Tensor.js";
import { DT, type Summary, type SummaryMetadata } from "./events.js";
import { makeHistogram, type HistogramOptions } from "./histogram.js";
import { encodePng, type Deflate } from "./png.js";
import { ProtoWriter } from "./protobuf.js";

const utf8 = new TextEncoder();

function plugin(pluginName: string, content: Uint8Array = new Uint8Array(0)): SummaryMetadata {
  return { pluginData: { pluginName, content } };
}

/** A number from a number or a one-element tensor; `op` names the caller in errors. */
export function scalarValue(op: string, value: number | Tensor): number {
  if (typeof value === "number") return value;
  if (value instanceof Tensor) {
    if (value.size !== 1) throw new Error(`${op}: a scalar tensor must have one element, got shape [${value.shape.join(", ")}]`);
    return Number(value.item());
  }
  throw new Error(`${op}: expected a number or a one-element Tensor, got ${typeof value}`);
}

/** `Summary.Value.simple_value`: a float32 scalar (torch's default `new_style=False`). */
export function scalar(tag: string, value: number): Summary {
  return { value: [{ tag, simpleValue: value }] };
}

/** Values of a tensor or array as float64, as torch's `values.astype(float)`. */
function float64Values(op: string, values: Tensor | ArrayLike<number>): Float64Array {
  if (values instanceof Tensor) return Float64Array.from(values.dataSync() as ArrayLike<number>);
  if (values !== null && typeof values === "object" && typeof (values as ArrayLike<number>).length === "number") return Float64Array.from(values as ArrayLike<number>);
  throw new Error(`${op}: values must be a Tensor or an array of numbers, got ${typeof values}`);
}

/**
 * A `Summary` holding a histogram of `values` under `tag` (the record behind
 * {@link SummaryWriter.addHistogram}).
 */
export function histogram(tag: string, values: Tensor | ArrayLike<number>, options: HistogramOptions = {}): Summary {
  return { value: [{ tag, histo: makeHistogram(float64Values("addHistogram", values), options) }] };
}

/** An image as height × width × channels bytes, ready for PNG. */
export interface HwcImage {
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/**
 * torch's image preparation: permute to HWC per `dataformats` (any order of H, W and optionally C),
 * repeat one channel (or none) to RGB, and scale to bytes: floating and bool tensors are multiplied
 * by 255 in float32, clipped to [0, 255] and truncated (`astype(np.uint8)`); int32 tensors, which
 * stand in for uint8 here, must already hold 0…255.
 */
export function toHwcImage(img: Tensor, dataformats = "CHW"): HwcImage {
  if (!(img instanceof Tensor)) throw new Error(`addImage: expected a Tensor, got ${typeof img}`);
  const format = String(dataformats).toUpperCase();
  const valid = /^[HWC]+$/.test(format) && new Set(format).size === format.length && format.includes("H") && format.includes("W");
  if (!valid || (format.length !== 2 && format.length !== 3)) {
    throw new Error(`addImage: dataformats must order H, W and optionally C (like "CHW", "HWC" or "HW"), got "${dataformats}"${format.length === 4 ? "; a batch (NCHW) is not supported" : ""}`);
  }
  if (img.ndim !== format.length) throw new Error(`addImage: dataformats "${dataformats}" needs a ${format.length}-d tensor, got shape [${img.shape.join(", ")}]`);
  const dim = (c: string) => (format.includes(c) ? img.shape[format.indexOf(c)]! : 1);
  const height = dim("H"), width = dim("W"), inChannels = dim("C");
  if (![1, 3, 4].includes(inChannels)) throw new Error(`addImage: an image needs 1, 3 or 4 channels, got ${inChannels} (shape [${img.shape.join(", ")}], dataformats "${dataformats}")`);
  if (height === 0 || width === 0) throw new Error(`addImage: the image is empty (shape [${img.shape.join(", ")}])`);
  const strides = format.split("").map((_, i) => img.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const stride = (c: string) => (format.includes(c) ? strides[format.indexOf(c)]! : 0);
  const [sh, sw, sc] = [stride("H"), stride("W"), stride("C")];
  const data = img.dataSync() as ArrayLike<number>;
  const scale = img.dtype !== "int32";
  const channels = inChannels === 1 ? 3 : inChannels;
  const pixels = new Uint8Array(height * width * channels);
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const i = y * sh + x * sw + (inChannels === 1 ? 0 : c * sc);
        const v = data[i]!;
        if (scale) {
          if (Number.isNaN(v)) throw new Error(`addImage: pixel (${y}, ${x}) channel ${c} is NaN`);
          pixels[o++] = Math.trunc(Math.min(255, Math.max(0, Math.fround(Math.fround(v) * 255))));
        } else {
          if (!(v >= 0 && v <= 255)) throw new Error(`addImage: an int32 image must hold values in 0…255 (deepscript's stand-in for uint8), but pixel (${y}, ${x}) channel ${c} is ${v}; pass floats in [0, 1] to have them scaled`);
          pixels[o++] = v;
        }
      }
    }
  }
  return { pixels, height, width, channels };
}

/** `Summary.Image`: the PNG and its size; colorspace is the channel count. */
export function image(tag: string, img: HwcImage, deflate: Deflate): Summary {
  const png = encodePng(img.pixels, img.height, img.width, img.channels, deflate);
  return { value: [{ tag, image: { height: img.height, width: img.width, colorspace: img.channels, encodedImageString: png } }] };
}

/** The text plugin's summary: a one-element DT_STRING tensor under `<tag>/text_summary`. */
export function text(tag: string, textString: string): Summary {
  // TextPluginData(version=0) serializes to no bytes.
  return {
    value: [{
      tag: tag + "/text_summary",
      metadata: plugin("text"),
      tensor: { dtype: DT.string, shape: [1], stringVal: [utf8.encode(textString)] },
    }],
  };
}

/** A hyper-parameter value: numbers, strings and booleans as TensorBoard's hparams plugin knows them. */
export type HParamValue = number | string | boolean;

/** hparams api.proto DataType. */
const HP_TYPE = { string: 1, boolean: 2, number: 3 } as const;

/** google.protobuf.Value holding a number (field 2), string (3) or bool (4). */
function protoValue(v: HParamValue): Uint8Array {
  const w = new ProtoWriter();
  if (typeof v === "number") w.double(2, v);
  else if (typeof v === "string") w.string(3, v);
  else w.varint(4, v);
  return w.finish();
}

/** HParamsPluginData with one of experiment (2), session_start_info (3), session_end_info (4); version 0 is left out. */
function hparamsMetadata(field: 2 | 3 | 4, body: Uint8Array): SummaryMetadata {
  return plugin("hparams", new ProtoWriter().bytes(field, body).finish());
}

/**
 * The three summaries of torch's `hparams()`: the experiment (hyper-parameter names and types,
 * metric tags), the session start (this run's values) and the session end (status success).
 * Unlike torch, which tests `isinstance(v, (int, float))` first and so stores True as 1.0, booleans
 * are written as the plugin's bool type.
 */
export function hparams(
  hparamDict: Record<string, HParamValue | null | undefined>,
  metricDict: Record<string, number>,
  hparamDomainDiscrete: Record<string, HParamValue[]> = {},
): [Summary, Summary, Summary] {
  const check = (what: string, d: unknown) => {
    if (d === null || typeof d !== "object" || Array.isArray(d) || d instanceof Tensor) throw new Error(`addHparams: ${what} must be an object of name → value, got ${Array.isArray(d) ? "an array" : typeof d}`);
  };
  check("hparamDict", hparamDict);
  check("metricDict", metricDict);
  check("hparamDomainDiscrete", hparamDomainDiscrete);
  for (const [k, values] of Object.entries(hparamDomainDiscrete)) {
    const v = hparamDict[k];
    if (v === undefined || v === null || !Array.isArray(values) || !values.every((d) => typeof d === typeof v)) {
      throw new Error(`addHparams: hparamDomainDiscrete["${k}"] must be an array of values of the same type as hparamDict["${k}"] (${v === undefined ? "missing" : typeof v})`);
    }
  }
  const experiment = new ProtoWriter();
  const start = new ProtoWriter();
  for (const [k, v] of Object.entries(hparamDict)) {
    if (v === null || v === undefined) continue;
    if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") {
      throw new Error(`addHparams: hparamDict["${k}"] must be a number, string or boolean, got ${(v as unknown) instanceof Tensor ? "a Tensor (use .item())" : typeof v}`);
    }
    start.bytes(1, new ProtoWriter().string(1, k).bytes(2, protoValue(v)).finish()); // map<string, Value> entry
    const info = new ProtoWriter().string(1, k).varint(4, HP_TYPE[typeof v as "number" | "string" | "boolean"]);
    const domain = hparamDomainDiscrete[k];
    if (domain) {
      const list = new ProtoWriter();
      for (const d of domain) list.bytes(1, protoValue(d));
      info.bytes(5, list.finish());
    }
    experiment.bytes(4, info.finish());
  }
  for (const [tag, value] of Object.entries(metricDict)) {
    if (typeof value !== "number") throw new Error(`addHparams: metricDict["${tag}"] must be a number, got ${typeof value}`);
    experiment.bytes(5, new ProtoWriter().bytes(1, new ProtoWriter().string(2, tag).finish()).finish());
  }
  const end = new ProtoWriter().varint(1, 1); // Status.STATUS_SUCCESS
  return [
    { value: [{ tag: "_hparams_/experiment", metadata: hparamsMetadata(2, experiment.finish()) }] },
    { value: [{ tag: "_hparams_/session_start_info", metadata: hparamsMetadata(3, start.finish()) }] },
    { value: [{ tag: "_hparams_/session_end_info", metadata: hparamsMetadata(4, end.finish()) }] },
  ];
}

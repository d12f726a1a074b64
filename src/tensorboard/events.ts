// The Event and Summary protocol buffers of TensorBoard event files (tensorboard/compat/proto), encoded and decoded by hand.
import { isDefault, ProtoReader, ProtoWriter, WIRE } from "./protobuf.js";

/** One record of an event file (event.proto: `Event`); fields this library does not write are skipped when reading. */
export interface Event {
  /** Seconds since the Unix epoch. */
  wallTime: number;
  step: number;
  /** Only in the first record: "brain.Event:2". */
  fileVersion?: string;
  summary?: Summary;
  /** `SessionLog`; status 1 (START) at a step makes TensorBoard drop the events from that step on (purgeStep). */
  sessionLog?: { status: number; checkpointPath?: string; msg?: string };
  /** Which program wrote the file (first record). */
  sourceMetadata?: { writer: string };
}

/** TensorBoard's `Summary` protobuf message: a list of tagged values. */
export interface Summary {
  value: SummaryValue[];
}

/** `Summary.Value`: a tag and one of a scalar, an image, a histogram or a tensor (or only metadata, as hparams). */
export interface SummaryValue {
  tag: string;
  metadata?: SummaryMetadata;
  simpleValue?: number;
  image?: SummaryImage;
  histo?: HistogramProto;
  tensor?: TensorProto;
}

/**
 * TensorBoard's `SummaryMetadata` protobuf message: the plugin that reads a value (with its data), a
 * display name, a description and the data class.
 */
export interface SummaryMetadata {
  pluginData?: { pluginName: string; content: Uint8Array };
  displayName?: string;
  summaryDescription?: string;
  dataClass?: number;
}

/** `Summary.Image`: PNG bytes and their size; colorspace is the channel count (1, 2, 3 or 4). */
export interface SummaryImage {
  height: number;
  width: number;
  colorspace: number;
  encodedImageString: Uint8Array;
}

/** histogram.proto: bucket i counts values in (bucketLimit[i−1], bucketLimit[i]]. */
export interface HistogramProto {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

/** The parts of tensor.proto used by summaries (dtype codes from types.proto: 1 float, 2 double, 3 int32, 7 string). */
export interface TensorProto {
  dtype: number;
  shape: number[];
  stringVal?: Uint8Array[];
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  int64Val?: number[];
  tensorContent?: Uint8Array;
}

/** DataType codes of tensor.proto used here. */
export const DT = { float: 1, double: 2, int32: 3, string: 7, int64: 9 } as const;

// Fields are written in field-number order with proto3 defaults left out, as protobuf's own
// serializers do, so the bytes equal those Python's protobuf writes for the same message.

function encodeMetadata(m: SummaryMetadata): Uint8Array {
  const w = new ProtoWriter();
  if (m.pluginData) {
    const p = new ProtoWriter();
    if (!isDefault(m.pluginData.pluginName)) p.string(1, m.pluginData.pluginName);
    if (!isDefault(m.pluginData.content)) p.bytes(2, m.pluginData.content);
    w.bytes(1, p.finish());
  }
  if (!isDefault(m.displayName)) w.string(2, m.displayName!);
  if (!isDefault(m.summaryDescription)) w.string(3, m.summaryDescription!);
  if (!isDefault(m.dataClass)) w.varint(4, m.dataClass!);
  return w.finish();
}

function encodeImage(img: SummaryImage): Uint8Array {
  const w = new ProtoWriter();
  if (!isDefault(img.height)) w.varint(1, img.height);
  if (!isDefault(img.width)) w.varint(2, img.width);
  if (!isDefault(img.colorspace)) w.varint(3, img.colorspace);
  if (!isDefault(img.encodedImageString)) w.bytes(4, img.encodedImageString);
  return w.finish();
}

function encodeHistogram(h: HistogramProto): Uint8Array {
  const w = new ProtoWriter();
  ([h.min, h.max, h.num, h.sum, h.sumSquares] as const).forEach((v, i) => {
    if (!isDefault(v)) w.double(i + 1, v);
  });
  w.packedDoubles(6, h.bucketLimit).packedDoubles(7, h.bucket);
  return w.finish();
}

function encodeTensor(t: TensorProto): Uint8Array {
  const w = new ProtoWriter();
  if (!isDefault(t.dtype)) w.varint(1, t.dtype);
  const shape = new ProtoWriter();
  for (const size of t.shape) {
    const dim = new ProtoWriter();
    if (!isDefault(size)) dim.varint(1, size);
    shape.bytes(2, dim.finish());
  }
  w.bytes(2, shape.finish());
  if (t.tensorContent && !isDefault(t.tensorContent)) w.bytes(4, t.tensorContent);
  if (t.floatVal?.length) {
    const body = new Uint8Array(4 * t.floatVal.length);
    t.floatVal.forEach((v, i) => new DataView(body.buffer).setFloat32(4 * i, v, true));
    w.bytes(5, body);
  }
  if (t.doubleVal?.length) w.packedDoubles(6, t.doubleVal);
  for (const s of t.stringVal ?? []) w.bytes(8, s);
  return w.finish();
}

function encodeValue(v: SummaryValue): Uint8Array {
  const w = new ProtoWriter();
  if (!isDefault(v.tag)) w.string(1, v.tag);
  // simple_value, image, histo and tensor form a oneof: written when set, even when zero.
  if (v.simpleValue !== undefined) w.float(2, v.simpleValue);
  if (v.image) w.bytes(4, encodeImage(v.image));
  if (v.histo) w.bytes(5, encodeHistogram(v.histo));
  if (v.tensor) w.bytes(8, encodeTensor(v.tensor));
  if (v.metadata) w.bytes(9, encodeMetadata(v.metadata));
  return w.finish();
}

export function encodeSummary(s: Summary): Uint8Array {
  const w = new ProtoWriter();
  for (const v of s.value) w.bytes(1, encodeValue(v));
  return w.finish();
}

/** Serializes an Event as event.proto defines it. */
export function encodeEvent(e: Event): Uint8Array {
  const w = new ProtoWriter();
  if (!isDefault(e.wallTime)) w.double(1, e.wallTime);
  if (!isDefault(e.step)) w.varint(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.summary) w.bytes(5, encodeSummary(e.summary));
  if (e.sessionLog) {
    const m = new ProtoWriter();
    if (!isDefault(e.sessionLog.status)) m.varint(1, e.sessionLog.status);
    if (!isDefault(e.sessionLog.checkpointPath)) m.string(2, e.sessionLog.checkpointPath!);
    if (!isDefault(e.sessionLog.msg)) m.string(3, e.sessionLog.msg!);
    w.bytes(7, m.finish());
  }
  if (e.sourceMetadata) {
    const m = new ProtoWriter();
    if (!isDefault(e.sourceMetadata.writer)) m.string(1, e.sourceMetadata.writer);
    w.bytes(10, m.finish());
  }
  return w.finish();
}

// Decoding: each function reads one message from a length-delimited body and skips unknown fields.

function decodeMetadata(body: Uint8Array): SummaryMetadata {
  const r = new ProtoReader(body);
  const m: SummaryMetadata = {};
  for (let k = r.key(); k; k = r.key()) {
    if (k.field === 1 && k.wire === WIRE.bytes) {
      const p = new ProtoReader(r.bytes());
      const plugin = { pluginName: "", content: new Uint8Array(0) };
      for (let pk = p.key(); pk; pk = p.key()) {
        if (pk.field === 1 && pk.wire === WIRE.bytes) plugin.pluginName = p.string();
        else if (pk.field === 2 && pk.wire === WIRE.bytes) plugin.content = p.bytes().slice();
        else p.skip(pk.wire);
      }
      m.pluginData = plugin;
    } else if (k.field === 2 && k.wire === WIRE.bytes) m.displayName = r.string();
    else if (k.field === 3 && k.wire === WIRE.bytes) m.summaryDescription = r.string();
    else if (k.field === 4 && k.wire === WIRE.varint) m.dataClass = r.int();
    else r.skip(k.wire);
  }
  return m;
}

function decodeImage(body: Uint8Array): SummaryImage {
  const r = new ProtoReader(body);
  const img: SummaryImage = { height: 0, width: 0, colorspace: 0, encodedImageString: new Uint8Array(0) };
  for (let k = r.key(); k; k = r.key()) {
    if (k.field === 1 && k.wire === WIRE.varint) img.height = r.int();
    else if (k.field === 2 && k.wire === WIRE.varint) img.width = r.int();
    else if (k.field === 3 && k.wire === WIRE.varint) img.colorspace = r.int();
    else if (k.field === 4 && k.wire === WIRE.bytes) img.encodedImageString = r.bytes().slice();
    else r.skip(k.wire);
  }
  return img;
}

function decodeHistogram(body: Uint8Array): HistogramProto {
  const r = new ProtoReader(body);
  const h: HistogramProto = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  const scalars = ["min", "max", "num", "sum", "sumSquares"] as const;
  for (let k = r.key(); k; k = r.key()) {
    if (k.field >= 1 && k.field <= 5 && k.wire === WIRE.fixed64) h[scalars[k.field - 1]!] = r.double();
    else if (k.field === 6) r.doubles(k.wire, h.bucketLimit);
    else if (k.field === 7) r.doubles(k.wire, h.bucket);
    else r.skip(k.wire);
  }
  return h;
}

function decodeTensor(body: Uint8Array): TensorProto {
  const r = new ProtoReader(body);
  const t: TensorProto = { dtype: 0, shape: [] };
  const packedVarints = (wire: number, into: number[]) => {
    if (wire === WIRE.varint) { into.push(r.int()); return; }
    const inner = new ProtoReader(r.bytes());
    while (!inner.done()) into.push(inner.int());
  };
  for (let k = r.key(); k; k = r.key()) {
    if (k.field === 1 && k.wire === WIRE.varint) t.dtype = r.int();
    else if (k.field === 2 && k.wire === WIRE.bytes) {
      const shape = new ProtoReader(r.bytes());
      for (let sk = shape.key(); sk; sk = shape.key()) {
        if (sk.field !== 2 || sk.wire !== WIRE.bytes) { shape.skip(sk.wire); continue; }
        const dim = new ProtoReader(shape.bytes());
        let size = 0;
        for (let dk = dim.key(); dk; dk = dim.key()) {
          if (dk.field === 1 && dk.wire === WIRE.varint) size = dim.int();
          else dim.skip(dk.wire);
        }
        t.shape.push(size);
      }
    } else if (k.field === 4 && k.wire === WIRE.bytes) t.tensorContent = r.bytes().slice();
    else if (k.field === 5) {
      t.floatVal ??= [];
      if (k.wire === WIRE.fixed32) t.floatVal.push(r.float());
      else {
        const b = r.bytes();
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        for (let i = 0; i + 4 <= b.length; i += 4) t.floatVal.push(view.getFloat32(i, true));
      }
    } else if (k.field === 6) r.doubles(k.wire, (t.doubleVal ??= []));
    else if (k.field === 7) packedVarints(k.wire, (t.intVal ??= []));
    else if (k.field === 8 && k.wire === WIRE.bytes) (t.stringVal ??= []).push(r.bytes().slice());
    else if (k.field === 10) packedVarints(k.wire, (t.int64Val ??= []));
    else r.skip(k.wire);
  }
  return t;
}

function decodeValue(body: Uint8Array): SummaryValue {
  const r = new ProtoReader(body);
  const v: SummaryValue = { tag: "" };
  for (let k = r.key(); k; k = r.key()) {
    if (k.field === 1 && k.wire === WIRE.bytes) v.tag = r.string();
    else if (k.field === 2 && k.wire === WIRE.fixed32) v.simpleValue = r.float();
    else if (k.field === 4 && k.wire === WIRE.bytes) v.image = decodeImage(r.bytes());
    else if (k.field === 5 && k.wire === WIRE.bytes) v.histo = decodeHistogram(r.bytes());
    else if (k.field === 8 && k.wire === WIRE.bytes) v.tensor = decodeTensor(r.bytes());
    else if (k.field === 9 && k.wire === WIRE.bytes) v.metadata = decodeMetadata(r.bytes());
    else r.skip(k.wire);
  }
  return v;
}

/** Parses one Event message (throws ProtoError on malformed bytes). */
export function decodeEvent(bytes: Uint8Array): Event {
  const r = new ProtoReader(bytes);
  const e: Event = { wallTime: 0, step: 0 };
  for (let k = r.key(); k; k = r.key()) {
    if (k.field === 1 && k.wire === WIRE.fixed64) e.wallTime = r.double();
    else if (k.field === 2 && k.wire === WIRE.varint) e.step = r.int();
    else if (k.field === 3 && k.wire === WIRE.bytes) e.fileVersion = r.string();
    else if (k.field === 5 && k.wire === WIRE.bytes) {
      const s = new ProtoReader(r.bytes());
      const summary: Summary = { value: [] };
      for (let sk = s.key(); sk; sk = s.key()) {
        if (sk.field === 1 && sk.wire === WIRE.bytes) summary.value.push(decodeValue(s.bytes()));
        else s.skip(sk.wire);
      }
      e.summary = summary;
    } else if (k.field === 7 && k.wire === WIRE.bytes) {
      const m = new ProtoReader(r.bytes());
      e.sessionLog = { status: 0 };
      for (let mk = m.key(); mk; mk = m.key()) {
        if (mk.field === 1 && mk.wire === WIRE.varint) e.sessionLog.status = m.int();
        else if (mk.field === 2 && mk.wire === WIRE.bytes) e.sessionLog.checkpointPath = m.string();
        else if (mk.field === 3 && mk.wire === WIRE.bytes) e.sessionLog.msg = m.string();
        else m.skip(mk.wire);
      }
    } else if (k.field === 10 && k.wire === WIRE.bytes) {
      const m = new ProtoReader(r.bytes());
      e.sourceMetadata = { writer: "" };
      for (let mk = m.key(); mk; mk = m.key()) {
        if (mk.field === 1 && mk.wire === WIRE.bytes) e.sourceMetadata.writer = m.string();
        else m.skip(mk.wire);
      }
    } else r.skip(k.wire);
  }
  return e;
}

// The ONNX protobuf messages deepscript reads and writes (a subset of onnx.proto, encoded with protobufjs), and tensor ↔ TensorProto conversion.
import protobuf from "protobufjs/light.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { tensor } from "../ops/creation.js";
import { contiguousData } from "../ops/movement.js";
import { fmtShape, numel } from "../tensor/shape.js";

/**
 * The messages of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, proto2) that a
 * model of plain tensor graphs uses, with onnx.proto's field numbers. Fields not listed here (functions,
 * training info, sparse tensors, sequence/map types) are skipped when reading and never written.
 * Enum fields are declared as int32: same wire format, and the numbers are what we compare.
 */
const repeated = (type: string, id: number, packed: boolean) => ({ type, id, rule: "repeated", options: { packed } });
const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            opsetImport: { type: "OperatorSetIdProto", id: 8, rule: "repeated" },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            metadataProps: { type: "StringStringEntryProto", id: 14, rule: "repeated" },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } } },
        GraphProto: {
          fields: {
            node: { type: "NodeProto", id: 1, rule: "repeated" },
            name: { type: "string", id: 2 },
            initializer: { type: "TensorProto", id: 5, rule: "repeated" },
            docString: { type: "string", id: 10 },
            input: { type: "ValueInfoProto", id: 11, rule: "repeated" },
            output: { type: "ValueInfoProto", id: 12, rule: "repeated" },
            valueInfo: { type: "ValueInfoProto", id: 13, rule: "repeated" },
          },
        },
        NodeProto: {
          fields: {
            input: { type: "string", id: 1, rule: "repeated" },
            output: { type: "string", id: 2, rule: "repeated" },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            domain: { type: "string", id: 7 },
            attribute: { type: "AttributeProto", id: 5, rule: "repeated" },
            docString: { type: "string", id: 6 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            refAttrName: { type: "string", id: 21 },
            docString: { type: "string", id: 13 },
            type: { type: "int32", id: 20 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            floats: repeated("float", 7, false),
            ints: repeated("int64", 8, false),
            strings: { type: "bytes", id: 9, rule: "repeated" },
            tensors: { type: "TensorProto", id: 10, rule: "repeated" },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 }, docString: { type: "string", id: 3 } },
        },
        TypeProto: {
          fields: { tensorType: { type: "TypeProtoTensor", id: 1 }, denotation: { type: "string", id: 6 } },
        },
        TypeProtoTensor: { fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } } },
        TensorShapeProto: { fields: { dim: { type: "Dimension", id: 1, rule: "repeated" } } },
        Dimension: {
          fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 }, denotation: { type: "string", id: 3 } },
        },
        TensorProto: {
          fields: {
            dims: repeated("int64", 1, false),
            dataType: { type: "int32", id: 2 },
            floatData: repeated("float", 4, true),
            int32Data: repeated("int32", 5, true),
            stringData: { type: "bytes", id: 6, rule: "repeated" },
            int64Data: repeated("int64", 7, true),
            name: { type: "string", id: 8 },
            docString: { type: "string", id: 12 },
            rawData: { type: "bytes", id: 9 },
            externalData: { type: "StringStringEntryProto", id: 13, rule: "repeated" },
            dataLocation: { type: "int32", id: 14 },
            doubleData: repeated("double", 10, true),
            uint64Data: repeated("uint64", 11, true),
          },
        },
      },
    },
  },
};

// ---- The decoded shapes (protobufjs `toObject` with longs as numbers and repeated fields as arrays). ----

export interface OperatorSetIdProto {
  domain?: string;
  version?: number;
}
export interface StringStringEntryProto {
  key?: string;
  value?: string;
}
export interface DimensionProto {
  dimValue?: number;
  dimParam?: string;
}
export interface ValueInfoProto {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim: DimensionProto[] } } };
  docString?: string;
}
export interface TensorProto {
  dims: number[];
  dataType?: number;
  floatData: number[];
  int32Data: number[];
  int64Data: number[];
  doubleData: number[];
  uint64Data: number[];
  stringData: Uint8Array[];
  name?: string;
  docString?: string;
  rawData?: Uint8Array;
  externalData: StringStringEntryProto[];
  dataLocation?: number;
}
export interface AttributeProto {
  name?: string;
  refAttrName?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats: number[];
  ints: number[];
  strings: Uint8Array[];
  tensors: TensorProto[];
}
export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute: AttributeProto[];
  docString?: string;
}
export interface GraphProto {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  docString?: string;
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}
export interface ModelProto {
  irVersion?: number;
  opsetImport: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProto;
  metadataProps: StringStringEntryProto[];
}

let modelType: protobuf.Type | null = null;
function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(SCHEMA).lookupType("onnx.ModelProto");
  return modelType;
}

/** Parses the bytes of an .onnx file; `op` names the calling function in errors. */
export function decodeModel(bytes: Uint8Array, op: string): ModelProto {
  const type = modelProtoType();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    throw new Error(`${op}: the ${bytes.length} bytes are not a valid ONNX model (protobuf decoding failed: ${(e as Error).message}); the file may be truncated or not an .onnx file`);
  }
  return type.toObject(message, { longs: Number, arrays: true, defaults: false }) as ModelProto;
}

/** Serializes a model given as plain objects with ModelProto's (camelCase) fields; undefined fields are not written. */
export function encodeModel(model: object): Uint8Array {
  const type = modelProtoType();
  return type.encode(type.fromObject(model as Record<string, unknown>)).finish();
}

// ---- Data types ----

/** TensorProto.DataType numbers (onnx.proto). */
export const DataType = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, COMPLEX64: 14, COMPLEX128: 15, BFLOAT16: 16,
} as const;

const DATA_TYPE_NAMES = new Map<number, string>(Object.entries(DataType).map(([name, n]) => [n, name]));

/** "FLOAT16", or "data type 23" for numbers outside the table. */
export function dataTypeName(dataType: number | undefined): string {
  return DATA_TYPE_NAMES.get(dataType ?? 0) ?? `data type ${dataType}`;
}

/** The ONNX element type a deepscript dtype is written as. */
export function onnxDataType(dtype: DType): number {
  switch (dtype) {
    case "float32":
      return DataType.FLOAT;
    case "float64":
      return DataType.DOUBLE;
    case "int32":
      return DataType.INT32;
    case "bool":
      return DataType.BOOL;
  }
}

/**
 * The deepscript dtype that holds an ONNX element type, or null. deepscript has no 64-bit or narrow
 * integers: INT64 and the small integer types are held as int32 (see `tensorFromProto`).
 */
export function deepscriptDType(dataType: number | undefined): DType | null {
  switch (dataType) {
    case DataType.FLOAT:
      return "float32";
    case DataType.DOUBLE:
      return "float64";
    case DataType.INT32:
    case DataType.INT64:
    case DataType.INT8:
    case DataType.UINT8:
    case DataType.INT16:
    case DataType.UINT16:
      return "int32";
    case DataType.BOOL:
      return "bool";
    default:
      return null;
  }
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
/** int64 → int32, saturating: ONNX writes INT64_MAX/MIN as "to the end" in Slice, and saturation keeps that meaning. */
export const saturateInt32 = (v: number): number => (v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v);

// ---- Tensors ----

/** TypedArrays use the platform's byte order; ONNX raw data is little-endian (so is every platform we meet). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A TensorProto holding `t` (raw little-endian bytes, row-major). */
export function tensorToProto(name: string, t: Tensor): Partial<TensorProto> {
  const data = contiguousData(t);
  const n = data.length;
  let raw: Uint8Array;
  switch (t.dtype) {
    case "float32": {
      if (LITTLE_ENDIAN) {
        raw = new Uint8Array(Float32Array.from(data).buffer);
        break;
      }
      raw = new Uint8Array(4 * n);
      const view = new DataView(raw.buffer);
      for (let i = 0; i < n; i++) view.setFloat32(4 * i, data[i]!, true);
      break;
    }
    case "float64": {
      raw = new Uint8Array(8 * n);
      const view = new DataView(raw.buffer);
      for (let i = 0; i < n; i++) view.setFloat64(8 * i, data[i]!, true);
      break;
    }
    case "int32": {
      raw = new Uint8Array(4 * n);
      const view = new DataView(raw.buffer);
      for (let i = 0; i < n; i++) view.setInt32(4 * i, data[i]!, true);
      break;
    }
    case "bool":
      raw = Uint8Array.from(data as Uint8Array, (v) => (v ? 1 : 0));
      break;
  }
  return { name, dims: [...t.shape], dataType: onnxDataType(t.dtype), rawData: raw };
}

/** An INT64 TensorProto (shapes, axes) from small integers. */
export function int64Proto(name: string, values: readonly number[], dims: readonly number[] = [values.length]): Partial<TensorProto> {
  const raw = new Uint8Array(8 * values.length);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return { name, dims: [...dims], dataType: DataType.INT64, rawData: raw };
}

const ITEM_SIZE: Partial<Record<number, number>> = {
  [DataType.FLOAT]: 4, [DataType.DOUBLE]: 8, [DataType.INT32]: 4, [DataType.INT64]: 8, [DataType.INT8]: 1,
  [DataType.UINT8]: 1, [DataType.INT16]: 2, [DataType.UINT16]: 2, [DataType.BOOL]: 1,
};

/**
 * The deepscript tensor a TensorProto holds. `what` names it in errors ("initializer \"fc.weight\"").
 * INT64 values are stored as int32, saturating beyond its range.
 */
export function tensorFromProto(p: TensorProto, what: string, op: string): Tensor {
  const dtype = deepscriptDType(p.dataType);
  if (dtype === null) throw new Error(`${op}: ${what} has element type ${dataTypeName(p.dataType)}, which deepscript cannot hold (supported: FLOAT, DOUBLE, INT64, INT32, INT16, INT8, UINT16, UINT8, BOOL)`);
  if (p.dataLocation === 1 || p.externalData.length > 0) {
    throw new Error(`${op}: ${what} keeps its data in an external file, which deepscript does not read; save the model with its weights inside the .onnx file`);
  }
  const dims = p.dims;
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`${op}: ${what} has invalid dims ${fmtShape(dims)}`);
  const n = numel(dims);
  const dataType = p.dataType!;
  let values: ArrayLike<number>;
  if (p.rawData !== undefined && p.rawData.length > 0) {
    const size = ITEM_SIZE[dataType]!;
    if (p.rawData.length !== n * size) {
      throw new Error(`${op}: ${what} of shape ${fmtShape(dims)} and type ${dataTypeName(dataType)} needs ${n * size} bytes of raw data, found ${p.rawData.length} (truncated or corrupt file)`);
    }
    values = readRaw(p.rawData, dataType, n);
  } else {
    const field =
      dataType === DataType.FLOAT ? p.floatData
      : dataType === DataType.DOUBLE ? p.doubleData
      : dataType === DataType.INT64 ? p.int64Data
      : p.int32Data; // INT32, INT16, INT8, UINT16, UINT8 and BOOL live in int32_data
    if (field.length !== n) throw new Error(`${op}: ${what} of shape ${fmtShape(dims)} has ${field.length} values, expected ${n} (truncated or corrupt file)`);
    values = dataType === DataType.INT64 ? field.map(saturateInt32) : field;
  }
  return tensor(values as number[], { dtype, shape: dims });
}

function readRaw(raw: Uint8Array, dataType: number, n: number): ArrayLike<number> {
  if (LITTLE_ENDIAN && (dataType === DataType.FLOAT || dataType === DataType.DOUBLE)) {
    // A fresh, aligned copy that a typed array can view (in Node, raw may be a slice of a pooled Buffer).
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    return dataType === DataType.FLOAT ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dataType) {
    case DataType.FLOAT:
      return Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true));
    case DataType.DOUBLE:
      return Float64Array.from({ length: n }, (_, i) => view.getFloat64(8 * i, true));
    case DataType.INT32:
      return Int32Array.from({ length: n }, (_, i) => view.getInt32(4 * i, true));
    case DataType.INT64:
      return Int32Array.from({ length: n }, (_, i) => saturateInt32(Number(view.getBigInt64(8 * i, true))));
    case DataType.INT16:
      return Int32Array.from({ length: n }, (_, i) => view.getInt16(2 * i, true));
    case DataType.UINT16:
      return Int32Array.from({ length: n }, (_, i) => view.getUint16(2 * i, true));
    case DataType.INT8:
      return Int32Array.from({ length: n }, (_, i) => view.getInt8(i));
    default: // UINT8, BOOL
      return Int32Array.from({ length: n }, (_, i) => view.getUint8(i));
  }
}

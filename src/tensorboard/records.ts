// TFRecord framing of event files: each record is a length, its masked CRC, the data and the data's masked CRC.
import { maskedCrc32c } from "./crc32c.js";
import { decodeEvent, type Event } from "./events.js";
import { ProtoError } from "./protobuf.js";

/**
 * One record: uint64 little-endian length, uint32 masked CRC-32C of those 8 bytes, the data,
 * uint32 masked CRC-32C of the data (tensorflow/core/lib/io/record_writer.cc).
 */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** A damaged or truncated event file; `path` and `offset` (the start of the bad record) say where. */
export class EventFileError extends Error {
  constructor(message: string, readonly path: string, readonly offset: number) {
    super(message);
    this.name = "EventFileError";
  }
}

const hex = (n: number) => "0x" + n.toString(16).padStart(8, "0");

/** A record's data and the byte offset where its frame begins. */
export interface RawRecord {
  offset: number;
  data: Uint8Array;
}

/**
 * Splits `bytes` (the contents of the event file `path`) into records, checking both CRCs of each.
 * Any damage is an EventFileError naming the file and the byte offset of the record.
 */
export function splitRecords(bytes: Uint8Array, path: string): RawRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: RawRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const left = bytes.length - offset;
    if (left < 12) {
      throw new EventFileError(`readEvents: ${path} is truncated: the record at byte ${offset} needs a 12-byte header, but only ${left} bytes remain`, path, offset);
    }
    const storedLengthCrc = view.getUint32(offset + 8, true);
    const lengthCrc = maskedCrc32c(bytes, offset, offset + 8);
    if (storedLengthCrc !== lengthCrc) {
      throw new EventFileError(`readEvents: ${path} is corrupt: the length field of the record at byte ${offset} fails its CRC (stored ${hex(storedLengthCrc)}, computed ${hex(lengthCrc)})`, path, offset);
    }
    const length = view.getBigUint64(offset, true);
    if (length > BigInt(left - 16)) {
      throw new EventFileError(`readEvents: ${path} is truncated: the record at byte ${offset} declares ${length} data bytes plus a 4-byte CRC, but only ${left - 12} bytes follow its header`, path, offset);
    }
    const start = offset + 12, end = start + Number(length);
    const storedDataCrc = view.getUint32(end, true);
    const dataCrc = maskedCrc32c(bytes, start, end);
    if (storedDataCrc !== dataCrc) {
      throw new EventFileError(`readEvents: ${path} is corrupt: the data of the record at byte ${offset} (bytes ${start}–${end - 1}) fails its CRC (stored ${hex(storedDataCrc)}, computed ${hex(dataCrc)})`, path, offset);
    }
    records.push({ offset, data: bytes.subarray(start, end) });
    offset = end + 4;
  }
  return records;
}

/** Every Event in the bytes of an event file, after checking each record's CRCs. */
export function parseEvents(bytes: Uint8Array, path = "<bytes>"): Event[] {
  return splitRecords(bytes, path).map(({ offset, data }) => {
    try {
      return decodeEvent(data);
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
      throw new EventFileError(`readEvents: ${path}: the record at byte ${offset} passes its CRCs but is not a valid Event (${e.message})`, path, offset);
    }
  });
}

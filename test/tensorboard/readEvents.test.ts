import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readEvents } from "../../src/tensorboard/readEvents.js";
import { EventFileError, frameRecord, parseEvents } from "../../src/tensorboard/records.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/tensorboard");
/** Written by torch.utils.tensorboard (torch_reference.py); torch.json is what TensorBoard read from it. */
const TORCH_FILE = join(FIXTURES, "torch/events.out.tfevents.1700000000.fixture");
const torchJson = JSON.parse(readFileSync(join(FIXTURES, "torch.json"), "utf8"));

/** Start offsets of the records, walking the framing by hand: 8-byte length, 4 CRC, data, 4 CRC. */
function recordOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets: number[] = [];
  for (let at = 0; at < bytes.length; at += 16 + Number(view.getBigUint64(at, true))) offsets.push(at);
  return offsets;
}

function tempCopy(bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), "ds-tb-read-")), "events.out.tfevents.1.test");
  writeFileSync(path, bytes);
  return path;
}

const original = new Uint8Array(readFileSync(TORCH_FILE));
const offsets = recordOffsets(original);

describe("readEvents", () => {
  it("reads PyTorch's event file: the file_version record first, then what TensorBoard read from it", () => {
    const events = readEvents(TORCH_FILE);
    expect(events).toHaveLength(offsets.length);
    expect(events[0]).toMatchObject({ wallTime: 1700000000.5, fileVersion: "brain.Event:2", sourceMetadata: { writer: "tensorboard.summary.writer.event_file_writer" } });
    const values = events.slice(1).map((e) => ({ step: e.step, wallTime: e.wallTime, v: e.summary!.value[0]! }));
    const scalars = values.filter((x) => x.v.simpleValue !== undefined);
    expect(scalars.map((x) => [x.v.tag, x.step, x.wallTime, x.v.simpleValue])).toEqual(
      ["loss", "train/accuracy"].flatMap((tag) => torchJson["."].scalars[tag].map((s: { step: number; wall_time: number; value: number }) => [tag, s.step, s.wall_time, s.value])),
    );
    const histograms = values.filter((x) => x.v.histo);
    for (const [tag, list] of Object.entries(torchJson["."].histograms) as [string, Record<string, unknown>[]][]) {
      const mine = histograms.filter((x) => x.v.tag === tag).map((x) => ({ step: x.step, wall_time: x.wallTime, min: x.v.histo!.min, max: x.v.histo!.max, num: x.v.histo!.num, sum: x.v.histo!.sum, sum_squares: x.v.histo!.sumSquares, bucket_limit: x.v.histo!.bucketLimit, bucket: x.v.histo!.bucket }));
      expect(mine, tag).toEqual(list);
    }
    const images = values.filter((x) => x.v.image);
    expect(images.map((x) => [x.v.tag, x.v.image!.width, x.v.image!.height]).sort()).toEqual(
      (Object.entries(torchJson["."].images) as [string, { width: number; height: number }[]][]).map(([tag, [e]]) => [tag, e!.width, e!.height]).sort(),
    );
    const texts = values.filter((x) => x.v.tensor);
    expect(texts.map((x) => new TextDecoder().decode(x.v.tensor!.stringVal![0]))).toEqual(torchJson["."].text["notes/text_summary"].map((e: { text: string[] }) => e.text[0]));
  });

  it("names the file and the record's offset when the file ends inside a record", () => {
    const k = 5; // a record in the middle
    const cases: [number, RegExp][] = [
      [offsets[k]! + 7, /needs a 12-byte header, but only 7 bytes remain/],
      [offsets[k]! + 12 + 3, /declares \d+ data bytes plus a 4-byte CRC, but only 3 bytes follow its header/],
      [offsets[k + 1]! - 1, /declares \d+ data bytes plus a 4-byte CRC, but only \d+ bytes follow its header/],
    ];
    for (const [cut, message] of cases) {
      const path = tempCopy(original.slice(0, cut));
      let error: unknown;
      try {
        readEvents(path);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EventFileError);
      expect((error as EventFileError).message).toContain(`readEvents: ${path} is truncated: the record at byte ${offsets[k]}`);
      expect((error as EventFileError).message).toMatch(message);
      expect((error as EventFileError).offset).toBe(offsets[k]);
      expect((error as EventFileError).path).toBe(path);
    }
  });

  it("reads a file cut exactly between records (what a running writer leaves) without complaint", () => {
    expect(readEvents(tempCopy(original.slice(0, offsets[4]!)))).toHaveLength(4);
  });

  it("rejects a flipped bit in any part of a record, naming the part and the offset", () => {
    const k = 12; // a histogram record
    const start = offsets[k]!, end = offsets[k + 1]!;
    const where: [string, number, RegExp][] = [
      ["length", start + 1, /the length field of the record at byte \d+ fails its CRC \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/],
      ["length CRC", start + 9, /the length field of the record at byte \d+ fails its CRC/],
      ["data", start + 40, new RegExp(`the data of the record at byte \\d+ \\(bytes ${start + 12}–${end - 5}\\) fails its CRC`)],
      ["data CRC", end - 2, /the data of the record at byte \d+ .* fails its CRC/],
    ];
    for (const [part, at, message] of where) {
      const bytes = original.slice();
      bytes[at]! ^= 0x10;
      const path = tempCopy(bytes);
      expect(() => readEvents(path), part).toThrow(message);
      expect(() => readEvents(path), part).toThrow(`readEvents: ${path} is corrupt: the ${part.startsWith("length") ? "length field" : "data"} of the record at byte ${start}`);
    }
  });

  it("rejects a record whose CRCs hold but whose data is not an Event", () => {
    const garbage = Uint8Array.from([0x0a, 0x05, 0x01]); // field 1 (a double) with wire type 2, length past the end
    const bytes = new Uint8Array([...original.slice(0, offsets[2]!), ...frameRecord(garbage)]);
    expect(() => parseEvents(bytes, "x.tfevents")).toThrow(`readEvents: x.tfevents: the record at byte ${offsets[2]} passes its CRCs but is not a valid Event`);
  });

  it("says which file it could not open", () => {
    const dir = mkdtempSync(join(tmpdir(), "ds-tb-read-"));
    expect(() => readEvents(join(dir, "missing.tfevents"))).toThrow(/readEvents: cannot read .*missing\.tfevents/);
    copyFileSync(TORCH_FILE, join(dir, "copy"));
    expect(readEvents(join(dir, "copy"))).toHaveLength(offsets.length);
  });
});

// The acceptance check: TensorBoard's own reader (read_events.py, run once, its JSON committed) returns
// exactly what deepscript wrote, deepscript still writes the same records, and those records equal
// what torch.utils.tensorboard writes for the same inputs.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeEvent, encodeEvent, type Event } from "../../src/tensorboard/events.js";
import { splitRecords } from "../../src/tensorboard/records.js";
import { eventFiles, FIXTURE_DIR, loadInputs, writeFixture } from "../fixtures/tensorboard/write_events.js";

const inputs = loadInputs();
/** TensorBoard's EventAccumulator reading test/fixtures/tensorboard/deepscript/ and torch/. */
const tbDeepscript = JSON.parse(readFileSync(join(FIXTURE_DIR, "deepscript.json"), "utf8"));
const tbTorch = JSON.parse(readFileSync(join(FIXTURE_DIR, "torch.json"), "utf8"));

function records(path: string): Uint8Array[] {
  return splitRecords(new Uint8Array(readFileSync(path)), path).map((r) => r.data);
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The zlib-compressed scanlines of a PNG (its IDAT chunks), inflated. */
function pngScanlines(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const idat: number[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at, false);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === "IDAT") idat.push(...png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return new Uint8Array(inflateSync(Uint8Array.from(idat)));
}

describe("TensorBoard fixture (test/fixtures/tensorboard)", () => {
  it("the writer, run now on inputs.json with the fixed wall time, writes the committed event files", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "ds-tb-fixture-")), "logs");
    writeFixture(dir, inputs);
    const fresh = eventFiles(dir);
    const committed = eventFiles(join(FIXTURE_DIR, "deepscript"));
    expect([...fresh.keys()]).toEqual([...committed.keys()]);
    for (const [run, path] of committed) {
      const want = records(path), got = records(fresh.get(run)!);
      expect(got.length, run).toBe(want.length);
      want.forEach((w, i) => {
        if (sameBytes(got[i]!, w)) return;
        // Only a PNG may differ (another zlib build compresses differently): same fields, same pixels.
        const a = decodeEvent(got[i]!), b = decodeEvent(w);
        const ia = a.summary?.value[0]?.image, ib = b.summary?.value[0]?.image;
        expect(ia && ib, `${run} record ${i} differs and is not an image`).toBeTruthy();
        expect(pngScanlines(ia!.encodedImageString)).toEqual(pngScanlines(ib!.encodedImageString));
        a.summary!.value[0]!.image!.encodedImageString = ib!.encodedImageString;
        expect(sameBytes(encodeEvent(a), w), `${run} record ${i}`).toBe(true);
      });
    }
  });

  it("TensorBoard reads the file version and the writer's name", () => {
    for (const run of Object.keys(tbDeepscript)) expect(tbDeepscript[run]).toMatchObject({ file_version: 2, source_writer: "deepscript" });
  });

  it("TensorBoard reads back every scalar as the float32 nearest the value written, at its step and wall time", () => {
    const byTag = new Map<string, { step: number; wall_time: number; value: number }[]>();
    for (const s of inputs.scalars) (byTag.get(s.tag) ?? byTag.set(s.tag, []).get(s.tag)!).push({ step: s.step, wall_time: inputs.walltime, value: Math.fround(s.value) });
    expect(tbDeepscript["."].scalars).toEqual(Object.fromEntries(byTag));
    // 1e-40 is a float32 subnormal; -0 stays -0.
    expect(tbDeepscript["."].scalars["train/accuracy"].map((s: { value: number }) => s.value)).toEqual([0, -0, Math.fround(1e30), Math.fround(1e-40), Math.fround(-123.456)]);
    for (const key of ["xsinx", "xcosx"]) {
      expect(tbDeepscript[`run_14h_${key}`].scalars).toEqual({
        run_14h: inputs.scalarGroups.map((g) => ({ step: g.step, wall_time: inputs.walltime, value: Math.fround(g.values[key]!) })),
      });
    }
  });

  it("TensorBoard reads back every histogram with PyTorch's min, max, num, sum, bucket limits and counts", () => {
    const tags = [...new Set(inputs.histograms.map((h) => h.tag))].sort();
    expect(Object.keys(tbDeepscript["."].histograms).sort()).toEqual(tags);
    for (const tag of tags) {
      const ours = tbDeepscript["."].histograms[tag], torch = tbTorch["."].histograms[tag];
      const written = inputs.histograms.filter((h) => h.tag === tag);
      expect(ours).toHaveLength(written.length);
      ours.forEach((h: Record<string, number & number[]>, i: number) => {
        const t = torch[i], values = written[i]!.values;
        expect(h.step).toBe(written[i]!.step);
        expect([h.min, h.max, h.num]).toEqual([Math.min(...values), Math.max(...values), values.length]);
        expect({ ...h, sum_squares: 0 }, tag).toEqual({ ...t, sum_squares: 0 });
        // numpy's dot (BLAS) adds the squares in an order of its own; only the last bits may differ.
        expect(Math.abs(h.sum_squares - t.sum_squares)).toBeLessThanOrEqual(4 * Number.EPSILON * t.sum_squares);
        expect(h.bucket.reduce((a: number, b: number) => a + b, 0)).toBeLessThanOrEqual(values.length);
      });
    }
  });

  it("TensorBoard decodes every image to PyTorch's size and pixels", () => {
    expect(Object.keys(tbDeepscript["."].images).sort()).toEqual(inputs.images.map((im) => im.tag).sort());
    for (const im of inputs.images) {
      const [ours] = tbDeepscript["."].images[im.tag], [torch] = tbTorch["."].images[im.tag];
      expect(ours.format).toBe("PNG");
      expect(ours, im.tag).toEqual(torch);
      const hw = im.dataformats.length === 2 ? im.shape : im.dataformats === "CHW" ? im.shape.slice(1) : im.shape.slice(0, 2);
      expect([ours.height, ours.width]).toEqual(hw);
    }
  });

  it("TensorBoard reads back the text and the hparams session as PyTorch's", () => {
    expect(tbDeepscript["."].text).toEqual({ "notes/text_summary": inputs.texts.map((t) => ({ step: t.step, wall_time: inputs.walltime, text: [t.text] })) });
    expect(tbDeepscript["hp-run"].hparams).toEqual(tbTorch["hp-run"].hparams);
    expect(tbDeepscript["hp-run"].scalars).toEqual(tbTorch["hp-run"].scalars);
    expect(tbDeepscript["hp-run"].hparams["_hparams_/session_start_info"].session_start_info.hparams).toEqual({ lr: 0.01, optimizer: "adam", layers: 3 });
    // A boolean is the plugin's bool type here (torch would store 1.0).
    expect(tbDeepscript["hp-bool"].hparams["_hparams_/session_start_info"].session_start_info.hparams).toEqual({ dropout: true, momentum: 0.9 });
    expect(tbDeepscript["hp-bool"].hparams["_hparams_/experiment"].experiment.hparam_infos).toEqual([
      { name: "dropout", type: "DATA_TYPE_BOOL" },
      { name: "momentum", type: "DATA_TYPE_FLOAT64" },
    ]);
  });

  it("writes the same records as torch.utils.tensorboard, byte for byte, but for the writer name, PNG compression and sum_squares", () => {
    const torchFiles = eventFiles(join(FIXTURE_DIR, "torch"));
    const ours = eventFiles(join(FIXTURE_DIR, "deepscript"));
    let identical = 0;
    for (const [run, torchPath] of torchFiles) {
      const want = records(torchPath), got = records(ours.get(run)!);
      expect(got.length, run).toBe(want.length);
      const first = [decodeEvent(got[0]!), decodeEvent(want[0]!)];
      expect(first[0]).toEqual({ ...first[1], sourceMetadata: { writer: "deepscript" } });
      for (let i = 1; i < want.length; i++) {
        if (sameBytes(got[i]!, want[i]!)) { identical++; continue; }
        const [a, b] = [decodeEvent(got[i]!), decodeEvent(want[i]!)] as [Event, Event];
        const [va, vb] = [a.summary!.value[0]!, b.summary!.value[0]!];
        if (va.histo && vb.histo) va.histo.sumSquares = vb.histo.sumSquares;
        else if (va.image && vb.image) va.image.encodedImageString = vb.image.encodedImageString;
        else if (va.tag === "_hparams_/session_start_info") continue; // a protobuf map: torch writes its entries in hash order (compared above)
        expect(sameBytes(encodeEvent(a), want[i]!), `${run} record ${i} (${va.tag})`).toBe(true);
      }
    }
    expect(identical).toBeGreaterThan(20);
  });
});

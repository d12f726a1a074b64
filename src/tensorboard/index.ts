// TensorBoard event files: SummaryWriter (Node), readEvents, and the browser-safe encoders beneath them.
export { SummaryWriter } from "./SummaryWriter.js";
export type { SummaryWriterOptions, HistogramAddOptions, ImageAddOptions, HparamsAddOptions } from "./SummaryWriter.js";
export { readEvents } from "./readEvents.js";
export { parseEvents, splitRecords, frameRecord, EventFileError } from "./records.js";
export type { RawRecord } from "./records.js";
export { encodeEvent, decodeEvent, DT } from "./events.js";
export type { Event, Summary, SummaryValue, SummaryMetadata, SummaryImage, HistogramProto, TensorProto } from "./events.js";
export { makeHistogram, tensorflowBins } from "./histogram.js";
export type { Bins, HistogramOptions } from "./histogram.js";
export { encodePng, storedDeflate } from "./png.js";
export type { Deflate } from "./png.js";
export { crc32c, maskedCrc32c } from "./crc32c.js";
export { scalar, histogram, image, text, hparams, toHwcImage } from "./summary.js";
export type { HParamValue, HwcImage } from "./summary.js";

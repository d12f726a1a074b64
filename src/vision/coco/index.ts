// vision.coco: the COCO detection format (read, validate, write; files through the Node adapter) and its evaluator (pycocotools' COCOeval for boxes).
export { parseCoco, stringifyCoco, validateCoco, validateDetections } from "./format.js";
export type { CocoDataset, CocoImage, CocoAnnotation, CocoCategory, CocoDetection } from "./format.js";
export { readCocoFile, writeCocoFile } from "./files.js";
export { cocoEvaluate } from "./evaluate.js";
export type { CocoMetrics } from "./evaluate.js";

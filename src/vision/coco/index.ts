// vision.coco: the COCO detection format (read, validate, write) and its evaluator (pycocotools' COCOeval for boxes).
export { parseCoco, stringifyCoco, validateCoco, validateDetections } from "./format.js";
export type { CocoDataset, CocoImage, CocoAnnotation, CocoCategory, CocoDetection } from "./format.js";
export { cocoEvaluate } from "./evaluate.js";
export type { CocoMetrics } from "./evaluate.js";

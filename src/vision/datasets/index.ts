// vision.datasets: detection datasets — the synthetic HazyScenes benchmark and COCO-format folders (CocoDetection).
export { HazyScenes, HAZY_CATEGORIES } from "./HazyScenes.js";
export type { HazyScenesOptions, HazySceneItem, HazySplit } from "./HazyScenes.js";
export { CocoDetection } from "./CocoDetection.js";
export type { CocoDetectionOptions } from "./CocoDetection.js";
export { detectionTargets, detectionCollate } from "./detection.js";
export type { DetectionItem, DetectionBatch } from "./detection.js";

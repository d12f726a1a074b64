// vision.datasets: detection datasets — the synthetic HazyScenes benchmark.
export { HazyScenes, HAZY_CATEGORIES } from "./HazyScenes.js";
export type { HazyScenesOptions, HazySceneItem, HazySplit } from "./HazyScenes.js";

// vision.ops: bounding-box utilities as torchvision.ops (conversion, area, IoU, generalized IoU, NMS).
export { boxConvert, boxArea, boxIou, generalizedBoxIou, nms, batchedNms, clipBoxesToImage, removeSmallBoxes } from "./boxes.js";
export type { BoxFormat } from "./boxes.js";

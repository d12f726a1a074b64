// vision: building blocks for images (augmentation transforms, reference models, visualization; datasets live in data).
export * as transforms from "./transforms/index.js";
export * as models from "./models/index.js";
export * as ops from "./ops/index.js";
export * as coco from "./coco/index.js";
export * as datasets from "./datasets/index.js";
export * as dehaze from "./dehaze.js";
export { saliency, makeGrid, filterGrid, confusionMatrix, confusionMatrixImage, imagePng } from "./visualize.js";
export type { MakeGridOptions } from "./visualize.js";
export { activationMaximization } from "./activationMax.js";
export type { ActivationMaximizationOptions, ActivationMaximizationResult } from "./activationMax.js";
export { fgsm, pgd, robustAccuracy, adversarialTrainingStep } from "./adversarial.js";
export type { FGSMOptions, PGDOptions, Attack, AttackLoss, AdversarialTrainingOptions } from "./adversarial.js";
export * as detection from "./detection.js";

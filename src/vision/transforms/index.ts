// vision.transforms: seeded image augmentation (Compose of transforms with a probability each, box-aware with bboxParams) and the functional operations under it.
export {
  Transform, Compose, ToTensor, RandomCrop, RandomHorizontalFlip, RandomVerticalFlip, RandomAffine, GaussianNoise, ColorJitter,
  GaussianBlur, RandomErasing, Cutout, Normalize,
} from "./transforms.js";
export type {
  TransformLike, TransformOptions, ComposeOptions, BboxParams, BboxFormat, BboxSample, BboxResult, BoxCorners, RandomCropOptions, RandomAffineOptions, GaussianNoiseOptions, ColorJitterOptions, RandomErasingOptions,
} from "./transforms.js";
export * as functional from "./functional.js";
export type { PaddingMode, Interpolation, AffineOptions, ImageDataLike } from "./functional.js";

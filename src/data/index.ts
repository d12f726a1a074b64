// data: datasets, loaders, splits, cross-validation, transforms, toy datasets, MNIST, IDX files and FashionMNIST (browser-safe; file access through a Node adapter).
export { TensorDataset, Subset, randomSplit } from "./Dataset.js";
export type { Dataset } from "./Dataset.js";
export { DataLoader, defaultCollate } from "./DataLoader.js";
export type { DataLoaderOptions } from "./DataLoader.js";
export { kFold, crossValidate, summarizeFolds } from "./kFold.js";
export type { Fold, CrossValidationResult } from "./kFold.js";
export { Standardize, MinMax, oneHot } from "./transforms.js";
export { xor, productSign, twoMoons, circles, spirals, gaussianBlobs } from "./synthetic.js";
export type { Labeled, SyntheticOptions } from "./synthetic.js";
export { mnistFromDigits, MNIST_SPLIT_SEED, MNIST_PIXELS, MNIST_TRAIN_SIZE, MNIST_TEST_SIZE } from "./mnist.js";
export type { MnistSplit } from "./mnist.js";
export { parseIdx, idxToTensor, isGzip } from "./idx.js";
export { readIdxFile } from "./datasetHost.js";
export type { IdxArray, IdxType } from "./idx.js";
export { FashionMNIST, MNIST, IdxImageDataset } from "./IdxImageDataset.js";
export type { IdxDatasetOptions, IdxDownloadOptions, IdxResource, ImageTransform } from "./IdxImageDataset.js";
export { loadMnist } from "../node/index.js";

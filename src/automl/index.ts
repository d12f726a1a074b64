// AutoML, Keras-style: architecture and hyperparameter search for image classifiers (random search, Hyperband).
export { ImageClassifier, buildImageModel, defaultImageSearchSpace } from "./ImageClassifier.js";
export type { ImageClassifierOptions, ImageClassifierFitOptions, ImageSearchSpace, ImageHyperParameters, Trial } from "./ImageClassifier.js";
export { hyperbandSchedule } from "./hyperband.js";
export type { HyperbandBracket, HyperbandRound } from "./hyperband.js";

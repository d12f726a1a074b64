// train: the fit loop, evaluation, metrics and callbacks (browser-safe but the terminal ProgressBar, Node's).
export { fit, evaluate, predict } from "./fit.js";
export type { FitOptions, History, Loader, Loss, Unpack, Batch } from "./fit.js";
export type { Callback, TrainContext, BatchLogs } from "./Callback.js";
export type { TrainableModel, TrainableOptimizer, EpochLogs } from "./types.js";
export { currentLr, setLr } from "./types.js";
export {
  accuracy, topKAccuracy, topK, confusionMatrix, precisionRecallF1, MacroScore, mse, mae, predictedClasses, rocAuc,
} from "./metrics.js";
export type { Metric, MetricFn, StreamingMetric } from "./metrics.js";
export { EarlyStopping } from "./EarlyStopping.js";
export type { EarlyStoppingOptions } from "./EarlyStopping.js";
export { ModelCheckpoint, resume } from "./ModelCheckpoint.js";
export { captureRng, restoreRng } from "./rng.js";
export type { RngState } from "./rng.js";
export type { ModelCheckpointOptions } from "./ModelCheckpoint.js";
export { LearningRateScheduler, ReduceLROnPlateau } from "./schedulers.js";
export type { Schedule, ReduceLROnPlateauOptions } from "./schedulers.js";
export { JsonlLogger, CsvLogger, LambdaCallback } from "./loggers.js";
export type { LineSink } from "./loggers.js";
export { TensorBoard } from "./TensorBoard.js";
export type { TensorBoardOptions } from "./TensorBoard.js";
export { ProgressBar } from "../node/index.js";
export type { ProgressBarOptions, TerminalStream } from "../node/index.js";
export { formatLogs } from "./formatLogs.js";

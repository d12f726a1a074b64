// Probabilistic programming (Pyro's core, small): sample/param/plate/factor in model functions, effect handlers, SVI with TraceELBO.
export { sample, param, plate, factor, module, paramStore, clearParamStore, trace, replay, condition, block, seed, withHandler, Trace } from "./core.js";
export type { Message, Handler, PlateFrame, PlateOptions, ParamOptions, Site } from "./core.js";
export { TraceELBO, TraceMeanFieldELBO, SVI } from "./infer.js";
export type { ElboOptions, SVIOptions, Program } from "./infer.js";
export { transformTo } from "./constraints.js";
export type { ParamTransform } from "./constraints.js";
export { bayesianLinearRegressionPosterior } from "./examples.js";

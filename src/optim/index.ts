// deepscript.optim: optimizers (pure update rules wrapped by small classes) and learning-rate schedules.
export { Optimizer } from "./Optimizer.js";
export type { ParamGroup, ParamsArg, OptimizerStateDict, StateValue, Update } from "./Optimizer.js";
export { SGD, sgdUpdate } from "./SGD.js";
export type { SGDHyper, SGDState } from "./SGD.js";
export { Adam, adamUpdate, adamMoments } from "./Adam.js";
export type { AdamHyper, AdamState } from "./Adam.js";

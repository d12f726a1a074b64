// Public surface of deepscript's reinforcement-learning package (re-exports only).

export type { Env, Space, Info, ResetOptions, StepResult, Transition, TabularMDP } from "./Env.js";
export { Discrete, Box, MultiDiscrete, Tuple, formatValue } from "./spaces.js";
export type { SpaceOptions, SpaceValues } from "./spaces.js";

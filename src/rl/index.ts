// Public surface of deepscript's reinforcement-learning package (re-exports only).

export type { Env, Space, Info, ResetOptions, StepResult, Transition, TabularMDP } from "./Env.js";
export { Discrete, Box, MultiDiscrete, Tuple, formatValue, assertContains } from "./spaces.js";
export type { SpaceOptions, SpaceValues } from "./spaces.js";
export { Wrapper, TimeLimit, RecordEpisodeStatistics, TransformObservation, TransformReward, ClipAction, unwrapped } from "./wrappers.js";
export type { EpisodeStatistics, EnvWrapper } from "./wrappers.js";
export { SyncVectorEnv } from "./vector.js";
export type { AutoresetMode, VectorStepResult, VectorResetOptions } from "./vector.js";
export { register, make, registeredIds, spec } from "./registry.js";
export type { EnvFactory, EnvSpec, EnvTypes, RegisterOptions, MakeOptions } from "./registry.js";
export { checkEnv } from "./checkEnv.js";
export type { CheckEnvOptions } from "./checkEnv.js";
export { CartPole } from "./envs/classic/CartPole.js";
export type { CartPoleOptions } from "./envs/classic/CartPole.js";
export { MountainCar } from "./envs/classic/MountainCar.js";
export type { MountainCarOptions } from "./envs/classic/MountainCar.js";
export { Pendulum, angleNormalize } from "./envs/classic/Pendulum.js";
export type { PendulumOptions } from "./envs/classic/Pendulum.js";
export { FrozenLake, FROZEN_LAKE_MAPS, generateRandomMap } from "./envs/FrozenLake.js";
export type { FrozenLakeOptions } from "./envs/FrozenLake.js";
export { TabularEnv, GridWorld5x5, GridWorld4x4, CliffWalking, RandomWalk, RecyclingRobot, Blackjack, blackjackModel, JacksCarRental, Bandit } from "./envs/toytext/index.js";
export type { BlackjackObs, BlackjackOptions, RandomWalkOptions, RecyclingRobotOptions, JacksCarRentalOptions, BanditOptions } from "./envs/toytext/index.js";
export * as tabular from "./tabular/index.js";
export * as bandits from "./bandits/index.js";

// Multi-armed bandits (Sutton & Barto Chapter 2): agents and the k-armed testbed runner.

export type { BanditAgent, BanditAgentFactory } from "./BanditAgent.js";
export { argmaxTiesRandom } from "./BanditAgent.js";
export { EpsilonGreedy } from "./EpsilonGreedy.js";
export type { EpsilonGreedyOptions } from "./EpsilonGreedy.js";
export { UCB } from "./UCB.js";
export type { UCBOptions } from "./UCB.js";
export { GradientBandit } from "./GradientBandit.js";
export type { GradientBanditOptions } from "./GradientBandit.js";
export { runTestbed } from "./testbed.js";
export type { TestbedOptions, TestbedCurve } from "./testbed.js";
export { Bandit } from "../envs/toytext/Bandit.js";
export type { BanditOptions } from "../envs/toytext/Bandit.js";

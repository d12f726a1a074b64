// The Sutton & Barto toy-text environments (importing this registers them with `make`).

import "./register.js";

export { TabularEnv, uniformOver } from "./TabularEnv.js";
export { GridWorld5x5, GRID_ARROWS, GRID_MOVES, UP, RIGHT, DOWN, LEFT } from "./GridWorld5x5.js";
export { GridWorld4x4 } from "./GridWorld4x4.js";
export { CliffWalking } from "./CliffWalking.js";
export { RandomWalk } from "./RandomWalk.js";
export type { RandomWalkOptions } from "./RandomWalk.js";
export { RecyclingRobot } from "./RecyclingRobot.js";
export type { RecyclingRobotOptions } from "./RecyclingRobot.js";
export { Blackjack, blackjackModel, blackjackStateIndex, dealerFinalDistribution } from "./Blackjack.js";
export type { BlackjackObs, BlackjackOptions } from "./Blackjack.js";
export { JacksCarRental } from "./JacksCarRental.js";
export type { JacksCarRentalOptions } from "./JacksCarRental.js";
export { Bandit } from "./Bandit.js";
export type { BanditOptions } from "./Bandit.js";

// Registers the Sutton & Barto toy-text environments with `make` (imported by src/rl/index.ts).

import type { Env } from "../../Env.js";
import { register } from "../../registry.js";
import { Bandit } from "./Bandit.js";
import { Blackjack, type BlackjackObs } from "./Blackjack.js";
import { CliffWalking } from "./CliffWalking.js";
import { GridWorld4x4 } from "./GridWorld4x4.js";
import { GridWorld5x5 } from "./GridWorld5x5.js";
import { JacksCarRental } from "./JacksCarRental.js";
import { RandomWalk } from "./RandomWalk.js";
import { RecyclingRobot } from "./RecyclingRobot.js";

declare module "../../registry.js" {
  interface EnvTypes {
    "Bandit-v0": Env<number, number>;
    GridWorld5x5: Env<number, number>;
    GridWorld4x4: Env<number, number>;
    "CliffWalking-v0": Env<number, number>;
    "Blackjack-v1": Env<BlackjackObs, number>;
    RecyclingRobot: Env<number, number>;
    JacksCarRental: Env<number, number>;
    RandomWalk: Env<number, number>;
  }
}

// Time limits: Gymnasium registers none for CliffWalking-v0 and Blackjack-v1, and RandomWalk always ends;
// the continuing tasks get 100 steps, the bandit the testbed's 1000 pulls.
register("Bandit-v0", (opts) => new Bandit(opts), {
  maxEpisodeSteps: 1000,
  optionKeys: ["k", "qMean", "qStd", "rewardStd", "nonstationary", "walkStd"],
});
register("GridWorld5x5", () => new GridWorld5x5(), { maxEpisodeSteps: 100, optionKeys: [] });
register("GridWorld4x4", () => new GridWorld4x4(), { maxEpisodeSteps: 100, optionKeys: [] });
register("CliffWalking-v0", () => new CliffWalking(), { optionKeys: [] });
register("Blackjack-v1", (opts) => new Blackjack(opts), { optionKeys: ["natural", "sab"] });
register("RecyclingRobot", (opts) => new RecyclingRobot(opts), {
  maxEpisodeSteps: 100,
  optionKeys: ["alpha", "beta", "rSearch", "rWait", "rescue"],
});
register("JacksCarRental", (opts) => new JacksCarRental(opts), {
  maxEpisodeSteps: 100,
  optionKeys: ["maxCars", "maxMove", "overnightCapacity", "rentReward", "moveCost", "requestMeans", "returnMeans"],
});
register("RandomWalk", (opts) => new RandomWalk(opts), { optionKeys: ["nStates", "leftReward"] });

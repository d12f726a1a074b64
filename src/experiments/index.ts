// Registry of every experiment the CLI can run; add one import and one list entry per experiment.
import type { Experiment } from "./Experiment.js";
import { experiment as kuhnCfr } from "./kuhn-cfr.js";
import { experiment as matrixGames } from "./matrix-games.js";
import { experiment as optimRosenbrock } from "./optim-rosenbrock.js";
import { experiment as optimConditioning } from "./optim-conditioning.js";
import { experiment as optimEs } from "./optim-es.js";
import { experiment as minimaxBilinear } from "./minimax-bilinear.js";
import { experiment as gridworldValues } from "./gridworld-values.js";
import { experiment as policyEvaluation4x4 } from "./policy-evaluation-4x4.js";
import { experiment as banditTestbed } from "./bandit-testbed.js";
import { experiment as cliffSarsaVsQ } from "./cliff-sarsa-vs-q.js";
import { experiment as blackjackMc } from "./blackjack-mc.js";
import { experiment as jacksCarRental } from "./jacks-car-rental.js";
import { experiment as mnistMlp } from "./mnist-mlp.js";
import { experiment as backpropByHand } from "./backprop-by-hand.js";
import { experiment as featureCross } from "./feature-cross.js";
import { experiment as optimizersExperiment } from "./optimizers.js";
import { experiment as regularization } from "./regularization.js";
import { experiment as mcDropout } from "./mc-dropout.js";
import { experiment as ngramShakespeare } from "./ngram-shakespeare.js";
import { experiment as cartpoleDqn } from "./cartpole-dqn.js";
import { experiment as cartpolePpo } from "./cartpole-ppo.js";
import { experiment as cartpoleA2c } from "./cartpole-a2c.js";
import { experiment as cartpoleReinforce } from "./cartpole-reinforce.js";
import { experiment as cartpoleTrpo } from "./cartpole-trpo.js";
import { experiment as pendulumTd3 } from "./pendulum-td3.js";
import { experiment as pendulumDdpg } from "./pendulum-ddpg.js";
import { experiment as pendulumSac } from "./pendulum-sac.js";

export const experiments: Experiment[] = [kuhnCfr, matrixGames, optimRosenbrock, optimConditioning, optimEs, minimaxBilinear, gridworldValues, policyEvaluation4x4, banditTestbed, cliffSarsaVsQ, blackjackMc, jacksCarRental, mnistMlp, backpropByHand, featureCross, optimizersExperiment, regularization, mcDropout, ngramShakespeare, cartpoleDqn, cartpolePpo, cartpoleA2c, cartpoleReinforce, cartpoleTrpo, pendulumDdpg, pendulumTd3, pendulumSac];

export function findExperiment(name: string): Experiment {
  const found = experiments.find((e) => e.name === name);
  if (!found) {
    const names = experiments.map((e) => e.name).join(", ");
    throw new Error(`deepscript run: unknown experiment "${name}" (available: ${names})`);
  }
  return found;
}

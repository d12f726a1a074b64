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
import { experiment as charGpt } from "./char-gpt.js";
import { experiment as charLstm } from "./char-lstm.js";
import { experiment as seq2seqDates } from "./seq2seq-dates.js";
import { experiment as fashionCnn } from "./fashion-cnn.js";
import { experiment as adversarial } from "./adversarial.js";
import { experiment as convToeplitz } from "./conv-toeplitz.js";
import { experiment as cnnInside } from "./cnn-inside.js";
import { experiment as transfer } from "./transfer.js";
import { experiment as automlFashion } from "./automl-fashion.js";
import { experiment as vitFashion } from "./vit-fashion.js";
import { experiment as vaeFashion } from "./vae-fashion.js";
import { experiment as gradEstimators } from "./grad-estimators.js";
import { experiment as gan2d } from "./gan-2d.js";
import { experiment as pix2pixShapes } from "./pix2pix-shapes.js";
import { experiment as cycleganShapes } from "./cyclegan-shapes.js";
import { experiment as cycleganDigits } from "./cyclegan-digits.js";
import { experiment as bayesRegression } from "./bayes-regression.js";
import { experiment as coraGcn } from "./cora-gcn.js";
import { experiment as coraGat } from "./cora-gat.js";
import { experiment as coraSage } from "./cora-sage.js";
import { experiment as graphClassification } from "./graph-classification.js";
import { experiment as linkPrediction } from "./link-prediction.js";
import { experiment as karate } from "./karate.js";
import { experiment as cartpoleDqn } from "./cartpole-dqn.js";
import { experiment as cartpolePpo } from "./cartpole-ppo.js";
import { experiment as cartpoleA2c } from "./cartpole-a2c.js";
import { experiment as cartpoleReinforce } from "./cartpole-reinforce.js";
import { experiment as cartpoleTrpo } from "./cartpole-trpo.js";
import { experiment as pendulumTd3 } from "./pendulum-td3.js";
import { experiment as pendulumDdpg } from "./pendulum-ddpg.js";
import { experiment as pendulumSac } from "./pendulum-sac.js";
import { experiment as word2vecShakespeare } from "./word2vec-shakespeare.js";
import { experiment as tictactoeAlphaZero } from "./tictactoe-alphazero.js";
import { experiment as connect4AlphaZero } from "./connect4-alphazero.js";
import { experiment as bertMlm } from "./bert-mlm.js";
import { experiment as mazeGoExplore } from "./maze-go-explore.js";
import { experiment as dcganFashion } from "./dcgan-fashion.js";
import { experiment as cganFashion } from "./cgan-fashion.js";
import { experiment as pendulumMpc } from "./pendulum-mpc.js";
import { experiment as pendulumPpo } from "./pendulum-ppo.js";
import { experiment as cartpoleImitation } from "./cartpole-imitation.js";
import { experiment as cartpoleNfq } from "./cartpole-nfq.js";
import { experiment as transformerDates } from "./transformer-dates.js";
import { experiment as dehaze } from "./dehaze.js";
import { experiment as detrHaze } from "./detr-haze.js";
import { experiment as detectorBaseline } from "./detector-baseline.js";
import { experiment as fashionResnet } from "./fashion-resnet.js";

export const experiments: Experiment[] = [kuhnCfr, matrixGames, optimRosenbrock, optimConditioning, optimEs, minimaxBilinear, gridworldValues, policyEvaluation4x4, banditTestbed, cliffSarsaVsQ, blackjackMc, jacksCarRental, mnistMlp, backpropByHand, featureCross, optimizersExperiment, regularization, mcDropout, ngramShakespeare, word2vecShakespeare, seq2seqDates, charLstm, charGpt, transformerDates, bertMlm, fashionCnn, fashionResnet, convToeplitz, cnnInside, detectorBaseline, dehaze, transfer, automlFashion, adversarial, vitFashion, detrHaze, vaeFashion, gradEstimators, gan2d, dcganFashion, cganFashion, pix2pixShapes, cycleganShapes, cycleganDigits, bayesRegression, coraGcn, coraGat, coraSage, graphClassification, karate, linkPrediction, cartpoleDqn, cartpolePpo, cartpoleA2c, cartpoleReinforce, cartpoleTrpo, cartpoleImitation, cartpoleNfq, pendulumDdpg, pendulumTd3, pendulumSac, pendulumMpc, pendulumPpo, tictactoeAlphaZero, connect4AlphaZero, mazeGoExplore];

export function findExperiment(name: string): Experiment {
  const found = experiments.find((e) => e.name === name);
  if (!found) {
    const names = experiments.map((e) => e.name).join(", ");
    throw new Error(`deepscript run: unknown experiment "${name}" (available: ${names})`);
  }
  return found;
}

// Imitation learning from an expert policy: behaviour cloning, DAgger and GAIL, one readable file each.
export { trainBC, bcDefaults } from "./BC.js";
export type { BCConfig, BCResult } from "./BC.js";
export { trainDAgger, daggerDefaults } from "./DAgger.js";
export type { DAggerConfig, DAggerResult, DAggerRound } from "./DAgger.js";
export { collectDemonstrations, checkImitationSpaces, fitClassifier, makeLearner } from "./common.js";
export type { ExpertPolicy, Demonstrations, ClassifierConfig } from "./common.js";
export { trainGAIL, gailDefaults, Discriminator } from "./GAIL.js";
export type { GAILConfig, GAILResult } from "./GAIL.js";

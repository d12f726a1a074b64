// Public surface of the optimization chapter: minimize, line searches, evolution strategies, minimax, assignment, test problems.

export { minimize, type MinimizeMethod, type MinimizeOptions } from "./minimize.js";
export type { Callback, GradientFn, HessianFn, IterationInfo, ObjectiveFn, OptimizeResult, TrajectoryPoint } from "./types.js";
export { Objective } from "./objective.js";
export { fromTensorFn, gradientOf, hessianOf, type TensorObjective } from "./autodiff.js";
export { lineSearch, type LineSearchKind, type LineSearchOptions, type LineSearchResult } from "./lineSearch.js";
export { backtracking } from "./backtracking.js";
export { strongWolfe } from "./strongWolfe.js";
export { exactLineSearch, brent, bracketMinimum } from "./exactLineSearch.js";
export { gradientDescent, stepSize, type StepSchedule } from "./gradientDescent.js";
export { momentumDescent } from "./momentum.js";
export { newton, newtonDirection } from "./newton.js";
export { quasiNewton, bfgsUpdate, dfpUpdate, sr1Update } from "./quasiNewton.js";
export { lbfgs, twoLoop } from "./lbfgs.js";
export { conjugateGradient } from "./conjugateGradient.js";
export { nelderMead } from "./nelderMead.js";
export { runAskTell, type AskTellOptimizer } from "./askTell.js";
export { CMAES, cmaes, cmaesParameters, type CMAESParameters } from "./CMAES.js";
export { NaturalES, fitnessShaping } from "./NaturalES.js";
export { CrossEntropyMethod } from "./CrossEntropyMethod.js";
export { GaussianES } from "./GaussianES.js";
export { minimax, bilinear, type MinimaxProblem, type MinimaxResult } from "./minimax.js";
export { ackley, beale, logisticRegression, quadratic, rastrigin, rosenbrock, sphere, type TestProblem } from "./testFunctions.js";
export { linearSumAssignment, type Assignment, type LinearSumAssignmentOptions } from "./linearSumAssignment.js";

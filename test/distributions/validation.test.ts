// Parameter and value validation (on by default, as torch's validate_args): errors name the distribution,
// the parameter or method, the constraint, and the first offending value.
import { afterEach, describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";

const D = ds.distributions;

describe("invalid parameters", () => {
  it("a negative scale", () => {
    expect(() => new D.Normal(ds.tensor([0, 0, 0]), ds.tensor([1, -2, 0]))).toThrow(
      "Normal: parameter scale (shape [3]) must satisfy the constraint positive (> 0), but found 2 invalid values, the first -2 at index [1]",
    );
    expect(() => new D.Laplace(0, -1)).toThrow("Laplace: parameter scale (shape []) must satisfy the constraint positive (> 0), but found an invalid value -1");
    expect(() => new D.Gamma(ds.tensor([1, 0]), 1)).toThrow("Gamma: parameter concentration (shape [2]) must satisfy the constraint positive (> 0), but found an invalid value 0 at index [1]");
    expect(() => new D.Exponential(ds.tensor([[1], [-3]]))).toThrow("Exponential: parameter rate (shape [2,1]) must satisfy the constraint positive (> 0), but found an invalid value -3 at index [1, 0]");
    expect(() => new D.Poisson(-0.5)).toThrow("Poisson: parameter rate (shape []) must satisfy the constraint nonnegative (>= 0)");
    expect(() => new D.Beta(1, ds.tensor([NaN]))).toThrow("Beta: parameter concentration0 (shape [1]) must satisfy the constraint positive (> 0), but found an invalid value NaN at index [0]");
    expect(() => new D.RelaxedBernoulli(0, 0.5)).toThrow("RelaxedBernoulli: parameter temperature (shape []) must satisfy the constraint positive (> 0)");
  });

  it("probabilities outside [0, 1] or off the simplex, and NaN logits", () => {
    expect(() => new D.Bernoulli(ds.tensor([0.5, 1.2]))).toThrow(
      "Bernoulli: parameter probs (shape [2]) must satisfy the constraint unitInterval ([0, 1]), but found an invalid value 1.2 at index [1]",
    );
    expect(() => new D.Bernoulli({ logits: ds.tensor([0, NaN]) })).toThrow("Bernoulli: parameter logits (shape [2]) must satisfy the constraint real");
    // Categorical normalizes probs (as PyTorch), so only negative entries (or all zeros) are invalid
    expect(() => new D.Categorical(ds.tensor([0.5, -0.1, 0.6]))).toThrow(
      "Categorical: parameter probs (shape [3]) must satisfy the constraint simplex (nonnegative, summing to 1), but found an invalid value",
    );
    expect(() => new D.Categorical(ds.tensor([[1, 1], [0, 0]]))).toThrow("found an invalid value [NaN, NaN] at index [1]");
    expect(() => new D.OneHotCategorical(ds.tensor([-1, 2]))).toThrow("OneHotCategorical: parameter probs (shape [2]) must satisfy the constraint simplex");
    expect(() => new D.Dirichlet(ds.tensor([[1, 2], [0, 1]]))).toThrow(
      "Dirichlet: parameter concentration (shape [2,2]) must satisfy the constraint independent(positive (> 0), 1), but found an invalid value [0, 1] at index [1]",
    );
  });

  it("covariance matrices that are not positive-definite or not symmetric, and bad Cholesky factors", () => {
    expect(() => new D.MultivariateNormal(ds.zeros([2]), ds.tensor([[1, 2], [2, 1]]))).toThrow(
      "MultivariateNormal: parameter covarianceMatrix (shape [2,2]) must satisfy the constraint positiveDefinite (symmetric with a Cholesky factorization), but found an invalid value [1, 2, 2, 1]",
    );
    expect(() => new D.MultivariateNormal(ds.zeros([2]), ds.tensor([[1, 0.5], [0, 1]]))).toThrow("parameter covarianceMatrix (shape [2,2]) must satisfy the constraint positiveDefinite");
    expect(() => new D.MultivariateNormal(ds.zeros([2]), { precisionMatrix: ds.tensor([[-1, 0], [0, 1]]) })).toThrow("parameter precisionMatrix (shape [2,2]) must satisfy the constraint positiveDefinite");
    expect(() => new D.MultivariateNormal(ds.zeros([2]), { scaleTril: ds.tensor([[1, 0], [0.5, -1]]) })).toThrow(
      "MultivariateNormal: parameter scaleTril (shape [2,2]) must satisfy the constraint lowerCholesky (lower-triangular with a positive diagonal)",
    );
    expect(() => new D.MultivariateNormal(ds.zeros([2]), { scaleTril: ds.tensor([[1, 0.1], [0.5, 1]]) })).toThrow("constraint lowerCholesky");
    // without validation, the factorization itself still refuses
    expect(() => new D.MultivariateNormal(ds.zeros([2]), { covarianceMatrix: ds.tensor([[1, 2], [2, 1]]), validateArgs: false })).toThrow(
      "MultivariateNormal: covarianceMatrix (shape [2,2]) must be positive-definite, but its Cholesky factorization failed",
    );
  });

  it("wrong parameterizations and shapes", () => {
    expect(() => new D.Bernoulli({ probs: 0.5, logits: 0 })).toThrow("Bernoulli: give exactly one of probs or logits, not both");
    expect(() => new D.Categorical({})).toThrow("Categorical: give exactly one of probs or logits");
    expect(() => new D.Categorical(ds.tensor(0.5))).toThrow("Categorical: probs must have at least one dim (the categories), got shape []");
    expect(() => new D.Dirichlet(ds.tensor(2))).toThrow("Dirichlet: concentration must have at least one dim (the event dim), got shape []");
    expect(() => new D.MultivariateNormal(ds.zeros([2]), { scaleTril: ds.eye(2), covarianceMatrix: ds.eye(2) })).toThrow(
      "MultivariateNormal: give exactly one of covarianceMatrix, precisionMatrix or scaleTril, got covarianceMatrix and scaleTril",
    );
    expect(() => new D.MultivariateNormal(ds.zeros([2]))).toThrow("got none");
    expect(() => new D.MultivariateNormal(ds.zeros([3]), ds.eye(2))).toThrow("MultivariateNormal: covarianceMatrix must have shape (…, 3, 3) to match loc [3], got [2,2]");
    expect(() => new D.MultivariateNormal(ds.tensor(1), ds.eye(1))).toThrow("MultivariateNormal: loc must be at least one-dimensional, got shape []");
    expect(() => new D.Normal(ds.zeros([2]), ds.ones([3]))).toThrow("Normal");
    expect(() => new D.Normal("a" as never, 1)).toThrow('Normal: parameter loc must be a Tensor or a number, got "a"');
    expect(() => new D.Uniform(ds.tensor([0, 2]), ds.tensor([1, 1]))).toThrow("Uniform: low must be less than high, but low = 2 and high = 1 at flat index 1 of the batch shape [2]");
    expect(() => new D.Independent(new D.Normal(ds.zeros([2]), 1), 2)).toThrow(
      "Independent: reinterpretedBatchNdims must be between 0 and the base distribution's 1 batch dims [2], got 2",
    );
    expect(() => new D.Normal(0, 1).sample([2.5])).toThrow("Normal.sample: invalid sampleShape [2.5]");
    expect(() => new D.Normal(0, 1, { validateArgs: "yes" as never })).toThrow("Normal: validateArgs must be a boolean");
  });
});

describe("values outside the support or of the wrong shape", () => {
  it("logProb and cdf refuse them", () => {
    expect(() => new D.Gamma(1, 1).logProb(ds.tensor([1, -1]))).toThrow(
      "Gamma.logProb: value (shape [2]) must lie in the support nonnegative (>= 0), but found an invalid value -1 at index [1]",
    );
    expect(() => new D.Poisson(2).logProb(ds.tensor([1.5]))).toThrow("Poisson.logProb: value (shape [1]) must lie in the support nonnegativeInteger ({0, 1, 2, ...}), but found an invalid value 1.5 at index [0]");
    expect(() => new D.Beta(2, 2).logProb(ds.tensor(1.5))).toThrow("Beta.logProb: value (shape []) must lie in the support unitInterval ([0, 1]), but found an invalid value 1.5");
    expect(() => new D.Bernoulli(0.5).logProb(ds.tensor([0.5]))).toThrow("Bernoulli.logProb: value (shape [1]) must lie in the support boolean ({0, 1})");
    expect(() => new D.Categorical(ds.tensor([0.5, 0.5])).logProb(ds.tensor([2], { dtype: "int32" }))).toThrow(
      "Categorical.logProb: value (shape [1]) must lie in the support integerInterval ({0, ..., 1}), but found an invalid value 2 at index [0]",
    );
    expect(() => new D.Dirichlet(ds.tensor([1, 2, 3])).logProb(ds.tensor([0.2, 0.3, 0.4]))).toThrow(
      "Dirichlet.logProb: value (shape [3]) must lie in the support simplex (nonnegative, summing to 1), but found an invalid value [0.2, 0.3, 0.4]",
    );
    expect(() => new D.OneHotCategorical(ds.tensor([0.5, 0.5])).logProb(ds.tensor([1, 1]))).toThrow("OneHotCategorical.logProb: value (shape [2]) must lie in the support oneHot");
    expect(() => new D.Uniform(0, 1).logProb(ds.tensor([2]))).toThrow("Uniform.logProb: value (shape [1]) must lie in the support interval ([0, 1])");
    expect(() => new D.Exponential(1).cdf(ds.tensor([-1]))).toThrow("Exponential.cdf: value (shape [1]) must lie in the support nonnegative");
    expect(() => new D.Independent(new D.Exponential(ds.ones([2, 2])), 1).logProb(ds.tensor([[1, 1], [1, -1]]))).toThrow(
      "Independent.logProb: value (shape [2,2]) must lie in the support independent(nonnegative (>= 0), 1), but found an invalid value [1, -1] at index [1]",
    );
  });

  it("values whose shape does not match the event shape or broadcast with the batch", () => {
    expect(() => new D.MultivariateNormal(ds.zeros([3]), ds.eye(3)).logProb(ds.zeros([2]))).toThrow(
      "MultivariateNormal.logProb: the rightmost dims of value [2] must equal the event shape [3]",
    );
    expect(() => new D.Normal(ds.zeros([3]), 1).logProb(ds.zeros([2]))).toThrow("Normal.logProb: value [2] does not broadcast with batchShape + eventShape [3]");
    expect(() => new D.Normal(0, 1).logProb([0.5] as never)).toThrow("Normal.logProb: value must be a Tensor, got");
  });

  it("validateArgs: false skips the checks (out-of-support values score −∞ or NaN, as PyTorch)", () => {
    expect(new D.Uniform(0, 1, { validateArgs: false }).logProb(ds.tensor([2])).toList()).toEqual([-Infinity]);
    expect(new D.Exponential(ds.tensor([-1]), { validateArgs: false }).rate.toList()).toEqual([-1]);
  });
});

describe("Distribution.setDefaultValidateArgs", () => {
  afterEach(() => D.Distribution.setDefaultValidateArgs(true));
  it("turns validation off for distributions created afterwards, and on again", () => {
    D.Distribution.setDefaultValidateArgs(false);
    const loose = new D.Normal(0, -1);
    expect(loose.validateArgs).toBe(false);
    expect(Number.isNaN(loose.logProb(ds.tensor(0)).item())).toBe(true);
    D.Distribution.setDefaultValidateArgs(true);
    expect(() => new D.Normal(0, -1)).toThrow("Normal: parameter scale");
    expect(() => D.Distribution.setDefaultValidateArgs(1 as never)).toThrow("Distribution.setDefaultValidateArgs: expected a boolean");
  });
});

describe("klDivergence registry", () => {
  it("names both types when no closed form exists", () => {
    expect(() => D.klDivergence(new D.Gamma(1, 1), new D.Beta(1, 1))).toThrow(
      "klDivergence: no closed form is registered for KL(Gamma ‖ Beta); register one with registerKL(Gamma, Beta, (p, q) => ...)",
    );
    expect(() => D.klDivergence(new D.Independent(new D.Normal(ds.zeros([2, 2]), 1), 1), new D.Independent(new D.Normal(ds.zeros([2, 2]), 1), 2))).toThrow(
      "klDivergence: Independent distributions with different reinterpretedBatchNdims (1 and 2) have no closed-form KL here",
    );
  });

  it("registerKL adds a pair, and the most specific registered pair wins for subclasses", () => {
    class Shifted extends D.Normal {
      override get name(): string {
        return "Shifted";
      }
    }
    // Shifted inherits Normal–Normal …
    const kl = D.klDivergence(new Shifted(0, 1), new D.Normal(1, 1)).item();
    expect(kl).toBeCloseTo(0.5, 6);
    // … until a pair for it is registered
    D.registerKL(Shifted, D.Normal, () => ds.tensor(42));
    expect(D.klDivergence(new Shifted(0, 1), new D.Normal(1, 1)).item()).toBe(42);
    expect(D.klDivergence(new D.Normal(0, 1), new Shifted(1, 1)).item()).toBeCloseTo(0.5, 6);
    // KL(Laplace ‖ Normal) has no built-in form; E_p[log p − log q] = −log 2 − 1 + ½ log 2π + (μ² + 2b²)/2 for p = Laplace(0, b=1), q = N(μ=0, 1)
    D.registerKL(D.Laplace, D.Normal, (p, q) => {
      const varQ = q.scale.square();
      return p.entropy().neg().add(q.scale.log()).add(0.5 * Math.log(2 * Math.PI)).add(p.loc.sub(q.loc).square().add(p.scale.square().mul(2)).div(varQ.mul(2)));
    });
    expect(D.klDivergence(new D.Laplace(0, 1), new D.Normal(0, 1)).item()).toBeCloseTo(-Math.log(2) - 1 + 0.5 * Math.log(2 * Math.PI) + 1, 6);
    expect(() => D.registerKL(D.Normal, D.Normal, "nope" as never)).toThrow("registerKL: expected two distribution classes and a function");
  });
});

describe("what each distribution declares", () => {
  it("support, argConstraints, batch and event shapes, and a printable form", () => {
    const mvn = new D.MultivariateNormal(ds.zeros([4, 3]), ds.eye(3));
    expect([mvn.batchShape, mvn.eventShape]).toEqual([[4], [3]]);
    expect(String(mvn.support)).toBe("independent(real, 1)");
    expect(Object.keys(mvn.argConstraints)).toEqual(["loc", "covarianceMatrix", "precisionMatrix", "scaleTril"]);
    const d = new D.Dirichlet(ds.ones([2, 5]));
    expect([d.batchShape, d.eventShape, String(d.support)]).toEqual([[2], [5], "simplex (nonnegative, summing to 1)"]);
    expect(new D.Categorical(ds.ones([3])).support.isDiscrete).toBe(true);
    expect(String(new D.Normal(0, 1))).toBe("Normal(loc: 0, scale: 1)");
    expect(String(new D.Normal(ds.zeros([3]), 1))).toBe("Normal(loc: [3], scale: [3])");
    const ind = new D.Independent(new D.Normal(ds.zeros([2, 3]), 1), 1);
    expect([ind.batchShape, ind.eventShape]).toEqual([[2], [3]]);
    expect(() => new D.Poisson(1).entropy()).toThrow("Poisson.entropy is not implemented");
  });

  it("enumerateSupport lists the values of discrete distributions over the batch", () => {
    expect(new D.Bernoulli(ds.tensor([0.2, 0.7])).enumerateSupport().toArray()).toEqual([[0, 0], [1, 1]]);
    expect(new D.Bernoulli(ds.tensor([0.2, 0.7])).enumerateSupport(false).shape).toEqual([2, 1]);
    expect(new D.Categorical(ds.ones([2, 3])).enumerateSupport().toArray()).toEqual([[0, 0], [1, 1], [2, 2]]);
  });
});

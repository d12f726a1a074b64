// Special functions as differentiable ops: lgamma, digamma, polygamma, and the Gamma sample's implicit
// reparameterization gradient that Gamma, Beta and Dirichlet rsample are built on.
import { Tensor } from "../tensor/Tensor.js";
import { isFloating, promoteTypes } from "../tensor/dtype.js";
import { broadcastShapes, fmtShape } from "../tensor/shape.js";
import { apply } from "../autograd/engine.js";
import { checkInt, describe } from "../tensor/validate.js";
import { cast } from "./elementwise.js";
import { expand } from "./movement.js";

function floatInput(op: string, x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${describe(x)}`);
  return isFloating(x.dtype) ? x : cast(x, "float32");
}

/**
 * log |Γ(x)| elementwise (+∞ at 0 and the negative integers); d/dx = ψ(x).
 * ```ts
 * ds.lgamma(ds.tensor([1, 2, 5])); // tensor([0.0000, 0.0000, 3.1781])
 * ```
 */
export function lgamma(x: Tensor): Tensor {
  return apply("lgamma", [floatInput("lgamma", x)], {});
}

/**
 * The digamma function ψ(x) = d log Γ(x)/dx elementwise (−∞ at +0, NaN at the negative integers);
 * d/dx = ψ⁽¹⁾(x), the trigamma function.
 */
export function digamma(x: Tensor): Tensor {
  return apply("digamma", [floatInput("digamma", x)], {});
}

/**
 * ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (PyTorch's `torch.polygamma(n, x)`):
 * n = 0 is digamma, n = 1 the trigamma function; d/dx = ψ⁽ⁿ⁺¹⁾(x).
 */
export function polygamma(n: number, x: Tensor): Tensor {
  checkInt("polygamma", "n", n);
  if (n < 0) throw new Error(`polygamma: n must be a non-negative integer, got ${n}`);
  const input = floatInput("polygamma", x);
  return n === 0 ? apply("digamma", [input], {}) : apply("polygamma", [input], { n });
}

/** Float operands of one dtype for the two-input Gamma ops. */
function gammaOperands(op: string, alpha: Tensor, x: Tensor): [Tensor, Tensor] {
  for (const [name, t] of [["alpha", alpha], ["x", x]] as const) {
    if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${describe(t)}`);
  }
  const dt = promoteTypes(alpha.dtype, x.dtype);
  const dtype = isFloating(dt) ? dt : "float32";
  return [cast(alpha, dtype), cast(x, dtype)];
}

/**
 * ∂x/∂α of standard Gamma(α, 1) samples x, holding their CDF value fixed — the implicit
 * reparameterization gradient (Figurnov et al. 2018; PyTorch's `torch._standard_gamma_grad`), here
 * accurate to near machine precision. α and x broadcast; not differentiable itself.
 */
export function standardGammaGrad(alpha: Tensor, x: Tensor): Tensor {
  const [a, s] = gammaOperands("standardGammaGrad", alpha, x);
  broadcastShapes("standardGammaGrad", a.shape, s.shape);
  return apply("standardGammaGrad", [a, s], {});
}

/**
 * The Gamma(α, 1) sample `sample` (drawn without gradient) as a differentiable function of α:
 * its value is `sample`, its gradient ∂x/∂α = standardGammaGrad(α, x). `alpha` must broadcast to
 * the sample's shape.
 */
export function standardGammaReparam(alpha: Tensor, sample: Tensor): Tensor {
  const [a, s] = gammaOperands("standardGammaReparam", alpha, sample);
  const shape = broadcastShapes("standardGammaReparam", a.shape, s.shape);
  if (shape.length !== s.ndim || shape.some((d, i) => d !== s.shape[i])) {
    throw new Error(`standardGammaReparam: alpha ${fmtShape(alpha.shape)} must broadcast to the sample's shape ${fmtShape(sample.shape)}`);
  }
  return apply("standardGammaReparam", [a.ndim === s.ndim ? a : expand(a, s.shape), s.detach()], {});
}

// JAX-style function transforms on the same tape: grad, valueAndGrad, vjp, jacobian, hessian, hvp.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { apply, enableGrad, isGradEnabled } from "./engine.js";
import { runBackward } from "./backward.js";
import { onesLike, zeros, zerosLike } from "../ops/creation.js";
import { mul } from "../ops/elementwise.js";
import { sum } from "../ops/reduce.js";
import { reshape, stack } from "../ops/movement.js";

export interface GradOptions {
  /** Which positional arguments to differentiate with respect to (default 0). */
  argnums?: number | number[];
}

type TensorFn = (...args: Tensor[]) => Tensor;

/**
 * Fresh differentiable stand-ins for the chosen arguments. An argument that is already being
 * traced (requiresGrad while recording) stays connected through an identity node, so transforms nest
 * (hessian = jacobian(grad(f))).
 */
function tracedArgs(args: Tensor[], argnums: number[]): { all: Tensor[]; traced: Tensor[]; nested: boolean } {
  const all = [...args];
  const traced: Tensor[] = [];
  let nested = false;
  for (const i of argnums) {
    const x = args[i];
    if (!(x instanceof Tensor)) throw new Error(`grad: argument ${i} must be a tensor (argnums=${fmtShape(argnums)})`);
    let t: Tensor;
    if (x.requiresGrad && isGradEnabled()) {
      nested = true;
      t = apply("reshape", [x], { shape: [...x.shape] });
    } else {
      t = x.detach().requiresGrad_(true);
    }
    all[i] = t;
    traced.push(t);
  }
  return { all, traced, nested };
}

function argnumList(options: GradOptions | undefined, nargs: number): number[] {
  const a = options?.argnums ?? 0;
  const list = typeof a === "number" ? [a] : a;
  for (const i of list) {
    if (i < 0 || i >= nargs) throw new Error(`grad: argnums ${i} is out of range for ${nargs} argument(s)`);
  }
  return list;
}

/** Gradients of the scalar `out` with respect to `wrt`; unused inputs get zeros. */
function gradsOf(out: Tensor, wrt: Tensor[], cotangent: Tensor | null, createGraph: boolean, retainGraph = createGraph): Tensor[] {
  if (!out.requiresGrad) return wrt.map((w) => zerosLike(w));
  const g = runBackward([out], [cotangent ?? onesLike(out)], { targets: wrt, createGraph, retainGraph, allowUnused: true });
  return g.map((gi, i) => gi ?? zerosLike(wrt[i]!));
}

function checkScalar(op: string, out: unknown): Tensor {
  if (!(out instanceof Tensor)) throw new Error(`${op}: the function must return a tensor`);
  if (out.size !== 1) throw new Error(`${op}: the function must return a scalar, got shape ${fmtShape(out.shape)}`);
  return out;
}

/**
 * `grad(f)(x)` is ∇f(x) for a scalar-valued f. With several argnums it returns an array.
 * ```ts
 * const df = grad((x) => x.pow(3).sum());
 * df(tensor([2])); // tensor([12.])
 * ```
 */
export function grad(f: TensorFn, options?: GradOptions & { argnums?: number }): (...args: Tensor[]) => Tensor;
export function grad(f: TensorFn, options: GradOptions & { argnums: number[] }): (...args: Tensor[]) => Tensor[];
export function grad(f: TensorFn, options?: GradOptions): (...args: Tensor[]) => Tensor | Tensor[] {
  return (...args: Tensor[]) => {
    const [, g] = valueAndGrad(f, options as GradOptions & { argnums: number[] })(...args);
    return g;
  };
}

/** `valueAndGrad(f)(x)` → [f(x), ∇f(x)] from a single forward pass. */
export function valueAndGrad(f: TensorFn, options?: GradOptions): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  return (...args: Tensor[]) => {
    const argnums = argnumList(options, args.length);
    const { all, traced, nested } = tracedArgs(args, argnums);
    const out = checkScalar("grad", enableGrad(() => f(...all)));
    const grads = gradsOf(out, traced, null, nested);
    const value = nested ? out : out.detach();
    return [value, typeof (options?.argnums ?? 0) === "number" ? grads[0]! : grads];
  };
}

/**
 * `vjp(f, ...primals)` → [f(primals), vjpFn] where vjpFn(cotangent) returns one gradient per primal:
 * cotangentᵀ · ∂f/∂primal.
 * ```ts
 * const [y, back] = ds.vjp((x) => x.square(), ds.tensor([1, 2, 3]));
 * back(ds.tensor([1, 0, 2]))[0]; // tensor([ 2.,  0., 12.])
 * ```
 */
export function vjp(f: TensorFn, ...primals: Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  const { all, traced, nested } = tracedArgs(primals, primals.map((_, i) => i));
  const out = enableGrad(() => f(...all));
  const fn = (cotangent: Tensor): Tensor[] => {
    if (cotangent.shape.length !== out.shape.length || cotangent.shape.some((s, i) => s !== out.shape[i])) {
      throw new Error(`vjp: cotangent has shape ${fmtShape(cotangent.shape)} but the output has shape ${fmtShape(out.shape)}`);
    }
    return gradsOf(out, traced, cotangent, nested, true);
  };
  return [nested ? out : out.detach(), fn];
}

/**
 * `jacobian(f)(x)`: the matrix ∂f/∂x with shape f(x).shape + x.shape (one reverse pass per output element).
 * ```ts
 * ds.jacobian((x) => x.mul(x))(ds.tensor([1, 2])); // tensor([[2., 0.], [0., 4.]])
 * ```
 */
export function jacobian(f: TensorFn, options: { argnums?: number } = {}): (...args: Tensor[]) => Tensor {
  return (...args: Tensor[]) => {
    const argnum = options.argnums ?? 0;
    const { all, traced, nested } = tracedArgs(args, [argnum]);
    const x = traced[0]!;
    const out = enableGrad(() => f(...all));
    if (!(out instanceof Tensor)) throw new Error("jacobian: the function must return a tensor");
    const rows: Tensor[] = [];
    for (let i = 0; i < out.size; i++) {
      const e = zeros([out.size], { dtype: out.dtype });
      e.storage.data[i] = 1;
      rows.push(gradsOf(out, [x], reshape(e, out.shape), nested, true)[0]!);
    }
    if (rows.length === 0) return zeros([...out.shape, ...x.shape], { dtype: x.dtype });
    return reshape(stack(rows, 0), [...out.shape, ...x.shape]);
  };
}

/**
 * `hessian(f)(x)` = jacobian(grad(f))(x), shape x.shape + x.shape.
 * ```ts
 * ds.hessian((x) => x.pow(3).sum())(ds.tensor([1, 2], { dtype: "float64" })); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian(f: TensorFn, options: { argnums?: number } = {}): (...args: Tensor[]) => Tensor {
  return jacobian(grad(f, { argnums: options.argnums ?? 0 }), { argnums: options.argnums ?? 0 });
}

/**
 * `hvp(f)(x, v)` = ∇²f(x) v by reverse-over-reverse, without forming the Hessian.
 * ```ts
 * ds.hvp((x) => x.pow(3).sum())(ds.tensor([1, 2]), ds.tensor([1, 1])); // tensor([ 6., 12.])
 * ```
 */
export function hvp(f: TensorFn): (x: Tensor, v: Tensor) => Tensor {
  return (x: Tensor, v: Tensor) => {
    if (v.shape.length !== x.shape.length || v.shape.some((s, i) => s !== x.shape[i])) {
      throw new Error(`hvp: v has shape ${fmtShape(v.shape)} but x has shape ${fmtShape(x.shape)}`);
    }
    const { all, traced, nested } = tracedArgs([x], [0]);
    const xt = traced[0]!;
    return enableGrad(() => {
      const out = checkScalar("hvp", f(...all));
      const [g] = gradsOf(out, [xt], null, true);
      const gv = sum(mul(g!, v.detach()));
      const [h] = gradsOf(gv, [xt], null, nested);
      return h!;
    });
  };
}

#!/usr/bin/python3
"""PyTorch CPU: the deepscript bench workloads that torch_bench.py does not measure.

Written for deepscript's bench/peers (NOT part of the shared peer scripts in /work/shared/peers);
it reuses torch_bench.py's timing (time_it: warm-up, calibrated inner loop, median of --reps) and
its JSON-lines schema, so its records sit next to torch_bench.py's.

    LD_LIBRARY_PATH=$PWD/openblas/root/usr/lib/x86_64-linux-gnu/openblas-openmp \
        OMP_NUM_THREADS=1 /usr/bin/python3 torch_extra.py --threads 1

Workloads (same sizes as deepscript's bench/run.ts):
  EW        add / mul of two float32 vectors of 2^20 elements (new output each call, like x.add(y))
  overhead  add of two 4-element tensors: no grad, recording (inputs require grad), and add+sum+backward
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
from torch_bench import Ctx, record, time_it  # noqa: E402


def ew(ctx):
    a = ctx.args
    n = 1 << 20
    x, y = torch.randn(n), torch.randn(n)
    for name, fn in (("add_1M", lambda: torch.add(x, y)), ("mul_1M", lambda: torch.mul(x, y))):
        secs, inner = time_it(fn, a.reps, a.min_rep_s, a.warmup)
        record(ctx, "EW", name, secs, "Melem/s", lambda s: n / s / 1e6, inner, {"n": n})


def overhead(ctx):
    a = ctx.args
    x, y = torch.randn(4), torch.randn(4)
    xg, yg = torch.randn(4, requires_grad=True), torch.randn(4, requires_grad=True)

    def no_grad_add():
        with torch.no_grad():
            return torch.add(x, y)

    def fwd_bwd():
        torch.add(xg, yg).sum().backward()

    for name, fn in (("add4_nograd", no_grad_add), ("add4_recording", lambda: torch.add(xg, yg)), ("add4_fwd_bwd", fwd_bwd)):
        secs, inner = time_it(fn, a.reps, a.min_rep_s, a.warmup)
        record(ctx, "overhead", name, secs, "us", lambda s: s * 1e6, inner)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--workloads", default="ew,overhead")
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--min-rep-s", type=float, default=0.2, help="min seconds per timed repetition")
    p.add_argument("--out", default=None)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    ctx = Ctx(args)
    fns = {"ew": ew, "overhead": overhead}
    for w in filter(None, (w.strip() for w in args.workloads.split(","))):
        try:
            fns[w](ctx)
        except Exception as e:  # keep going, record the failure
            ctx.emit({"workload": w.upper(), "case": "error", "error": repr(e)})


if __name__ == "__main__":
    main()

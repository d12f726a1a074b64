# PyTorch 2.x (oneDNN) peer of `npm run bench -- --only=cnn`: the W3 CNN training step and the
# fashion-cnn experiment's step, batch 64, timed as bench/run.ts times them (median of single steps
# after warm-up). Prints one JSON line per row. Usage: python torch_cnn.py THREADS [BUDGET_S]
import json, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
budget = float(sys.argv[2]) if len(sys.argv) > 2 else 6.0
torch.set_num_threads(threads)
torch.manual_seed(0)


def timed(step, budget_s, warmup=3, warmup_s=1.0):
    t0 = time.perf_counter()
    i = 0
    while i < warmup or time.perf_counter() - t0 < warmup_s:
        step(); i += 1
    samples, start = [], time.perf_counter()
    while len(samples) < 3 or time.perf_counter() - start < budget_s:
        a = time.perf_counter(); step(); samples.append((time.perf_counter() - a) * 1e3)
    samples.sort()
    return {"median": samples[len(samples) // 2], "min": samples[0], "max": samples[-1], "n": len(samples)}


def emit(name, stat):
    print(json.dumps({"name": name, "unit": "ms", "value": stat["median"], "time_ms": stat, "threads": torch.get_num_threads(),
                      "torch": torch.__version__, "mkldnn": torch.backends.mkldnn.is_available()}), flush=True)


# W3: conv 5×5×32 p2 → ReLU → pool → conv 5×5×64 p2 → ReLU → pool → linear 3136→10, SGD lr 0.01.
w3 = nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(),
                   nn.MaxPool2d(2), nn.Flatten(), nn.Linear(7 * 7 * 64, 10))
opt = torch.optim.SGD(w3.parameters(), lr=0.01)
batches = [(torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))) for _ in range(16)]
it = [0]
def w3_step():
    x, y = batches[it[0] % 16]; it[0] += 1
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(w3(x), y); loss.backward(); opt.step(); loss.item()
emit("cnn-w3 step batch 64", timed(w3_step, budget))

# fashion-cnn: conv 3×3×32 → conv 3×3×64 → pool → dropout .25 → fc 128 → dropout .5 → fc 10, Adam 1e-3.
fc = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
                   nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
opt2 = torch.optim.Adam(fc.parameters(), lr=1e-3)
x2, y2 = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
def fashion_step():
    opt2.zero_grad(set_to_none=True)
    loss = F.cross_entropy(fc(x2), y2); loss.backward(); opt2.step(); loss.item()
emit("cnn-fashion step batch 64", timed(fashion_step, budget))

# Peer: one DQN update (CleanRL dqn.py's loss) on a 4-64-64-2 ReLU Q-network at batch 128 in PyTorch 2.x, 1 thread.
# Per update: Q(s) gathered at the actions; target r + γ (1 − done) max_a Q_target(s', a) under no_grad; MSE;
# zero_grad, backward, Adam step. The batch is a fixed random tensor set (replay sampling is not timed), as
# bench/run.ts's "rl dqn-update" row. Prints one JSON line: median µs per update over repeated timed blocks.
import json, statistics, sys, time
import torch, torch.nn as nn

torch.set_num_threads(1); torch.manual_seed(0)
B = 128
def q_net(): return nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
q, target = q_net(), q_net(); target.load_state_dict(q.state_dict())
opt = torch.optim.Adam(q.parameters(), lr=2.5e-4)
obs, nxt = torch.randn(B, 4), torch.randn(B, 4)
act = torch.randint(0, 2, (B,)); rew = torch.rand(B); done = (torch.rand(B) < 0.05).float()

def update():
    with torch.no_grad():
        td_target = rew + 0.99 * target(nxt).max(dim=1).values * (1 - done)
    old = q(obs).gather(1, act.unsqueeze(1)).squeeze(1)
    loss = nn.functional.mse_loss(td_target, old)
    opt.zero_grad(); loss.backward(); opt.step()

inner = 200
for _ in range(3 * inner): update()  # warm-up
blocks = []
t_end = time.perf_counter() + float(sys.argv[1] if len(sys.argv) > 1 else 3.0)
while time.perf_counter() < t_end or len(blocks) < 5:
    t0 = time.perf_counter()
    for _ in range(inner): update()
    blocks.append((time.perf_counter() - t0) / inner * 1e6)
print(json.dumps({"peer": "pytorch", "name": "rl dqn-update 4-64-64-2 batch 128", "unit": "us", "median": statistics.median(blocks), "min": min(blocks), "blocks": len(blocks), "torch": torch.__version__, "threads": torch.get_num_threads()}))

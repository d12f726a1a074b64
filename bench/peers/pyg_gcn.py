"""PyTorch Geometric peer of `npm run bench -- --only=gcn` (and `--only=gat` with `--model gat`): one cora-gcn training
epoch (PyG's examples/gcn.py model), or one cora-gat epoch (PyG's examples/gat.py model).

Run: /work/main/.venv/bin/python bench/peers/pyg_gcn.py --threads 1 [--model gat]
Data: Cora with the Planetoid split from the package's data/cora.json.gz (the same graph, features normalized as
NormalizeFeatures), since Planetoid cannot download here. Prints one JSON line, ms per epoch (median after warm-up).
"""
import argparse
import gzip
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F
import torch_geometric
from torch_geometric.nn import GATConv, GCNConv
from torch_geometric.utils import to_undirected

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--seconds", type=float, default=5.0)
parser.add_argument("--model", choices=["gcn", "gat"], default="gcn")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)

root = os.path.join(os.path.dirname(__file__), "..", "..")
with gzip.open(os.path.join(root, "data", "cora.json.gz"), "rt") as f:
    d = json.load(f)
N, Fdim = d["numNodes"], d["numFeatures"]
x = torch.zeros(N, Fdim)
for i, words in enumerate(d["features"]):
    x[i, words] = 1.0 / len(words)
edge_index = to_undirected(torch.tensor(d["edges"]).t(), num_nodes=N)
y = torch.tensor(d["labels"])
train = torch.tensor(d["trainIndex"])


class GCN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = GCNConv(Fdim, 16, cached=True)
        self.conv2 = GCNConv(16, 7, cached=True)

    def forward(self, x, edge_index):
        x = F.dropout(x, p=0.5, training=self.training)
        x = self.conv1(x, edge_index).relu()
        x = F.dropout(x, p=0.5, training=self.training)
        return self.conv2(x, edge_index)


class GAT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = GATConv(Fdim, 8, heads=8, dropout=0.6)
        self.conv2 = GATConv(8 * 8, 7, heads=1, concat=False, dropout=0.6)

    def forward(self, x, edge_index):
        x = F.dropout(x, p=0.6, training=self.training)
        x = F.elu(self.conv1(x, edge_index))
        x = F.dropout(x, p=0.6, training=self.training)
        return self.conv2(x, edge_index)


if args.model == "gcn":
    model = GCN()
    optimizer = torch.optim.Adam([dict(params=model.conv1.parameters(), weight_decay=5e-4), dict(params=model.conv2.parameters(), weight_decay=0)], lr=0.01)
    name = "gcn cora epoch (GCN 1433-16-7, dropout 0.5, Adam)"
else:
    model = GAT()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005, weight_decay=5e-4)
    name = "gat cora epoch (GAT 1433-8x8-7, dropout 0.6, Adam)"


def epoch():
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x, edge_index)[train], y[train])
    loss.backward()
    optimizer.step()
    loss.item()


for _ in range(20):
    epoch()
samples = []
start = time.perf_counter()
while len(samples) < 3 or time.perf_counter() - start < args.seconds:
    t0 = time.perf_counter()
    epoch()
    samples.append((time.perf_counter() - t0) * 1000)
# CPU time per epoch (all threads of the process) over 20 more epochs: steadier than wall time on a busy machine
cpu0 = time.process_time()
for _ in range(20):
    epoch()
cpu_ms = (time.process_time() - cpu0) * 1000 / 20
print(json.dumps({
    "name": name, "unit": "ms", "value": statistics.median(samples),
    "min": min(samples), "n": len(samples), "cpu_ms": cpu_ms, "threads": torch.get_num_threads(),
    "torch": torch.__version__, "torch_geometric": torch_geometric.__version__,
}))

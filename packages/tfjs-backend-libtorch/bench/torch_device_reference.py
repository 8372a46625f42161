#!/usr/bin/env python3
"""The PyTorch peer on a chosen device, for comparing the backend on a GPU with PyTorch eager on the same GPU.

The models are torch_reference.py's own SimpleCNN and ResNet-18 (28) (imported from it, --reference), trained
as it trains them: Adam 1e-3, cross-entropy, batches of 64 in a fresh random order each epoch, the loss read
after every step, the median epoch time. The model and the loss live on --device, each batch is copied there
as a DataLoader's would be (the tutorial's `device = "cuda" if torch.cuda.is_available() else "cpu"`), and an
epoch's time ends with the device's queue drained. cuDNN runs as the backend runs it: deterministic, or with
--cudnn-benchmark its benchmark mode.

  python3 torch_device_reference.py --reference ../shared/bench/torch_reference.py --npz pneumoniamnist.npz \\
      --model simplecnn --device cuda --epochs 3

Prints one line per epoch and, last, torch_reference.py's JSON line with "device" and "cudnn_benchmark" added.
"""
import argparse, importlib.util, json, statistics, time

import numpy as np
import torch
import torch.nn as nn


def load_reference(path):
    spec = importlib.util.spec_from_file_location("torch_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", required=True, help="torch_reference.py, whose models are trained here")
    ap.add_argument("--npz", required=True)
    ap.add_argument("--model", choices=["simplecnn", "resnet18"], default="simplecnn")
    ap.add_argument("--device", default="cuda", help="cpu, cuda or cuda:N")
    ap.add_argument("--cudnn-benchmark", action="store_true")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N samples only (0: all)")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    ref = load_reference(a.reference)
    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"--device {a.device}: this torch {torch.__version__} sees no GPU")
    torch.backends.cudnn.benchmark = a.cudnn_benchmark
    torch.backends.cudnn.deterministic = not a.cudnn_benchmark
    torch.manual_seed(a.seed); np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    d = np.load(a.npz)
    xr, yr = d["train_images"], d["train_labels"]
    if a.limit:
        xr, yr = xr[:a.limit], yr[:a.limit]
    x = (torch.tensor(xr, dtype=torch.float32).unsqueeze(1) / 255.0 - 0.5) / 0.5
    y = torch.tensor(yr).view(-1).long()
    xt = (torch.tensor(d["test_images"], dtype=torch.float32).unsqueeze(1) / 255.0 - 0.5) / 0.5
    yt = d["test_labels"].reshape(-1)
    n_cls = int(max(y.max().item(), yt.max()) + 1)
    model = (ref.SimpleCNN if a.model == "simplecnn" else ref.ResNet18)(1, n_cls).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for ep in range(a.epochs):
        model.train(); sync(); t0 = time.perf_counter(); perm = torch.randperm(len(x)); total = 0.0; n = 0
        for i in range(0, len(x), a.batch):
            idx = perm[i:i + a.batch]
            xb, yb = x[idx].to(device), y[idx].to(device)
            opt.zero_grad(); loss = loss_fn(model(xb), yb); loss.backward(); opt.step()
            total += loss.item(); n += 1
        sync()
        times.append(time.perf_counter() - t0)
        print(f"epoch {ep + 1}/{a.epochs} loss {total / n:.4f} {times[-1]:.2f}s", flush=True)
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(xt[i:i + 256].to(device)).cpu() for i in range(0, len(xt), 256)])
    prob = torch.softmax(logits, 1).numpy()
    acc = float((prob.argmax(1) == yt).mean())
    res = {"model": a.model, "size": 28, "epochs": a.epochs, "threads": a.threads, "batch": a.batch,
           "train_samples": len(x), "epoch_seconds_median": statistics.median(times),
           "samples_per_second": len(x) / statistics.median(times), "test_acc": acc,
           "test_auc": ref.auc(prob[:, 1], yt) if n_cls == 2 and 0 < yt.sum() < len(yt) else None,
           "device": str(device), "cudnn_benchmark": a.cudnn_benchmark, "torch": torch.__version__}
    print(json.dumps(res))


if __name__ == "__main__":
    main()

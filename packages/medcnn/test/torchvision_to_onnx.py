"""Exports randomly initialised torchvision classifiers to ONNX, as a user would, with PyTorch's own outputs.

usage: torchvision_to_onnx.py OUT_DIR SIZE NAME...
For each NAME writes NAME.onnx (torch.onnx.export, opset 13, dynamic batch) and NAME.torch.json with a seeded input
batch [2, 3, SIZE, SIZE] and PyTorch's output for it, both flat, so the test compares medcnn's conversion to both.
"""
import json
import sys

import torch
import torchvision

out, size, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
torch.manual_seed(0)
for name in names:
    model = getattr(torchvision.models, name)(num_classes=10).eval()
    # Random BatchNorm statistics, so that a wrongly converted normalisation cannot hide behind mean 0, variance 1.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, x, f"{out}/{name}.onnx", opset_version=13, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    with open(f"{out}/{name}.torch.json", "w") as f:
        json.dump({"input": x.flatten().tolist(), "shape": list(x.shape), "output": y.flatten().tolist(),
                   "classes": y.shape[1]}, f)
    print(name, "exported", flush=True)

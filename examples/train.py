"""Train the example model (the example's second step)."""

import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--learning-rate", type=float, default=0.001)
parser.add_argument("--optimizer", default="adam")
parser.add_argument("--mixed-precision", action="store_true")
args = parser.parse_args()

for epoch in range(args.epochs):
    print(json.dumps({"epoch": epoch, "loss": 1.0 / (epoch + 1)}))
with open("/valohai/outputs/model.pt", "wb") as handle:
    handle.write(b"")

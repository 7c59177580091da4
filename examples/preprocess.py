"""Split the raw data into training and validation sets (the example's first step)."""

import argparse

import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--validation-split", type=float, default=0.2)
args = parser.parse_args()

data = pd.read_csv("/valohai/inputs/raw-data/data.csv").sample(frac=1.0, random_state=0)
cut = int(len(data) * (1 - args.validation_split))
data[:cut].to_csv("/valohai/outputs/train.csv", index=False)
data[cut:].to_csv("/valohai/outputs/validation.csv", index=False)

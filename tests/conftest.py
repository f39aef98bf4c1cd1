import os

# Notebooks and tests must never draw on more cores than the CI machine has, nor open windows.
os.environ.setdefault("MPLBACKEND", "Agg")

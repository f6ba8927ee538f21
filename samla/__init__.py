"""Samla: the workbench for municipalities that digitalise together."""

import os

# Set before numpy loads: each web worker serves one request on one core, and on the
# 2-core machine BLAS threads only compete with the other worker. The Monte Carlo's narrow
# matrix products ran ~60× slower with threads under load (see bench/finance.py).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

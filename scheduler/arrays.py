"""The numpy array types the scheduler's signatures use, named once for all three
subpackages (a vector of agents, of interval flags, of template indexes)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

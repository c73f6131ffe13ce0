import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded random generator, the same in every run."""
    return np.random.default_rng(20261125)

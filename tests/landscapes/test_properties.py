"""Property-based tests: clipping never increases a norm and never turns a gradient."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fieldgrad.landscapes import array_norm, clip_by_global_norm, clip_by_norm

# entries far from underflow, so that rescaling by s >= 1e-10 keeps every sign
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False).filter(
    lambda v: v == 0 or abs(v) >= 1e-100
)
gradients = arrays(np.float64, st.integers(1, 12), elements=finite)
caps = st.floats(min_value=1e-3, max_value=1e3)
orders = st.sampled_from([1, 2, np.inf])


@settings(max_examples=200, deadline=None)
@given(gradients, caps, orders)
def test_clip_by_norm_never_increases_the_norm(g, cap, ord):
    clipped = clip_by_norm(g, cap, ord)
    before, after = array_norm(g, ord), array_norm(clipped, ord)
    assert after <= before
    assert after <= cap * (1 + 1e-12)
    if before <= cap:
        assert np.array_equal(clipped, g)


@settings(max_examples=200, deadline=None)
@given(gradients, caps, orders)
def test_clip_by_norm_keeps_the_direction(g, cap, ord):
    clipped = clip_by_norm(g, cap, ord)
    # clipped = s * g with one s in (0, 1]: the same signs and proportional entries
    assert np.array_equal(np.sign(clipped), np.sign(g))
    big = np.abs(g).argmax()
    if g[big] != 0:
        s = clipped[big] / g[big]
        assert 0 < s <= 1
        assert np.allclose(clipped, s * g, rtol=1e-12, atol=1e-300)


@settings(max_examples=100, deadline=None)
@given(st.lists(gradients, min_size=1, max_size=4), caps)
def test_global_clipping_is_clipping_of_the_concatenation(layers, cap):
    clipped, norm = clip_by_global_norm(layers, cap)
    flat = np.concatenate(layers)
    assert np.isclose(norm, array_norm(flat), rtol=1e-12)
    assert np.allclose(np.concatenate(clipped), clip_by_norm(flat, cap), rtol=1e-12, atol=1e-300)

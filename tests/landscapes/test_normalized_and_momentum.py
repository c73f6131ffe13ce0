"""Fixed-step normalized descent and heavy-ball momentum on quadratics, against closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from fieldgrad.landscapes import Quadratic, minimize

_Q = np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]])
C = np.array([1.0, -0.5])


def anisotropic(kappa: float) -> Quadratic:
    return Quadratic(_Q @ np.diag([1.0, kappa]) @ _Q.T, C)


def test_normalized_on_a_round_bowl_is_the_closed_form():
    # f = |x - c|^2: every step points at c, so the distance obeys d_{k+1} = |d_k - h|
    h = 0.3
    res = minimize(
        Quadratic(2 * np.eye(2), C), C + [2.0, 1.0], method="normalized", lr=h, maxiter=40
    )
    d = np.linalg.norm(res.path - C, axis=1)
    expected = [d[0]]
    for _ in range(res.nit):
        expected.append(abs(expected[-1] - h))
    assert np.allclose(d, expected, rtol=0, atol=1e-13)
    assert d[-20:].max() < h  # then it bounces across c, within h of it


@pytest.mark.parametrize("kappa", [2.0, 10.0, 100.0])
@pytest.mark.parametrize("start", [(5.0, 3.0), (-4.0, 0.1), (0.3, -6.0)])
def test_normalized_moves_exactly_h_and_stays_in_the_derived_ball(kappa, start):
    h = 0.2
    f = anisotropic(kappa)
    res = minimize(f, start, method="normalized", lr=h, gtol=0, maxiter=3_000)
    assert res.nit == 3_000 and res.status == 1  # a fixed step never settles
    steps = np.linalg.norm(np.diff(res.path, axis=0), axis=1)
    assert np.allclose(steps, h, rtol=1e-13, atol=0)
    # cos(grad, x - c) >= c_k = 2 sqrt(kappa) / (1 + kappa), so the distance r falls while
    # r >= h / (2 c_k), and the ball of radius R = h sqrt(1 + 1 / (4 c_k^2)) is never left
    c_k = 2 * np.sqrt(kappa) / (1 + kappa)
    radius = h * np.sqrt(1 + 1 / (4 * c_k**2))
    r = np.linalg.norm(res.path - C, axis=1)
    far = r[:-1] >= h / (2 * c_k)
    assert np.all(r[1:][far] <= r[:-1][far] * (1 + 1e-14))
    inside = np.argmax(r <= radius)
    assert r[inside] <= radius and np.all(r[inside:] <= radius * (1 + 1e-14))
    # reached at constant speed: no sooner than the straight-line count
    assert inside >= (r[0] - radius) / h - 1e-9


def test_normalized_ignores_the_steepness():
    # f, 1000 f and (f + 1)^3 have gradients of the same direction: the same path
    f = anisotropic(10.0)
    paths = [
        minimize(fun, (5.0, 3.0), grad=g, method="normalized", lr=0.1, maxiter=200).path
        for fun, g in (
            (f, f.grad),
            (lambda x: 1000 * f(x), lambda x: 1000 * f.grad(x)),
            (lambda x: (f(x) + 1) ** 3, lambda x: 3 * (f(x) + 1) ** 2 * f.grad(x)),
        )
    ]
    assert np.allclose(paths[1], paths[0], rtol=0, atol=1e-12)
    assert np.allclose(paths[2], paths[0], rtol=0, atol=1e-12)


def test_normalized_adaptive_settles():
    res = minimize(anisotropic(10.0), (5.0, 3.0), method="normalized_adaptive", lr=0.2, gtol=1e-8)
    assert res.success and np.linalg.norm(res.x - C) <= 1e-8
    assert np.all(np.diff(res.fun_values) <= 0)


def test_normalized_stops_at_a_stationary_start():
    res = minimize(anisotropic(10.0), C, method="normalized", lr=0.2)
    assert res.success and res.nit == 0


def closed_form_gradient_norms(lam, coeffs, lr, mu, n):
    """|grad f| after k steps of heavy ball on eigencurvatures lam with coefficients coeffs.

    Each eigencomponent e of x - c obeys e_{k+1} = (1 + mu - lr lam) e_k - mu e_{k-1},
    e_1 = (1 - lr lam) e_0: e_k = alpha z1^k + beta z2^k, z the roots of
    z^2 - (1 + mu - lr lam) z + mu = 0 (mu = 0 is gradient descent, z = 1 - lr lam).
    """
    k = np.arange(n)[:, None]
    if mu == 0:
        e = (1 - lr * lam) ** k * coeffs
    else:
        b = 1 + mu - lr * lam
        disc = np.sqrt((b**2 - 4 * mu).astype(complex))
        z1, z2 = (b + disc) / 2, (b - disc) / 2
        e1 = (1 - lr * lam) * coeffs
        alpha = (e1 - z2 * coeffs) / (z1 - z2)
        beta = coeffs - alpha
        e = np.real(alpha * z1**k + beta * z2**k)
    return np.linalg.norm(lam * e, axis=1)


@pytest.mark.parametrize("lr_times_l", [0.5, 1.0, 1.5, 1.99])
def test_gd_gradient_norm_never_rises_on_a_convex_quadratic(lr_times_l):
    # g_{k+1} = (I - lr A) g_k, and |1 - lr lam| <= rho < 1 for every eigenvalue when lr < 2 / L
    # minimum at the origin, so that x and g are rounded relative to their own size
    f = Quadratic(_Q @ np.diag([1.0, 50.0]) @ _Q.T)
    lr = lr_times_l / 50.0
    res = minimize(f, (5.0, 3.0), lr=lr, gtol=1e-10, maxiter=100_000)
    assert res.success
    rho = np.max(np.abs(1 - lr * f.eigenvalues))
    ratios = res.grad_norms[1:] / res.grad_norms[:-1]
    assert np.all(ratios <= rho * (1 + 1e-12))
    assert np.sum(np.diff(res.grad_norms) > 0) == 0


def test_heavy_ball_gradient_norm_rises_yet_converges_faster():
    kappa, mu, gtol = 100.0, 0.9, 1e-8
    f = anisotropic(kappa)
    lr = 1 / kappa
    x0 = np.array([5.0, 3.0])
    gd = minimize(f, x0, lr=lr, gtol=gtol, maxiter=100_000)
    hb = minimize(f, x0, method="momentum", lr=lr, momentum=mu, gtol=gtol, maxiter=100_000)
    assert gd.success and hb.success
    coeffs = _Q.T @ (x0 - C)  # x0 - c in the eigenbasis of A
    for res, m in ((gd, 0.0), (hb, mu)):
        expected = closed_form_gradient_norms(f.eigenvalues, coeffs, lr, m, res.nit + 1)
        assert np.allclose(res.grad_norms, expected, rtol=1e-8, atol=1e-12)
        assert res.nit + 1 == np.argmax(expected <= gtol) + 1  # first k with |g_k| <= gtol
    assert np.sum(np.diff(gd.grad_norms) > 0) == 0
    assert np.sum(np.diff(hb.grad_norms) > 0) > 10
    assert hb.nit < gd.nit / 3

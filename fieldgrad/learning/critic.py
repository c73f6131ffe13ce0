"""A one-hidden-layer critic with the WGAN-GP gradient penalty, second derivatives by hand.

The penalty ``lambda * mean((|grad_x D(x)| - 1)^2)`` of Gulrajani et al. (2017)
depends on the critic's input gradient, so training it needs the derivative
of that gradient with respect to the weights. For
``D(x) = a . tanh(W x + b) + c`` both are short closed forms, written out in
:meth:`Critic.penalty`.
"""

from __future__ import annotations

import numpy as np

from fieldgrad.learning.layers import Layer, as_rng

__all__ = ["Critic", "wgan_gp_loss"]


class Critic(Layer):
    """``D(x) = a . tanh(W x + b) + c`` on points ``x`` of shape ``(N, in_features)``.

    Parameters
    ----------
    in_features : int
        Dimension of the points.
    hidden : int
        Number of tanh units.
    rng : numpy.random.Generator, int or None, keyword-only
        Source of the initial weights.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Critic
    >>> critic = Critic(2, 16, rng=0)
    >>> x = np.zeros((5, 2))
    >>> critic.forward(x).shape, critic.input_gradient(x).shape
    ((5,), (5, 2))
    """

    def __init__(
        self, in_features: int, hidden: int, *, rng: np.random.Generator | int | None = None
    ) -> None:
        super().__init__()
        gen = as_rng(rng)
        self.params["W"] = gen.standard_normal((hidden, in_features)) / np.sqrt(in_features)
        self.params["b"] = np.zeros(hidden)
        self.params["a"] = gen.standard_normal(hidden) / np.sqrt(hidden)
        self.params["c"] = np.zeros(1)

    def _hidden(self, x: np.ndarray) -> np.ndarray:
        if x.ndim != 2 or x.shape[1] != self.params["W"].shape[1]:
            msg = f"points must have shape (N, {self.params['W'].shape[1]}), got {x.shape!r}"
            raise ValueError(msg)
        return np.tanh(x @ self.params["W"].T + self.params["b"])

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        self._h = self._hidden(x)
        return self._h @ self.params["a"] + self.params["c"][0]

    def backward(self, grad: np.ndarray) -> np.ndarray:
        W, a = self.params["W"], self.params["a"]
        grad_z = grad[:, None] * a * (1 - self._h**2)
        self.grads = {
            "W": grad_z.T @ self._x,
            "b": grad_z.sum(axis=0),
            "a": self._h.T @ grad,
            "c": np.array([grad.sum()]),
        }
        return grad_z @ W

    def input_gradient(self, x: np.ndarray) -> np.ndarray:
        """``grad_x D`` at every point, shape ``(N, in_features)``."""
        h = self._hidden(x)
        return (self.params["a"] * (1 - h**2)) @ self.params["W"]

    def penalty(
        self, x: np.ndarray, *, weight: float = 10.0, target: float = 1.0
    ) -> tuple[float, dict[str, np.ndarray]]:
        """``weight * mean((|grad_x D| - target)^2)`` over `x` and its gradient in the weights.

        Returns
        -------
        value : float
        grads : dict of str to numpy.ndarray
            Same keys as :attr:`params`.
        """
        W, a = self.params["W"], self.params["a"]
        h = self._hidden(x)
        s = 1 - h**2
        u = a * s  # (N, H)
        g = u @ W  # (N, in): the input gradient
        norm = np.linalg.norm(g, axis=1)
        value = weight * float(np.mean((norm - target) ** 2))
        # d value / d g, with the direction g/|g| taken as 0 where g = 0.
        unit = np.divide(g, norm[:, None], out=np.zeros_like(g), where=norm[:, None] > 0)
        r = (2 * weight / len(x)) * (norm - target)[:, None] * unit
        q = r @ W.T  # d value / d u
        grad_z = q * a * (-2 * h) * s  # through s = 1 - tanh(z)^2
        grads = {
            "W": u.T @ r + grad_z.T @ x,
            "b": grad_z.sum(axis=0),
            "a": np.sum(q * s, axis=0),
            "c": np.zeros(1),
        }
        return value, grads


def wgan_gp_loss(
    critic: Critic,
    real: np.ndarray,
    fake: np.ndarray,
    *,
    weight: float = 10.0,
    rng: np.random.Generator | int | None = None,
) -> tuple[float, dict[str, np.ndarray], np.ndarray]:
    """The WGAN-GP critic loss ``mean D(fake) - mean D(real) + penalty`` and its gradient.

    The penalty is evaluated on random interpolates ``e * real + (1 - e) * fake``
    with ``e ~ U(0, 1)`` per pair.

    Returns
    -------
    loss : float
    grads : dict of str to numpy.ndarray
        Gradient of the loss in the critic's parameters.
    interpolates : numpy.ndarray
        The points where the penalty was evaluated.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Critic, wgan_gp_loss
    >>> critic = Critic(2, 8, rng=0)
    >>> real, fake = np.ones((16, 2)), -np.ones((16, 2))
    >>> loss, grads, points = wgan_gp_loss(critic, real, fake, rng=1)
    >>> sorted(grads), points.shape
    (['W', 'a', 'b', 'c'], (16, 2))
    """
    if real.shape != fake.shape:
        msg = f"real and fake must have one shape, got {real.shape!r} and {fake.shape!r}"
        raise ValueError(msg)
    n = len(real)
    critic.forward(real)
    critic.backward(np.full(n, -1.0 / n))
    grads = {k: v.copy() for k, v in critic.grads.items()}
    value = -float(np.mean(critic.forward(real)))
    value += float(np.mean(critic.forward(fake)))
    critic.backward(np.full(n, 1.0 / n))
    for k, v in critic.grads.items():
        grads[k] += v
    e = as_rng(rng).uniform(size=(n, 1))
    interpolates = e * real + (1 - e) * fake
    pen, pen_grads = critic.penalty(interpolates, weight=weight)
    for k, v in pen_grads.items():
        grads[k] += v
    return value + pen, grads, interpolates

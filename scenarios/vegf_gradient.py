"""
Steady VEGF around a tumour
===========================

A tumour signals to blood vessels with VEGF, a protein that diffuses and
decays, and vessel tips climb its gradient at a speed proportional to its
norm. This example solves for the steady VEGF field around a spheroid and
around a tumour in a thin slice, compares both with their analytic
solutions, and finds the radius where the pull on the vessels is strongest.

VEGF diffuses (D = 0.36 mm^2/h) and decays (lambda = 0.65 /h), so it spreads
over l = sqrt(D / lambda) = 0.74 mm. Around a spheroid of radius a that
releases a flux q through its surface the steady concentration is
c = C exp(-r / l) / r; around a circular tumour in a thin tissue slice it is
c = C K0(r / l). Both are solved with fieldgrad's sparse finite-volume
Laplacian on a SphericalGrid and a PolarGrid (shells from r = a outwards,
flux condition at r = a, the exact value at the outer edge). For a spheroid
whose hypoxic core secretes most (a Gaussian secretion profile) the steepest
gradient lies at a radius r* that the gradient norm of the computed field
must find where the analytic solution puts it.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from scipy.optimize import minimize_scalar
from scipy.special import erfc, erfcx, k0, k1

import fieldgrad as fg
from fieldgrad.biology import decay_length, steady_diffusion
from fieldgrad.report import check, save_figure, write_report

NAME = "vegf_gradient"
DIFFUSIVITY = 0.36  # mm^2/h, VEGF165 in tissue
DECAY = 0.65  # 1/h (half-life about an hour)
ELL = decay_length(DIFFUSIVITY, DECAY)  # mm
TUMOUR = 0.5  # mm, radius of the spheroid / of the disk
FLUX = 12.0  # ng/mL * mm/h: release through the tumour surface, -D dc/dr at r = a
OUTER = TUMOUR + 6 * ELL  # mm, the outer edge of the computed shell
CORE_WIDTH = TUMOUR / 2  # mm, width of the Gaussian secretion of the hypoxic core
CORE_RATE = 40.0  # ng/mL/h, secretion at the centre
PROFILE_ATOL = 2e-3  # max error relative to the peak concentration
PEAK_RTOL = 0.01
UNITS = "ng/mL"


def spheroid_profile(r):
    """c(r) = C exp(-r/l) / r with -D c'(a) = q."""
    a = TUMOUR
    return FLUX * a**2 * np.exp(-(r - a) / ELL) / (DIFFUSIVITY * (1 + a / ELL) * r)


def spheroid_slope(r):
    return -spheroid_profile(r) * (1 / ELL + 1 / r)


def disk_profile(r):
    """c(r) = C K0(r/l) with -D c'(a) = q."""
    return FLUX * ELL / (DIFFUSIVITY * k1(TUMOUR / ELL)) * k0(r / ELL)


def disk_slope(r):
    return -FLUX / (DIFFUSIVITY * k1(TUMOUR / ELL)) * k1(r / ELL)


def _core_terms(r):
    """Pieces of the Gaussian-source solution (the source convolved with the
    screened Green's function exp(-r/l) / (4 pi D r))."""
    sig, ell = CORE_WIDTH, ELL
    m, q = sig**2 / ell, sig * np.sqrt(2)
    pref = m * sig * np.sqrt(np.pi / 2)
    a = np.exp(sig**2 / (2 * ell**2) - r / ell) * erfc((m - r) / q)
    b = np.exp(sig**2 / (2 * ell**2) + r / ell - ((m + r) / q) ** 2) * erfcx((m + r) / q)
    integral = pref * (a - b)
    slope = (2 * sig**2 * np.exp(-(r**2) / (2 * sig**2)) - pref * (a + b)) / ell
    return integral, slope


def core_profile(r):
    integral, _ = _core_terms(r)
    return ELL * CORE_RATE * integral / (2 * DIFFUSIVITY * r)


def core_slope(r):
    integral, slope = _core_terms(r)
    return ELL * CORE_RATE / (2 * DIFFUSIVITY) * (slope / r - integral / r**2)


def analytic_peak_radius() -> float:
    """Where |c'| of the Gaussian-core solution is largest (a 1-D optimisation)."""
    res = minimize_scalar(
        core_slope, bounds=(1e-3, OUTER), method="bounded", options={"xatol": 1e-10}
    )
    return float(res.x)


def shell_conditions(profile):
    # outward derivative at the tumour surface: -dc/dr = q / D; exact value far out
    return {"r-": ("neumann", FLUX / DIFFUSIVITY), "r+": ("dirichlet", profile(OUTER))}


def peak_radius(r: np.ndarray, norm: np.ndarray) -> float:
    """Maximum of a sampled curve, refined by the parabola through three points."""
    k = int(np.clip(np.argmax(norm), 1, len(r) - 2))
    y0, y1, y2 = norm[k - 1 : k + 2]
    h = r[k + 1] - r[k]
    return float(r[k] + h * (y0 - y2) / (2 * (y0 - 2 * y1 + y2)))


def run(outdir: str | Path, quick: bool = False) -> dict:
    nr = 128 if quick else 512
    # a spheroid (3-D): the solution is radial, so a few angles suffice
    shell = fg.SphericalGrid(radius=(TUMOUR, OUTER), shape=(nr, 4, 8))
    c3 = steady_diffusion(
        shell, 0.0, DIFFUSIVITY, DECAY, shell_conditions(spheroid_profile), units=UNITS
    )
    r3 = shell.coords["r"]
    err3 = np.abs(c3.data - spheroid_profile(shell.mesh()[0])).max() / spheroid_profile(TUMOUR)
    grad3 = c3.gradient_norm().data[:, 0, 0]

    # a circular tumour in a tissue slice (2-D), angles resolved for the map
    disk = fg.PolarGrid(radius=(TUMOUR, OUTER), shape=(nr // 2 if quick else nr, 64))
    c2 = steady_diffusion(
        disk, 0.0, DIFFUSIVITY, DECAY, shell_conditions(disk_profile), name="VEGF", units=UNITS
    )
    r2 = disk.coords["r"]
    err2 = np.abs(c2.data - disk_profile(disk.mesh()[0])).max() / disk_profile(TUMOUR)
    grad2 = c2.gradient_norm().data[:, 0]

    # a spheroid secreting from its hypoxic core, on a ball through r = 0
    ball = fg.SphericalGrid(radius=(0.0, OUTER), shape=(2 * nr, 2, 4))
    rb = ball.mesh()[0]
    secretion = CORE_RATE * np.exp(-(rb**2) / (2 * CORE_WIDTH**2)) + 0 * ball.mesh()[2]
    cb = steady_diffusion(
        ball,
        secretion,
        DIFFUSIVITY,
        DECAY,
        {"r+": ("dirichlet", core_profile(OUTER))},
        units=UNITS,
    )
    gradb = cb.gradient_norm().data[:, 0, 0]
    r_peak = peak_radius(ball.coords["r"], gradb)
    r_exact = analytic_peak_radius()

    rows = [
        check("max_rel_error_profile_3d", err3, 0.0, atol=PROFILE_ATOL),
        check("max_rel_error_profile_2d", err2, 0.0, atol=PROFILE_ATOL),
        check("grad_norm_peak_radius", r_peak, r_exact, rtol=PEAK_RTOL),
    ]

    fig, axes = plt.subplots(2, 2, figsize=(12, 9.5), constrained_layout=True)
    fig.suptitle(
        f"Steady VEGF around a tumour (D = {DIFFUSIVITY} mm²/h, λ = {DECAY} /h, "
        f"l = {ELL:.2f} mm): fieldgrad vs analytic"
    )
    fine = np.linspace(TUMOUR, OUTER, 400)
    every = max(nr // 32, 1)
    ax = axes[0, 0]
    ax.semilogy(fine, spheroid_profile(fine), "C0-", label="spheroid (3-D): C exp(-r/l)/r")
    ax.semilogy(r3[::every], c3.data[::every, 0, 0], "C0o", ms=4, label="SphericalGrid")
    ax.semilogy(fine, disk_profile(fine), "C1-", label="disk (2-D): C K0(r/l)")
    ax.semilogy(r2[::every], c2.data[::every, 0], "C1s", ms=4, label="PolarGrid")
    ax.axvspan(0, TUMOUR, color="0.85")
    ax.set(xlabel="distance from the tumour centre r (mm)", ylabel=f"VEGF c ({UNITS})")
    ax.set_title("Concentration: released at the surface, decaying away")
    ax.legend()

    ax = axes[0, 1]
    ax.semilogy(fine, -spheroid_slope(fine), "C0-", label="|c'| spheroid, analytic")
    ax.semilogy(r3[::every], grad3[::every], "C0o", ms=4, label="fieldgrad gradient_norm")
    ax.semilogy(fine, -disk_slope(fine), "C1-", label="|c'| disk, analytic")
    ax.semilogy(r2[::every], grad2[::every], "C1s", ms=4, label="fieldgrad gradient_norm")
    ax.axvspan(0, TUMOUR, color="0.85")
    ax.set(xlabel="r (mm)", ylabel=f"|∇c| ({UNITS} per mm)")
    ax.set_title("Gradient norm: the chemotactic signal")
    ax.legend()

    ax = axes[1, 0]
    rr = np.linspace(1e-3, 4 * TUMOUR, 400)
    ax.plot(rr, core_profile(rr), "C2-", label="c analytic")
    rball, show = ball.coords["r"], slice(0, None, max(nr // 32, 1))
    ax.plot(rball[show], cb.data[show, 0, 0], "C2o", ms=4, label="c on a SphericalGrid ball")
    ax.set(xlabel="r (mm)", ylabel=f"VEGF c ({UNITS})", xlim=(0, 4 * TUMOUR))
    twin = ax.twinx()
    twin.plot(rr, -core_slope(rr), "C3-", label="|∇c| analytic")
    twin.plot(rball[show], gradb[show], "C3s", ms=4, label="|∇c| fieldgrad")
    twin.axvline(r_exact, color="C3", ls="--", lw=1)
    twin.plot([r_peak], [np.interp(r_peak, ball.coords["r"], gradb)], "kx", ms=10, mew=2)
    twin.set_ylabel(f"|∇c| ({UNITS} per mm)")
    ax.set_title(
        f"Hypoxic core secreting (Gaussian, σ = {CORE_WIDTH} mm):\n"
        f"steepest at r* = {r_peak:.4f} mm (analytic {r_exact:.4f} mm)"
    )
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="center right")

    ax = axes[1, 1]
    levels = [0.01, 0.1, 1.0, 10.0]
    c2.plot(ax=ax, norm=LogNorm(), contours=levels, vectors="gradient", unit_arrows=True)
    ax.add_patch(plt.Circle((0, 0), TUMOUR, color="0.3"))
    ax.set_title(f"2-D field on its PolarGrid, ∇c arrows\ncontours at 0.01, 0.1, 1, 10 {UNITS}")
    ax.set(xlabel="x (mm)", ylabel="y (mm)")

    save_figure(fig, NAME, outdir, dpi=110)
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)

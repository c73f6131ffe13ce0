"""Result tables for the worked examples (scenarios).

Every scenario compares what fieldgrad computed with an independent reference
(an analytic formula or a physical law) and reports one row per quantity:
``{quantity, computed, reference, rel_error, ok}``.  This module builds those
rows, prints them as a table and writes them as JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Row", "check", "format_table", "save_figure", "write_report"]


@dataclass(frozen=True)
class Row:
    """One line of a scenario's result table.

    Attributes
    ----------
    quantity : str
        Name of the quantity, e.g. ``"loglog_slope"``.
    computed : float
        The value fieldgrad computed.
    reference : float
        The analytic or physical truth it is compared with.
    rel_error : float
        ``|computed - reference| / |reference|`` (the absolute error when the
        reference is zero).
    ok : bool
        Whether the error is within the tolerance the scenario stated.

    Examples
    --------
    Rows are made by :func:`check`:

    >>> from fieldgrad.report import Row, check
    >>> row = check("loglog_slope", -3.9996, -4.0, rtol=1e-3)
    >>> isinstance(row, Row), row.ok, round(row.rel_error, 6)
    (True, True, 0.0001)
    """

    quantity: str
    computed: float
    reference: float
    rel_error: float
    ok: bool


def check(
    quantity: str,
    computed: float,
    reference: float,
    *,
    rtol: float = 1e-2,
    atol: float = 0.0,
) -> Row:
    """Compare a computed value with its reference and return a :class:`Row`.

    The row is ok when ``|computed - reference| <= atol + rtol * |reference|``
    and the computed value is finite.

    Parameters
    ----------
    quantity : str
        Name of the quantity.
    computed, reference : float
        Computed value and the independent truth.
    rtol, atol : float, keyword-only
        Relative and absolute tolerance.

    Examples
    --------
    >>> from fieldgrad.report import check
    >>> check("slope", -1.98, -2.0, rtol=0.05).ok
    True
    >>> round(check("slope", -1.98, -2.0).rel_error, 3)
    0.01
    """
    computed = float(computed)
    reference = float(reference)
    err = abs(computed - reference)
    rel = err / abs(reference) if reference != 0 else err
    ok = math.isfinite(computed) and err <= atol + rtol * abs(reference)
    return Row(quantity, computed, reference, rel, bool(ok))


def format_table(rows: Sequence[Row], title: str = "") -> str:
    """Render rows as a fixed-width text table.

    Examples
    --------
    >>> from fieldgrad.report import check, format_table
    >>> print(format_table([check("x", 1.0, 1.0)]).splitlines()[0].split())
    ['quantity', 'computed', 'reference', 'rel_error', 'ok']
    """
    width = max([len("quantity")] + [len(r.quantity) for r in rows])
    lines = [f"{'quantity':<{width}}  {'computed':>13}  {'reference':>13}  {'rel_error':>10}  ok"]
    for r in rows:
        lines.append(
            f"{r.quantity:<{width}}  {r.computed:>13.6g}  {r.reference:>13.6g}  "
            f"{r.rel_error:>10.3g}  {'yes' if r.ok else 'NO'}"
        )
    if title:
        lines.insert(0, title)
    return "\n".join(lines)


def write_report(name: str, rows: Sequence[Row], outdir: str | Path) -> dict:
    """Write ``<outdir>/<name>.json``, print the table and return the report.

    Returns
    -------
    dict
        ``{"name": name, "rows": [row dicts], "ok": all rows ok}``.

    Examples
    --------
    >>> import tempfile
    >>> from fieldgrad.report import check, write_report
    >>> with tempfile.TemporaryDirectory() as d:
    ...     report = write_report("demo", [check("x", 1.0, 1.0)], d)  # doctest: +ELLIPSIS
    demo
    ...
    >>> report["ok"]
    True
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    report = {"name": name, "rows": [asdict(r) for r in rows], "ok": all(r.ok for r in rows)}
    (outdir / f"{name}.json").write_text(json.dumps(report, indent=2))
    print(format_table(rows, title=name))
    return report


def save_figure(fig: Any, name: str, outdir: str | Path, *, dpi: float = 120) -> Path:
    """Save a scenario's figure as ``<outdir>/<name>.png`` and close it.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> from fieldgrad.report import save_figure
    >>> fig, ax = plt.subplots()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_figure(fig, "demo", d, dpi=50).name
    'demo.png'
    """
    import matplotlib.pyplot as plt

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"{name}.png"
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path

"""The worked examples: one runnable script per file (``fieldgrad list``).

Installed as ``fieldgrad.scenarios``; each module defines
``run(outdir, quick=False) -> dict`` and is run by ``fieldgrad run NAME``.
"""

"""Sphinx configuration of the fieldgrad documentation.

Build it from the repository root (the gallery pages first)::

    fieldgrad run all --quick --out docs/gallery
    python docs/make_gallery.py
    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import os

import fieldgrad

# Figures drawn while the pages are built (the plot directive) never open windows.
os.environ.setdefault("MPLBACKEND", "Agg")

project = "fieldgrad"
author = "the fieldgrad developers"
copyright = "the fieldgrad developers"
version = release = fieldgrad.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "matplotlib.sphinxext.plot_directive",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]

# Cross-references that do not resolve stay plain text. No intersphinx: the build
# makes no network look-ups.
nitpicky = False

# MyST: $...$ maths, ::: fences for directives, anchors for ## and ### headings.
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

# API reference: numpydoc renders the docstrings; autodoc lists what __all__ exports.
autosummary_generate = False
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

# The plot directive runs the getting-started and tutorial scripts at build time.
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]

html_theme = "alabaster"
html_title = f"fieldgrad {release}"
html_theme_options = {
    "description": "Gradients and gradient norms of fields on real geometries",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
}
html_static_path: list[str] = []

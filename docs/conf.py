"""Sphinx configuration of the fieldgrad documentation.

Build it from the repository root with one command (it runs every scenario in
quick mode for the gallery)::

    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from fieldgrad.cli import version as installed_version

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import scenario_gallery  # noqa: E402  (needs docs/_ext on the path)

# Figures drawn while the pages are built never open windows.
os.environ.setdefault("MPLBACKEND", "Agg")

project = "fieldgrad"
author = "the fieldgrad developers"
copyright = "the fieldgrad developers"
version = release = installed_version()

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "matplotlib.sphinxext.plot_directive",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "_scenarios", "**/.ipynb_checkpoints"]

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

# The gallery: every scenario that `fieldgrad list` finds in scenarios/, run by
# sphinx-gallery in quick mode, one page each in gallery/ (see _ext/scenario_gallery.py).
sphinx_gallery_conf = scenario_gallery.configure(DOCS, DOCS.parent / "scenarios")

html_theme = "pydata_sphinx_theme"
html_title = f"fieldgrad {release}"
html_theme_options = {
    "navbar_align": "left",
    "header_links_before_dropdown": 6,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_static_path = ["_static"]
html_css_files = ["fieldgrad.css"]

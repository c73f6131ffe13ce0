"""Packaging: the metadata lives in setup.cfg; this file only adds the worked examples.

The top-level ``scenarios/`` folder is installed as the package
``fieldgrad.scenarios``, so that ``fieldgrad list`` and ``fieldgrad run all``
work from a wheel or a non-editable install as well as from a checkout.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["fieldgrad", "fieldgrad.*"]), "fieldgrad.scenarios"],
    package_dir={"fieldgrad.scenarios": "scenarios"},
)

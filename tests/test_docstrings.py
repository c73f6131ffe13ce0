"""Every public function and class has a numpydoc Examples section with runnable code.

"Public" is what ``__all__`` exports from ``fieldgrad``, from each of its
subpackages and from its public modules (``fields``, ``testing``,
``report``, ``plotting``, ``cli``, ``xarray_support``). The examples
themselves run under doctest: pytest collects ``fieldgrad/`` with
``--doctest-modules``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import fieldgrad

#: Public modules besides the packages.
PUBLIC_MODULES = (
    "fieldgrad.fields",
    "fieldgrad.testing",
    "fieldgrad.report",
    "fieldgrad.plotting",
    "fieldgrad.cli",
    "fieldgrad.xarray_support",
)
#: A numpydoc section heading: a title line underlined by dashes.
HEADING = re.compile(r"^([A-Za-z][\w ]*)\n-{3,}[ \t]*$", re.M)


def public_modules() -> list[str]:
    """``fieldgrad``, every subpackage and the public modules."""
    names = ["fieldgrad"]
    for info in pkgutil.walk_packages(fieldgrad.__path__, prefix="fieldgrad."):
        if info.ispkg and not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names + list(PUBLIC_MODULES)


def public_objects() -> dict[str, object]:
    """Public functions and classes by qualified name where they are defined."""
    found: dict[str, object] = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            found.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return dict(sorted(found.items()))


def sections(doc: str) -> dict[str, str]:
    """The numpydoc sections of a docstring by heading (the summary under ``""``)."""
    parts = HEADING.split(inspect.cleandoc(doc))
    return {"": parts[0]} | {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def has_examples(obj: object) -> bool:
    """Whether the object's own docstring has an Examples section with a ``>>>`` prompt."""
    doc = obj.__doc__ if inspect.isfunction(obj) else vars(obj).get("__doc__")
    return bool(doc) and ">>>" in sections(doc).get("Examples", "")


def test_the_public_api_is_found():
    objects = public_objects()
    assert "fieldgrad.fields.ScalarField" in objects
    assert "fieldgrad.operators.differential.gradient_norm" in objects
    assert len(objects) > 100


def test_has_examples_reads_numpydoc_sections():
    def documented():
        """Do it.

        Examples
        --------
        >>> 1 + 1
        2
        """

    def prose_only():
        """Do it.

        Examples
        --------
        See the other function.

        Notes
        -----
        >>> 1 + 1
        2
        """

    assert has_examples(documented)
    assert not has_examples(prose_only)
    assert not has_examples(lambda: None)


@pytest.mark.parametrize("name", list(public_objects()))
def test_public_object_has_runnable_examples(name):
    obj = public_objects()[name]
    assert has_examples(obj), f"{name} needs a numpydoc Examples section with >>> code"

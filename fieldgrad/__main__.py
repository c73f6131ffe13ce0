"""``python -m fieldgrad``: the same as the ``fieldgrad`` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())

"""The package's version: pyproject's (hatch reads it here), ``timeback.__version__``, the User-Agent's,
``timeback --version``. A module of its own, so that ``import timeback`` reads no package metadata."""

__version__ = "0.1.0"

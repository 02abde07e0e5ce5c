"""``python -m timeback``: the ``timeback`` command, where its script is not on PATH (a virtualenv not activated,
a CI step that calls the interpreter by its path)."""

from timeback._cli import main

if __name__ == "__main__":
    main()

"""Command-line commands; see :mod:`mapping.cli`."""

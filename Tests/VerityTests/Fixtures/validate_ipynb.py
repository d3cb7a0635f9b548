#!/usr/bin/env python3
"""Validates .ipynb files against the official nbformat schema (nbformat 4.5).

Usage: python3 validate_ipynb.py FILE.ipynb [...]   (pip install nbformat)
CI does not need Python: the Swift tests check the required structure and compare a fresh
export with example.ipynb, which this script validated when it was committed.
"""
import sys

import nbformat


def main(paths):
    if not paths:
        print(__doc__.strip())
        return 2
    status = 0
    for path in paths:
        try:
            notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
            nbformat.validate(notebook)
            if (notebook.nbformat, notebook.nbformat_minor) != (4, 5):
                raise ValueError(f"expected nbformat 4.5, found {notebook.nbformat}.{notebook.nbformat_minor}")
            print(f"{path}: valid nbformat {notebook.nbformat}.{notebook.nbformat_minor}, {len(notebook.cells)} cells")
        except Exception as error:  # report every file, then fail
            print(f"{path}: INVALID: {error}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

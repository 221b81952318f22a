"""The theory subpackage stands on numpy, scipy and mpmath alone."""

import subprocess
import sys


def test_importing_theory_does_not_import_torch():
    code = ("import sys, pkgutil, importlib, assocmem.theory as t\n"
            "names = [m.name for m in pkgutil.iter_modules(t.__path__)]\n"
            "for name in names: importlib.import_module(f'assocmem.theory.{name}')\n"
            "assert len(names) >= 7, names\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=300)
    assert result.stdout.strip() == "[]", result.stdout

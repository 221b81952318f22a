"""A parameter a notebook does not declare is refused however the notebook is run: by ``make
run`` (:func:`assocmem.book.run_args.main`, before papermill starts) and by papermill directly
(the hidden cell after each chapter's parameters cell, :func:`refuse_undeclared`). Papermill
alone only warns and runs the defaults."""

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from assocmem.book.run_args import (
    UndeclaredParameter,
    declared,
    main,
    refuse_undeclared,
    structured,
)

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("[0-9][0-9]_*.md"))
GUARD = '__import__("assocmem.book.run_args").book.run_args.refuse_undeclared(globals())'


def test_refuse_undeclared_compares_the_injected_cell_with_the_parameters_cell():
    params = "seed = 0  # a seed\nsize = [1, 2]  # sizes\n"
    ok = {"In": ["", params, "# Parameters\nseed = 3\nsize = [4]\n", GUARD]}
    refuse_undeclared(ok)
    refuse_undeclared({"In": ["", params, GUARD]})  # no injected cell: the defaults
    refuse_undeclared({"In": ["", params, "# Parameters\nseed = 1\nPAPERMILL_INPUT_PATH = 'a'\n",
                              GUARD]})  # papermill --inject-paths
    refuse_undeclared({})  # no history at all (not IPython)
    bad = {"In": ["", params, "# Parameters\nsede = 3\nseed = 1\n", GUARD]}
    with pytest.raises(UndeclaredParameter, match=r"no parameter 'sede'; its parameters are: "
                                                  r"seed, size .*-y"):
        refuse_undeclared(bad)


def test_every_chapter_guards_its_parameters_in_a_hidden_cell_right_after_them():
    for path in NOTEBOOKS:
        code = [c for c in jupytext.read(path).cells if c.cell_type == "code"]
        first = next(i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", []))
        guard = code[first + 1]
        assert guard.source.strip() == GUARD, path.name
        assert "hide-input" in guard.metadata.get("tags", []), path.name


def _tiny_notebook(path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("width = 3  # a width\nsizes = [1, 2]  # some sizes")
    params.metadata["tags"] = ["parameters"]
    guard = nbformat.v4.new_code_cell(GUARD)
    guard.metadata["tags"] = ["hide-input"]
    nb.cells = [params, guard, nbformat.v4.new_code_cell("print(width, sizes)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def test_papermill_run_of_a_notebook_with_an_undeclared_parameter_stops(tmp_path):
    import papermill

    notebook = _tiny_notebook(tmp_path / "tiny.ipynb")
    with pytest.raises(papermill.PapermillExecutionError) as error:
        papermill.execute_notebook(str(notebook), str(tmp_path / "bad.ipynb"),
                                   parameters={"widht": 5}, kernel_name="python3",
                                   progress_bar=False)
    assert error.value.ename == "UndeclaredParameter"
    assert re.search(r"no parameter 'widht'; its parameters are: width, sizes", error.value.evalue)
    out = papermill.execute_notebook(str(notebook), str(tmp_path / "ok.ipynb"),
                                     parameters={"width": 5, "sizes": [7]},
                                     kernel_name="python3", progress_bar=False)
    assert out.cells[-1].outputs[0]["text"] == "5 [7]\n"


def test_make_run_asks_for_yaml_for_a_list_parameter(capsys):
    notebook = next(p for p in NOTEBOOKS if p.stem.startswith("12_"))
    assert "d_values" in structured(notebook) and "d_values" in declared(notebook)
    assert main([str(notebook), "-p", "d_values", "[8, 16]"]) == 2
    err = capsys.readouterr().err
    assert "'d_values' is a list" in err and '-y "{d_values: [8, 16, 32]}"' in err
    assert main([str(notebook), "-y", "{d_values: [8, 16]}"]) == 0
    assert main([str(notebook), "-p", "d_valus", "1"]) == 2
    assert "-y" in capsys.readouterr().err  # the unknown-name message says so too

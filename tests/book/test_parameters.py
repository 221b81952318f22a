"""Every chapter's parameters cell is one papermill can read: each parameter is listed by
``papermill --help-notebook`` with its default and its comment, so a reader re-running a chapter
with other parameters sees what each one is."""

import ast
import re
from pathlib import Path

import jupytext
import papermill
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("[0-9][0-9]_*.md"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter(path, tmp_path):
    cells = [c for c in jupytext.read(path).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name}: {len(cells)} parameters cells"
    names = [t.id for node in ast.parse(cells[0].source).body if isinstance(node, ast.Assign)
             for t in node.targets]
    assert names and all(re.search(rf"^{n} = .*  # \S", cells[0].source, re.M) for n in names), \
        f"{path.name}: every parameter needs a comment saying what it is"
    notebook = tmp_path / f"{path.stem}.ipynb"
    jupytext.write(jupytext.read(path), notebook)
    listed = papermill.inspect_notebook(str(notebook))
    assert set(names) <= set(listed), f"{path.name}: papermill cannot read " \
        f"{sorted(set(names) - set(listed))} (reword the comment)"
    assert all(listed[n]["help"] for n in names)


def test_make_run_refuses_a_parameter_the_notebook_does_not_declare(capsys):
    from assocmem.book.run_args import declared, main

    notebook = NOTEBOOKS[0]
    names = declared(notebook)
    assert names and main([str(notebook), "-p", names[0], "5"]) == 0
    assert main([str(notebook), "-p", "n_randm", "500"]) == 2
    err = capsys.readouterr().err
    assert "no parameter 'n_randm'" in err and names[0] in err
    assert main([str(notebook), "-y", f"{{{names[0]}: 1, nope: 2}}"]) == 2
    assert "'nope'" in capsys.readouterr().err
    assert main([str(notebook), "-p", names[0]]) == 2  # a name without its value


def test_stats_count_cells_prose_and_visible_bookkeeping(tmp_path):
    from assocmem.book.stats import chapter_stats

    page = tmp_path / "01_x.md"
    page.write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
        "# A title with five words\n\nSix words of prose are here.\n\n"
        "```{code-cell} ipython3\nx = 1\nledger.statement(\n    'a',\n    holds=True,\n)\n```\n\n"
        "```{code-cell} ipython3\n:tags: [hide-input]\n\nn = check_int('n', 3)\n```\n")
    s = chapter_stats(page)
    assert s["code cells"] == 2 and s["median lines a cell"] == 3.0
    assert s["visible bookkeeping lines"] == 4  # the hidden check is not counted
    assert s["prose words per visible code line"] == round(11 / 5, 1)

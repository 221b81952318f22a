"""One figure style: every figure has alt text, the book's colour-blind-safe colours and an
opaque background."""

import re
from pathlib import Path

import jupytext
import matplotlib as mpl

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("[0-9][0-9]_*.md"))


def figure_cells():
    for path in NOTEBOOKS:
        for cell in jupytext.read(path).cells:
            if cell.cell_type == "code" and "plt.show()" in cell.source:
                yield path.stem, cell


def test_every_figure_has_alt_text_that_describes_it():
    cells = list(figure_cells())
    assert len(cells) >= 19
    for stem, cell in cells:
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
        assert len(alt.split()) >= 12, f"{stem}: a figure cell has no alt text (mystnb.image.alt)"
        assert not re.search(r"\.(png|svg)\b", alt), f"{stem}: alt text names a file"


def test_figures_use_the_book_colours_not_fixed_ones():
    for path in NOTEBOOKS:
        text = path.read_text()
        assert not re.search(r"[\"']tab:\w+[\"']|plt\.cm\.tab", text), (
            f"{path.stem}: a fixed colour; use the style's C0..C7 (notebooks/matplotlibrc)")


def test_the_style_is_okabe_ito_on_an_opaque_background():
    rc = mpl.rc_params_from_file(str(NOTEBOOKS[0].parent / "matplotlibrc"),
                                 use_default_template=True)
    colours = [c.upper().lstrip("#") for c in rc["axes.prop_cycle"].by_key()["color"]]
    assert colours[:4] == ["0072B2", "E69F00", "009E73", "D55E00"]
    assert rc["figure.facecolor"] == "white" and rc["savefig.facecolor"] == "white"
    assert rc["savefig.transparent"] is False

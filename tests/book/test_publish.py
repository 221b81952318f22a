"""The executed notebooks a reader downloads and launches: the Colab set-up cell, plotly.js served
by the book, the branch `executed` the launch buttons open, and the interactive figure's data."""

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

from assocmem.book.build import copy_plotly
from assocmem.book.interactive import PLOTLY_JS, Interactive, beta_landscapes
from assocmem.book.staging import COLAB_SETUP, with_colab_setup
from assocmem.theory.energy import mchn_energy

ROOT = Path(__file__).resolve().parents[2]
URL = "https://github.com/assocmem/assocmem-book"


def test_the_colab_cell_comes_first_is_hidden_and_does_nothing_outside_colab(tmp_path,
                                                                                 monkeypatch):
    notebook = with_colab_setup({"cells": [{"cell_type": "markdown", "source": "# T"}]}, URL)
    cell = notebook["cells"][0]
    assert cell["cell_type"] == "code" and cell["metadata"]["tags"] == ["remove-cell"]
    assert f"'{URL}.git'" in cell["source"]
    monkeypatch.chdir(tmp_path)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    exec(compile(cell["source"], "colab-setup", "exec"), {})  # not in Colab: no clone, no cd
    assert calls == [] and Path.cwd() == tmp_path
    for bad in ("", "https://example.org/x", "git@github.com:a/b.git"):
        with pytest.raises(ValueError, match="repository.url"):
            with_colab_setup({"cells": []}, bad)
    assert "{url!r}" in COLAB_SETUP


def test_the_configured_launch_buttons_open_the_executed_branch():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["branch"] == "executed"
    assert config["launch_buttons"]["colab_url"].startswith("https://colab.research.google.com")
    workflow = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    assert "publish-executed.sh origin executed" in workflow


def test_plotly_js_is_copied_where_the_figures_load_it(tmp_path):
    target = copy_plotly(tmp_path)
    assert target == tmp_path / PLOTLY_JS and target.stat().st_size > 1_000_000
    html = Interactive(beta_landscapes([[0.0, 0.0], [1.0, 1.0]], [[0.0], [1.0]], [0.5, 1.0]),
                       alt=" ".join(["word"] * 12), div_id="f").html()
    assert re.findall(r'<script[^>]*src="([^"]*)"', html) == [f"../{PLOTLY_JS}"]  # no CDN
    assert 'role="img" aria-label="word' in html


def test_the_publish_script_pushes_the_tree_with_the_executed_notebooks(tmp_path):
    def git(*args, cwd):
        return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                              text=True).stdout

    remote, work = tmp_path / "remote.git", tmp_path / "work"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("init", "-q", str(work), cwd=tmp_path)
    (work / "notebooks").mkdir()
    (work / "notebooks" / "01_a.md").write_text("# a\n")
    (work / ".gitignore").write_text("notebooks/*.ipynb\n_build/\n")
    git("add", ".", cwd=work)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "main", cwd=work)
    git("remote", "add", "origin", str(remote), cwd=work)
    script = ROOT / ".github" / "scripts" / "publish-executed.sh"
    failed = subprocess.run([str(script)], cwd=work, capture_output=True, text=True)
    assert failed.returncode == 2 and "run make book" in failed.stderr
    staged = work / "_build" / "book_src" / "notebooks"
    staged.mkdir(parents=True)
    (staged / "01_a.ipynb").write_text(json.dumps({"cells": [], "outputs": "executed"}))
    for _ in range(2):  # a second publication replaces the first
        subprocess.run([str(script), "origin", "executed"], cwd=work, check=True,
                       capture_output=True)
    files = git("ls-tree", "-r", "--name-only", "executed", cwd=remote).split()
    assert files == [".gitignore", "notebooks/01_a.ipynb", "notebooks/01_a.md"]
    assert "executed" in git("show", "executed:notebooks/01_a.ipynb", cwd=remote)
    assert git("rev-list", "--count", "executed", cwd=remote).strip() == "2"  # main + one
    assert git("status", "--porcelain", cwd=work) == "" and not any(
        "worktree" in line for line in git("worktree", "list", cwd=work).splitlines()[1:])


def test_each_frame_of_the_interactive_figure_is_the_mchn_energy_at_its_beta():
    p2, p1 = np.array([[-2.0, -0.5], [0.2, -0.3], [1.5, 1.5]]), np.array([[-2.0], [0.0], [1.0]])
    betas = [0.25, 1.0, 2.0]
    fig = beta_landscapes(p2, p1, betas, steps=21, line_steps=101)
    assert [f.name for f in fig.frames] == ["0.25", "1", "2"]
    assert fig.layout.sliders[0].active == 1  # starts at beta = 1, as Figure 1
    xs = np.linspace(-3.5, 2.5, 101)[:, None]
    for frame, beta in zip(fig.frames, betas, strict=True):
        line = np.asarray(frame.data[1].y)
        assert np.abs(line - mchn_energy(xs, p1, beta)).max() <= 5e-4
    assert not np.allclose(fig.frames[0].data[1].y, fig.frames[2].data[1].y)
    for bad in ({"betas": [1.0]}, {"betas": [0.0, 1.0]}, {"patterns_2d": [[0.0]]}):
        args = {"patterns_2d": p2, "patterns_1d": p1, "betas": betas, **bad}
        with pytest.raises(ValueError, match=f"'{next(iter(bad))}'"):
            beta_landscapes(**args)
    with pytest.raises(ValueError, match="'alt'"):
        Interactive(fig, alt="too short", div_id="f")

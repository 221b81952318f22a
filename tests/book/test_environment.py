"""requirements.txt and environment.yml pin the same packages; torch is pinned to 2.13.0."""

from pathlib import Path

from assocmem.book.lock import environment_pins, read_requirements

ROOT = Path(__file__).resolve().parents[2]


def test_environment_yml_matches_requirements():
    pins = read_requirements(ROOT / "requirements.txt")
    conda, pip = environment_pins(ROOT / "environment.yml")
    assert sorted(pip) == sorted(pins)
    assert any(c.startswith("python=3.11") for c in conda)


def test_every_dependency_is_pinned_once():
    pins = read_requirements(ROOT / "requirements.txt")
    names = [p.split("==")[0].lower().replace("_", "-") for p in pins]
    assert len(names) == len(set(names))
    assert "torch==2.13.0" in pins
    assert "jupyter-book==1.0.4.post1" in pins

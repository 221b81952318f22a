import pytest

from assocmem.validate import check_choice, check_float, check_int


@pytest.mark.parametrize("value", [-5, 2.5, "3", True, None])
def test_check_int_names_the_parameter(value):
    with pytest.raises(ValueError, match="parameter 'n_random' must be an integer >= 1"):
        check_int("n_random", value, low=1)


def test_check_float_and_choice():
    assert check_float("beta", 2, low=0, low_open=True) == 2.0
    with pytest.raises(ValueError, match="'beta'.*\\(0"):
        check_float("beta", 0.0, low=0, low_open=True)
    with pytest.raises(ValueError, match="'beta'"):
        check_float("beta", float("nan"))
    with pytest.raises(ValueError, match="parameter 'preset' must be one of \\['cpu', 'paper'\\]"):
        check_choice("preset", "gpu", ["cpu", "paper"])


def test_shown_paths_never_print_the_machine(tmp_path, monkeypatch):
    from assocmem.paths import shown

    data = tmp_path / "data"
    (data / "gutenberg").mkdir(parents=True)
    monkeypatch.setenv("ASSOCMEM_DATA_DIR", str(data))
    assert shown(data / "gutenberg") == "$ASSOCMEM_DATA_DIR/gutenberg"
    site = tmp_path / "venv" / "lib" / "site-packages" / "pkg" / "model"
    site.mkdir(parents=True)
    assert shown(site) == "pkg/model"
    (tmp_path / "proj" / "archive").mkdir(parents=True)
    (tmp_path / "proj" / "_toc.yml").write_text("root: x\n")
    monkeypatch.chdir(tmp_path / "proj")
    assert shown(tmp_path / "proj" / "archive") == "archive"
    assert shown("gpt2-medium") == "gpt2-medium" and shown("fallback") == "fallback"
    other = tmp_path / "elsewhere" / "books"
    other.mkdir(parents=True)
    assert shown(other) == "elsewhere/books"

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

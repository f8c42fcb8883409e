"""forms.options(): SelectChoice options render and validate exactly as the old tuple choices did."""
from __future__ import annotations

import warnings

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField, SelectChoice, SelectField, SelectMultipleField

from mentorhub.forms import options

PAIRS = [("", "—"), ("weekly", "Every week"), ("monthly", "Every month")]


def test_options_takes_pairs_or_a_mapping():
    assert options(PAIRS) == [SelectChoice(v, label) for v, label in PAIRS]
    assert options(dict(PAIRS)) == options(PAIRS)
    assert options((str(n), f"{n} h") for n in (1, 2)) == [SelectChoice("1", "1 h"), SelectChoice("2", "2 h")]


def test_tuple_choices_are_an_error_in_this_suite():
    class F(Form):
        x = SelectField(choices=PAIRS)

    with pytest.raises(DeprecationWarning):
        F()


@pytest.mark.parametrize("field_class,data", [(SelectField, "monthly"), (RadioField, "monthly"),
                                              (SelectMultipleField, ["weekly", "monthly"])])
@pytest.mark.parametrize("submitted", [None, "monthly", "yearly"])
def test_rendering_and_validation_match_tuple_choices(field_class, data, submitted):
    def form(choices):
        class F(Form):
            x = field_class("Repeats", choices=choices)

        formdata = MultiDict({"x": submitted}) if submitted is not None else None
        return F(formdata=formdata, data={"x": data})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = form(list(PAIRS))
        old_html, old_ok, old_errors = old.x(), old.validate(), old.x.errors
    new = form(options(PAIRS))
    assert (new.x(), new.validate(), new.x.errors) == (old_html, old_ok, old_errors)
    if submitted == "yearly":
        assert new.x.errors  # a value outside the choices is still refused

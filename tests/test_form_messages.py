"""Form errors say what to do about this field (issue 18), in the shared partials every form
uses: "Fill in place.", "Choose kind.", "Write the date as …", never only "This field is
required."."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string

from familjelotsen.forms import DateInput


class _Visit(forms.Form):
    place = forms.CharField(label="Place")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    on = forms.DateField(label="Date", widget=DateInput())
    minutes = forms.IntegerField(label="Duration")


def test_every_generic_message_becomes_one_about_the_field():
    form = _Visit({"place": "", "kind": "", "on": "inte ett datum", "minutes": "x"})
    assert not form.is_valid()
    html = render_to_string("partials/form_fields.html", {"form": form})
    assert "This field is required." not in html
    assert "Fill in place." in html
    assert "Choose kind." in html
    assert "Write the date as yyyy-mm-dd" in html
    assert "Write duration as a number." in html
    # The summary at the top links each message to its field.
    assert '<a href="#id_place">Place: Fill in place.</a>' in html


def test_a_message_a_service_wrote_for_the_field_is_kept_as_it_is():
    form = _Visit({"place": "Hos Maja", "kind": "a", "on": "2026-12-04", "minutes": "30"})
    assert form.is_valid()
    form.add_error("place", "Write the place without names.")
    html = render_to_string("partials/form_fields.html", {"form": form})
    assert "Write the place without names." in html

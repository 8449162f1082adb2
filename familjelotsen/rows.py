"""Small lists read inside another statement: rows as an array of JSON objects.

A page that shows a few short lists of one family (the next visits, the case team, the open
obstacles) would spend one round trip on each. `json_rows` reads the rows of a queryset as
one array column of another statement (`ARRAY(SELECT json_build_object(...) ...)`), in the
queryset's order and through the queryset's own filters (the access module's visibility
filter stays where the selector put it); `from_json` makes each row a model instance again.
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import JSONObject


def all_fields(model: type[models.Model]) -> dict[str, str]:
    """Every concrete column of `model`, for `json_rows` (key -> column)."""
    return {f.attname: f.attname for f in model._meta.concrete_fields}


def json_rows(qs: QuerySet, **fields) -> ArraySubquery:
    """The rows of `qs` as one array of JSON objects (`fields`: key -> column or annotation,
    related columns with `__`), in the queryset's order."""
    return ArraySubquery(qs.values(row=JSONObject(**fields)))


def from_json(model: type[models.Model], row: dict, **related) -> models.Model:
    """A model instance from a row of `json_rows`: keys that are columns of `model` become its
    fields (others stay deferred: keep every column the page reads in the row), other keys
    become attributes; `related` sets related instances (user=User instance)."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    # In the model's column order: `from_db` matches values to columns in that order.
    fields = [f for f in model._meta.concrete_fields if f.attname in row]
    obj = model.from_db(
        None, [f.attname for f in fields], [f.to_python(row[f.attname]) for f in fields]
    )
    for key, value in row.items():
        if key not in by_attname:
            setattr(obj, key, value)
    for name, value in related.items():
        setattr(obj, name, value)
    return obj

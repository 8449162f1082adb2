"""The guarded models: every record that belongs to a family and can be shared.

Each entry names the direct foreign-key permission table of django-guardian that holds the
shares of that model, the path from the record to its family and, where the model has them,
the user-level grants (the reporter of a report of concern).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from cases import models as cm
from consent.models import Consent, ConsentGroupObjectPermission
from network import models as network_models
from sip import models as sip_models


@dataclass(frozen=True)
class Guarded:
    model: type[models.Model]
    group_perm: type[models.Model]
    # Path from the record to its family ("" for the family itself).
    family_field: str = "family"
    # User-level grants (e.g. the reporter of a report of concern), when the model uses them.
    user_perm: type[models.Model] | None = None

    @property
    def family_ref(self) -> str:
        """The column that holds the family id, as seen from the record."""
        return "pk" if not self.family_field else f"{self.family_field}_id"


REGISTRY: dict[type[models.Model], Guarded] = {}


def register(
    model: type[models.Model],
    group_perm: type[models.Model],
    family_field: str = "family",
    user_perm: type[models.Model] | None = None,
) -> None:
    REGISTRY[model] = Guarded(model, group_perm, family_field, user_perm)


register(cm.Family, cm.FamilyGroupObjectPermission, family_field="")
register(cm.Member, cm.MemberGroupObjectPermission)
register(cm.JournalEntry, cm.JournalEntryGroupObjectPermission)
register(cm.Goal, cm.GoalGroupObjectPermission)
register(cm.Assessment, cm.AssessmentGroupObjectPermission)
register(cm.Obstacle, cm.ObstacleGroupObjectPermission)
register(cm.PupilSupport, cm.PupilSupportGroupObjectPermission)
register(Consent, ConsentGroupObjectPermission)
register(
    cm.ReportOfConcern,
    cm.ReportOfConcernGroupObjectPermission,
    user_perm=cm.ReportOfConcernUserObjectPermission,
)
register(sip_models.Plan, sip_models.PlanGroupObjectPermission)
register(network_models.NetworkProcess, network_models.NetworkProcessGroupObjectPermission)


def model_by_label(label: str) -> type[models.Model]:
    for model in REGISTRY:
        if model._meta.label_lower == label:
            return model
    raise LookupError(label)

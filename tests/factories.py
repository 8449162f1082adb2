"""factory-boy factories: the only way tests build data."""

from __future__ import annotations

import datetime as dt

import factory
from django.conf import settings
from django.contrib.auth.models import Group

from familjelotsen import access
from familjelotsen.models import Administration, User


class AdministrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Administration
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Förvaltning {n}")
    kind = Administration.Kind.SOCIAL_SERVICES
    group = factory.LazyAttribute(
        lambda o: Group.objects.get_or_create(name=f"Förvaltning: {o.name}")[0]
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Test{n}")
    last_name = "Personsson"
    role = User.Role.FAMILY_OMBUD
    administration = factory.SubFactory(AdministrationFactory)
    password = factory.PostGenerationMethodCall("set_password", settings.DEMO_PASSWORD)

    @factory.post_generation
    def groups_sync(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            access.user_sync_groups(obj)


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()

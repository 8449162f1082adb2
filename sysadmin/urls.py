from django.urls import path

from sysadmin.views import administrations, reference, start, users

app_name = "sysadmin"
urlpatterns = [
    path("", start.index, name="index"),
    path("historik/", start.history, name="history"),
    path("anvandare/", users.user_list, name="users"),
    path("anvandare/ny/", users.user_create, name="user_create"),
    path("anvandare/<int:pk>/", users.user_edit, name="user_edit"),
    path("anvandare/<int:pk>/inaktivera/", users.user_deactivate, name="user_deactivate"),
    path("anvandare/<int:pk>/aktivera/", users.user_reactivate, name="user_reactivate"),
    path("anvandare/<int:pk>/tvafaktor/", users.second_factor_reset, name="second_factor_reset"),
    path("forvaltningar/", administrations.administration_list, name="administrations"),
    path("forvaltningar/ny/", administrations.administration_edit, name="administration_create"),
    path(
        "forvaltningar/<int:pk>/", administrations.administration_edit, name="administration_edit"
    ),
    path("organisationer/", administrations.organisation_list, name="organisations"),
    path("organisationer/ny/", administrations.organisation_edit, name="organisation_create"),
    path("organisationer/<int:pk>/", administrations.organisation_edit, name="organisation_edit"),
    path(
        "organisationer/<int:pk>/inloggning/",
        administrations.identity_provider_edit,
        name="identity_provider",
    ),
    path("referensdata/", reference.reference_index, name="reference"),
    path("referensdata/lagrum/ny/", reference.legal_reference_edit, name="legal_reference_create"),
    path(
        "referensdata/lagrum/<int:pk>/", reference.legal_reference_edit, name="legal_reference_edit"
    ),
    path("referensdata/gallring/ny/", reference.retention_rule_edit, name="retention_rule_create"),
    path(
        "referensdata/gallring/<int:pk>/",
        reference.retention_rule_edit,
        name="retention_rule_edit",
    ),
    path("referensdata/kostnadsnyckel/", reference.cost_key_edit, name="cost_key"),
    path("referensdata/pris/", reference.price_settings_edit, name="price_settings"),
    path("referensdata/opi/ny/", reference.price_index_edit, name="price_index_create"),
    path("referensdata/opi/<int:pk>/", reference.price_index_edit, name="price_index_edit"),
    path("referensdata/bidrag/ny/", reference.contribution_edit, name="contribution_create"),
    path("referensdata/bidrag/<int:pk>/", reference.contribution_edit, name="contribution_edit"),
    path("referensdata/volymmal/ny/", reference.volume_target_edit, name="volume_target_create"),
    path(
        "referensdata/volymmal/<int:pk>/",
        reference.volume_target_edit,
        name="volume_target_edit",
    ),
]

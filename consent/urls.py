from django.urls import path

from consent import views

app_name = "consent"
urlpatterns = [
    path("familj/<int:family_id>/", views.family_consents, name="family"),
    path("familj/<int:family_id>/ny/<int:member_id>/", views.register, name="register"),
    path("familj/<int:family_id>/blankett/", views.blank_form, name="blank_form"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/aterkalla/", views.revoke, name="revoke"),
    path("<int:pk>/underskrift/", views.add_signature, name="add_signature"),
    path("<int:pk>/skanning/", views.upload_scan, name="upload_scan"),
    path("<int:pk>/skanning/hamta/", views.download_scan, name="download_scan"),
    path("<int:pk>/utskrift/", views.print_consent, name="print"),
    path("dela/", views.share, name="share"),
    path("sluta-dela/", views.unshare, name="unshare"),
]

from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ny/", views.report_new, name="report_new"),
    path("arkiv/", views.archive, name="archive"),
    path("kostnadsnyckel/", views.cost_key, name="cost_key"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/autospara/", views.report_autosave, name="report_autosave"),
    path("<int:pk>/radera/", views.report_delete, name="report_delete"),
    path("<int:pk>/status/", views.report_status, name="report_status"),
    path("<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("<int:pk>/csv/", views.report_csv, name="report_csv"),
]

from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.my_families, name="my_families"),
    path("vantelista/", views.waiting_list, name="waiting_list"),
    path("elever/", views.pupils, name="pupils"),
    path("delat/", views.shared, name="shared"),
]

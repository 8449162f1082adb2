from __future__ import annotations

from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("ny/", views.create, name="create"),
    path("inkomna/", views.incoming, name="incoming"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.edit, name="edit"),
    path("<int:pk>/blankett/", views.download_scan, name="scan"),
    path("<int:pk>/godta/", views.accept, name="accept"),
    path("<int:pk>/avsla/", views.decline, name="decline"),
    path("<int:pk>/ta-tillbaka/", views.withdraw, name="withdraw"),
]

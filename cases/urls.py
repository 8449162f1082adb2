from django.urls import include, path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.my_families, name="my_families"),
    path("ny/", views.family_create, name="family_create"),
    path("vantelista/", views.waiting_list, name="waiting_list"),
    path("vantelista/<int:pk>/tilldela/", views.assign_ombud, name="assign_ombud"),
    path("elever/", views.pupils, name="pupils"),
    path("elever/<int:pk>/", views.pupil_detail, name="pupil_detail"),
    path("delat/", views.shared, name="shared"),
    path("<int:pk>/", views.family_detail, name="family_detail"),
    path("<int:pk>/andra/", views.family_edit, name="family_edit"),
    path("<int:pk>/kriterier/", views.eligibility_edit, name="eligibility_edit"),
    path("<int:pk>/status/", views.family_transition, name="family_transition"),
    path("<int:pk>/team/", views.team_edit, name="team_edit"),
    path("<int:pk>/historik/", views.family_history, name="family_history"),
    path("<int:pk>/medlemmar/ny/", views.member_create, name="member_create"),
    path("medlem/<int:pk>/", views.member_edit, name="member_edit"),
    path("medlem/<int:pk>/elevstod/", views.pupil_support_create, name="pupil_support_create"),
    path("<int:pk>/journal/ny/", views.journal_new, name="journal_new"),
    path("<int:pk>/journal/autospara/", views.journal_autosave, name="journal_autosave"),
    path("journal/<int:pk>/", views.journal_edit, name="journal_edit"),
    path("journal/<int:pk>/signera/", views.journal_sign, name="journal_sign"),
    path("journal/<int:pk>/tillagg/", views.journal_addendum, name="journal_addendum"),
    path("journal/<int:pk>/invandning/", views.journal_objection, name="journal_objection"),
    path("journal/<int:pk>/kasta/", views.journal_discard, name="journal_discard"),
    path("<int:pk>/besok/", views.visit_book, name="visit_book"),
    path("besok/<int:pk>/avboka/", views.visit_cancel, name="visit_cancel"),
    path("<int:pk>/mal/", views.goal_create, name="goal_create"),
    path("mal/<int:pk>/uppfoljning/", views.goal_follow_up, name="goal_follow_up"),
    path("<int:pk>/kasam/", views.assessment_create, name="assessment_create"),
    path("<int:pk>/hinder/", views.obstacle_create, name="obstacle_create"),
    path("hinder/<int:pk>/lost/", views.obstacle_resolve, name="obstacle_resolve"),
    path("<int:pk>/tid/", views.time_entry_add, name="time_entry_add"),
    path("medlem/<int:pk>/orosanmalan/", views.concern_report_new, name="concern_report_new"),
    path(
        "medlem/<int:pk>/registerutdrag.<str:fmt>", views.register_extract, name="register_extract"
    ),
    path("orosanmalan/<int:pk>/", views.concern_report_detail, name="concern_report_detail"),
    path("", include("cases.reminder_urls")),
]

from django.urls import path

from cases.views import concerns, families, family_work, history, journal, lists, members, pupils

app_name = "cases"
urlpatterns = [
    path("", lists.my_families, name="my_families"),
    path("ny/", families.family_create, name="family_create"),
    path("vantelista/", lists.waiting_list, name="waiting_list"),
    path("vantelista/<int:pk>/tilldela/", lists.assign_ombud, name="assign_ombud"),
    path("elever/", lists.pupils, name="pupils"),
    path("elever/<int:pk>/", pupils.pupil_detail, name="pupil_detail"),
    path("delat/", lists.shared, name="shared"),
    path("<int:pk>/", families.family_detail, name="family_detail"),
    path("<int:pk>/andra/", families.family_edit, name="family_edit"),
    path("<int:pk>/kriterier/", families.eligibility_edit, name="eligibility_edit"),
    path("<int:pk>/status/", families.family_transition, name="family_transition"),
    path("<int:pk>/team/", families.team_edit, name="team_edit"),
    path("<int:pk>/historik/", history.family_history, name="family_history"),
    path("<int:pk>/medlemmar/ny/", members.member_create, name="member_create"),
    path("medlem/<int:pk>/", members.member_edit, name="member_edit"),
    path("medlem/<int:pk>/elevstod/", pupils.pupil_support_create, name="pupil_support_create"),
    path("<int:pk>/journal/ny/", journal.journal_new, name="journal_new"),
    path("<int:pk>/journal/autospara/", journal.journal_autosave, name="journal_autosave"),
    path("journal/<int:pk>/", journal.journal_edit, name="journal_edit"),
    path("journal/<int:pk>/signera/", journal.journal_sign, name="journal_sign"),
    path("journal/<int:pk>/tillagg/", journal.journal_addendum, name="journal_addendum"),
    path("journal/<int:pk>/invandning/", journal.journal_objection, name="journal_objection"),
    path("journal/<int:pk>/kasta/", journal.journal_discard, name="journal_discard"),
    path("<int:pk>/mal/", family_work.goal_create, name="goal_create"),
    path("mal/<int:pk>/uppfoljning/", family_work.goal_follow_up, name="goal_follow_up"),
    path("<int:pk>/kasam/", family_work.assessment_create, name="assessment_create"),
    path("<int:pk>/hinder/", family_work.obstacle_create, name="obstacle_create"),
    path("hinder/<int:pk>/lost/", family_work.obstacle_resolve, name="obstacle_resolve"),
    path("<int:pk>/tid/", family_work.time_entry_add, name="time_entry_add"),
    path("medlem/<int:pk>/orosanmalan/", concerns.concern_report_new, name="concern_report_new"),
    path("orosanmalan/<int:pk>/", concerns.concern_report_detail, name="concern_report_detail"),
]

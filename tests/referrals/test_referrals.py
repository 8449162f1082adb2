"""Requests to the team from school and social services (issue 20 part 2), from both sides.

The referrer sees their own request and its status (and the reason of a decline), never
another referrer's and never the case beyond what the family's consent shares; the team lead
(and, from a school, the team's school-responsible member) reads and decides sent requests;
a request without the signed consent form is saved and sent but not accepted; accepting makes
the family, its members and the consents of the form, which share with the referrer's
administration and with nothing beyond it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from consent.models import Consent, Share
from familjelotsen.models import AccessLogEntry, User
from referrals import services
from referrals.models import Referral, SchoolContact
from tests.factories import JournalEntryFactory, UserFactory, personnummer_for

Role = User.Role
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def rektor(adm_school):
    return UserFactory(username="p_rektor", role=Role.REFERRER, administration=adm_school)


@pytest.fixture
def other_rektor(adm_school):
    return UserFactory(username="p_rektor2", role=Role.REFERRER, administration=adm_school)


@pytest.fixture
def case_officer(adm_soc):
    return UserFactory(username="p_handlaggare", role=Role.REFERRER, administration=adm_soc)


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _numbers():
    today = timezone.localdate()
    return {
        "child": personnummer_for(today.replace(year=today.year - 10, day=5), 123),
        "c1": personnummer_for(dt.date(1985, 4, 2), 224),
        "c2": personnummer_for(dt.date(1983, 9, 9), 331),
    }


def _form(scan: bool = True, **extra) -> dict:
    """What the referrer posts: a child, two custodians who signed, the consent form's scope."""
    numbers, today = _numbers(), timezone.localdate()
    data = {
        "action": "send",
        "child_first_name": "Oskar",
        "child_last_name": "Ek",
        "child_personal_number": numbers["child"],
        "school": "Ekbackens skola",
        "c1_first_name": "Maria",
        "c1_last_name": "Ek",
        "c1_personal_number": numbers["c1"],
        "c1_signed_consent": "on",
        "c2_first_name": "Jonas",
        "c2_last_name": "Ek",
        "c2_personal_number": numbers["c2"],
        "c2_signed_consent": "on",
        "about": "Oskar är ofta frånvarande; insatserna hänger inte ihop.",
        "kind": cm.WorkKind.NETWORK_WORK,
        "consent_signed_on": (today - dt.timedelta(days=2)).isoformat(),
        "consent_valid_until": (today + dt.timedelta(days=300)).isoformat(),
        "consent_categories": ["coordination", "school"],
        "child_view": "Oskar är 10 år och vill ha hjälp med skolan.",
    }
    if scan:
        data["scan"] = SimpleUploadedFile("samtycke.pdf", PDF_BYTES, "application/pdf")
    data.update(extra)
    return data


def _reads(user, referral) -> int:
    return AccessLogEntry.objects.filter(
        user=user, object_type="referrals.referral", object_id=referral.pk
    ).count()


def test_a_request_from_school_is_accepted_and_its_consent_shares_with_school_and_nothing_more(
    rektor,
    other_rektor,
    case_officer,
    team_lead,
    ombud,
    school_coordinator,
    region_coordinator,
    adm_school,
    adm_rs,
    adm_soc,
):
    client = _client(rektor)
    response = client.post(
        reverse("referrals:create"),
        _form(team=adm_rs.pk, consent_receiving=[adm_school.pk]),
    )
    referral = Referral.objects.get(referrer=rektor)
    assert response.status_code == 302
    assert referral.status == Referral.Status.SENT and referral.has_consent_form

    # The referrer reads their own request, one access-log row per read.
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200 and b"Oskar Ek" in page.content
    assert _reads(rektor, referral) >= 2  # created, then read
    before = _reads(rektor, referral)
    client.get(reverse("referrals:detail", args=[referral.pk]))
    assert _reads(rektor, referral) == before + 1
    # Another referrer, of the same school or of social services, sees nothing of it.
    for outsider in (other_rektor, case_officer):
        other = _client(outsider)
        assert other.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
        assert b"Oskar" not in other.get(reverse("referrals:mine")).content
    # Nor does an ombud who is not the team's school-responsible member.
    assert _client(ombud).get(reverse("referrals:detail", args=[referral.pk])).status_code == 404

    # The team lead finds it on the waiting list and accepts it.
    lead = _client(team_lead)
    waiting = lead.get(reverse("cases:waiting_list"))
    assert b"Oskar Ek" in waiting.content
    assert _reads(team_lead, referral) == 1
    response = lead.post(
        reverse("referrals:accept", args=[referral.pk]), {"version": referral.version}
    )
    referral.refresh_from_db()
    family = referral.family
    assert response.status_code == 302 and referral.status == Referral.Status.ACCEPTED
    assert family.status == cm.Family.Status.REQUEST and family.kind == cm.WorkKind.NETWORK_WORK
    assert family.owner == adm_rs and family.requesting_administration == adm_school
    child = family.members.get(kind=cm.Member.Kind.CHILD)
    assert child.school == "Ekbackens skola"
    assert child.custodians.count() == 2
    # One consent per person of the form, each with the scan and the form's scope.
    consents = Consent.objects.filter(family=family)
    assert consents.count() == 3
    assert all(c.scan and set(c.receiving.all()) == {adm_school} for c in consents)
    assert consents.get(subject=child).signatures.count() == 2
    # The shares go to school, and to no other administration.
    shared_to = set(Share.objects.filter(family=family).values_list("administration", flat=True))
    assert shared_to == {adm_school.pk}

    # The referrer sees the status and, through the consent, the family overview; not the
    # case team's journal, and the referral page logs their read of it.
    entry = JournalEntryFactory(family=family, author=team_lead)
    assert b"accepted" in client.get(reverse("referrals:mine")).content.lower()
    assert client.get(reverse("cases:family_detail", args=[family.pk])).status_code == 200
    assert client.get(reverse("cases:journal_edit", args=[entry.pk])).status_code == 404
    shared_read = AccessLogEntry.objects.filter(
        user=rektor, object_type="cases.family", object_id=family.pk
    ).last()
    assert shared_read.basis == AccessLogEntry.Basis.SHARE and shared_read.consent_id
    # The school coordinator shares it with the rektor (the same administration); social
    # services and the region, which the form does not name, see nothing.
    assert (
        _client(school_coordinator)
        .get(reverse("cases:family_detail", args=[family.pk]))
        .status_code
        == 200
    )
    for outsider in (case_officer, region_coordinator):
        assert (
            _client(outsider).get(reverse("cases:family_detail", args=[family.pk])).status_code
            == 404
        )
    # A decided request cannot be decided again, nor changed by the referrer.
    again = lead.post(reverse("referrals:accept", args=[referral.pk]), {})
    assert again.status_code == 403
    assert client.get(reverse("referrals:edit", args=[referral.pk])).status_code == 403


def test_without_a_consent_form_a_request_waits_for_it_then_the_school_contact_accepts_and_a_decline_reason_reaches_the_referrer(  # noqa: E501
    rektor, case_officer, team_lead, ombud, adm_rs, adm_school
):
    SchoolContact.objects.create(team=adm_rs, member=ombud, set_by=team_lead)
    referrer = _client(rektor)
    # A draft is the referrer's alone.
    referrer.post(reverse("referrals:create"), _form(scan=False, action="draft", team=adm_rs.pk))
    request = Referral.objects.get(referrer=rektor)
    assert request.status == Referral.Status.DRAFT
    assert _client(team_lead).get(reverse("referrals:detail", args=[request.pk])).status_code == 404
    # Sent without the form: it reaches the team lead and the school-responsible member.
    response = referrer.post(
        reverse("referrals:edit", args=[request.pk]),
        _form(scan=False, team=adm_rs.pk, version=request.version),
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Referral.Status.SENT
    contact = _client(ombud)
    assert b"Oskar Ek" in contact.get(reverse("cases:my_families")).content
    page = contact.get(reverse("referrals:detail", args=[request.pk]))
    assert b"no signed consent form" in page.content
    # It cannot be accepted: no family, no consent.
    response = contact.post(reverse("referrals:accept", args=[request.pk]), {})
    assert response.status_code == 422
    assert b"The request has no signed consent form" in response.content
    request.refresh_from_db()
    assert request.status == Referral.Status.SENT and request.family is None
    assert not cm.Family.objects.exists()
    # The referrer attaches the form later; then the school-responsible member accepts it and
    # holds the family.
    response = referrer.post(
        reverse("referrals:edit", args=[request.pk]),
        _form(
            action="save",
            team=adm_rs.pk,
            consent_receiving=[adm_school.pk],
            version=request.version,
        ),
    )
    assert response.status_code == 302
    request.refresh_from_db()
    response = contact.post(
        reverse("referrals:accept", args=[request.pk]), {"version": request.version}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Referral.Status.ACCEPTED and request.decided_by == ombud
    assert request.family.responsible_ombud == ombud

    # A request from social services goes to the team lead only, not to the school contact.
    _client(case_officer).post(reverse("referrals:create"), _form(scan=False, team=adm_rs.pk))
    from_soc = Referral.objects.get(referrer=case_officer)
    assert contact.get(reverse("referrals:detail", args=[from_soc.pk])).status_code == 404
    lead = _client(team_lead)
    assert lead.get(reverse("referrals:detail", args=[from_soc.pk])).status_code == 200
    # Declining needs a reason, which the referrer then reads.
    response = lead.post(reverse("referrals:decline", args=[from_soc.pk]), {"reason": " "})
    assert response.status_code == 422 and b"Give the reason" in response.content
    reason = "Familjen passar bättre för nätverkslaget; kontakta dem direkt."
    response = lead.post(reverse("referrals:decline", args=[from_soc.pk]), {"reason": reason})
    assert response.status_code == 302
    from_soc.refresh_from_db()
    assert from_soc.status == Referral.Status.DECLINED and from_soc.decided_by == team_lead
    officer = _client(case_officer)
    assert reason.encode() in officer.get(reverse("referrals:detail", args=[from_soc.pk])).content
    assert b"kontakta dem direkt" in officer.get(reverse("referrals:mine")).content
    assert not cm.Family.objects.filter(requesting_administration=case_officer.administration)
    # The service refuses anyone the policy does not let decide, whatever the page.
    with pytest.raises(PermissionDenied):
        services.referral_decline(referral=request, by=rektor, reason="Nej")


@pytest.mark.swedish
def test_a_wrong_personnummer_and_a_file_that_is_not_a_scan_give_swedish_messages_and_keep_the_input(  # noqa: E501
    rektor, team_lead, adm_rs, adm_school
):
    client = Client()
    client.force_login(rektor)
    valid = _numbers()["child"]
    typo = f"{valid[:8]}-{valid[8:11]}{(int(valid[11]) + 1) % 10}"
    data = _form(
        team=adm_rs.pk,
        consent_receiving=[adm_school.pk],
        child_personal_number=typo,
        c1_first_name="",
    )
    data["scan"] = SimpleUploadedFile("samtycke.pdf", b"bara text", "application/pdf")
    response = client.post(reverse("referrals:create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kontrollsiffran stämmer inte" in body
    assert "Bara filer i formatet PDF, JPEG eller PNG kan laddas upp" in body
    assert "Välj filen igen" in body
    # What sending needs is said at once with the format errors, at its field.
    assert "Skriv vårdnadshavarens förnamn." in body
    assert 'value="Oskar"' in body and f'value="{typo}"' in body
    assert "Oskar är ofta frånvarande" in body
    assert not Referral.objects.exists()


def test_the_demo_has_a_request_from_school_with_a_readable_consent_form_waiting_for_the_lead(db):
    from io import BytesIO

    from pypdf import PdfReader

    from familjelotsen import demo as base_demo
    from referrals import demo, selectors

    base = base_demo.seed()
    demo.seed(base)
    demo.seed(base)  # idempotent
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.SENT and referral.referrer.username == "rektor"
    text = PdfReader(BytesIO(referral.scan.open("rb").read())).pages[0].extract_text()
    assert "Samtyckesblankett" in text
    lead = base["users"]["teamledare"]
    assert [r.pk for r in selectors.waiting(lead)] == [referral.pk]
    # From a school: the team's school-responsible member (the demo ombud) has it too.
    assert [r.pk for r in selectors.waiting(base["users"]["ombud"])] == [referral.pk]


def test_a_second_request_for_a_child_the_team_already_has_is_not_made_a_second_family(
    rektor, team_lead, adm_rs, adm_school, adm_soc
):
    """Accepting would split the child's records over two families: refused, with the way
    on; a family of another administration is not the team's to know of, so it does not
    stop the team (nor is it named)."""
    referrer = _client(rektor)
    referrer.post(
        reverse("referrals:create"), _form(team=adm_rs.pk, consent_receiving=[adm_school.pk])
    )
    first = Referral.objects.get(referrer=rektor)
    lead = _client(team_lead)
    lead.post(reverse("referrals:accept", args=[first.pk]), {"version": first.version})
    first.refresh_from_db()
    assert first.status == Referral.Status.ACCEPTED

    referrer.post(
        reverse("referrals:create"), _form(team=adm_rs.pk, consent_receiving=[adm_school.pk])
    )
    second = Referral.objects.filter(referrer=rektor).exclude(pk=first.pk).get()
    lead.get(reverse("cases:waiting_list"))  # the first acceptance's message is read
    page = lead.get(reverse("referrals:detail", args=[second.pk])).content.decode()
    assert "already has an open family in the team" in page
    assert first.family.reference not in page
    refused = lead.post(reverse("referrals:accept", args=[second.pk]), {"version": second.version})
    second.refresh_from_db()
    assert second.status == Referral.Status.SENT and second.family_id is None
    assert refused.status_code == 422
    assert b"already has an open family in the team" in refused.content
    assert cm.Family.objects.filter(owner=adm_rs).count() == 1

    # Once that family is closed, a new request may open a new one.
    cm.Family.objects.filter(pk=first.family_id).update(status=cm.Family.Status.CLOSED)
    lead.post(reverse("referrals:accept", args=[second.pk]), {"version": second.version})
    second.refresh_from_db()
    assert second.status == Referral.Status.ACCEPTED


def test_another_administrations_family_of_the_child_does_not_stop_the_team(
    rektor, team_lead, adm_rs, adm_soc, adm_school, ombud
):
    from tests.factories import FamilyFactory, MemberFactory, UserFactory

    other_ombud = UserFactory(username="p_soc_ombud", role="family_ombud", administration=adm_soc)
    elsewhere = FamilyFactory(responsible_ombud=other_ombud)
    assert elsewhere.owner == adm_soc
    MemberFactory(family=elsewhere, personal_number=_numbers()["child"])
    referrer = _client(rektor)
    referrer.post(
        reverse("referrals:create"), _form(team=adm_rs.pk, consent_receiving=[adm_school.pk])
    )
    referral = Referral.objects.get(referrer=rektor)
    _client(team_lead).post(
        reverse("referrals:accept", args=[referral.pk]), {"version": referral.version}
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_the_referrer_withdraws_a_request_the_team_has_not_decided(
    rektor, other_rektor, team_lead, adm_rs, adm_school
):
    referrer = _client(rektor)
    referrer.post(
        reverse("referrals:create"), _form(team=adm_rs.pk, consent_receiving=[adm_school.pk])
    )
    referral = Referral.objects.get(referrer=rektor)
    lead = _client(team_lead)
    assert b"Oskar Ek" in lead.get(reverse("cases:waiting_list")).content
    url = reverse("referrals:withdraw", args=[referral.pk])
    # Nobody else takes it back: another referrer does not see it, the team lead decides.
    assert _client(other_rektor).post(url, {"version": referral.version}).status_code == 404
    assert lead.post(url, {"version": referral.version}).status_code == 403

    response = referrer.post(url, {"version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN and referral.decided_at is None
    assert b"Oskar Ek" not in lead.get(reverse("cases:waiting_list")).content
    # Withdrawn, it is neither accepted nor taken back again, and the referrer still sees it.
    refused = lead.post(reverse("referrals:accept", args=[referral.pk]), {})
    assert refused.status_code == 403
    again = referrer.post(url, {"version": referral.version})
    assert again.status_code == 403
    page = referrer.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "You withdrew the request" in page and "Withdraw the request" not in page
    assert AccessLogEntry.objects.filter(
        user=rektor, action="change", object_type="referrals.referral", object_id=referral.pk
    ).exists()


def test_a_decided_request_cannot_be_withdrawn(rektor, team_lead, adm_rs, adm_school):
    referrer = _client(rektor)
    referrer.post(
        reverse("referrals:create"), _form(team=adm_rs.pk, consent_receiving=[adm_school.pk])
    )
    referral = Referral.objects.get(referrer=rektor)
    _client(team_lead).post(
        reverse("referrals:accept", args=[referral.pk]), {"version": referral.version}
    )
    referral.refresh_from_db()
    response = referrer.post(
        reverse("referrals:withdraw", args=[referral.pk]), {"version": referral.version}
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_a_draft_is_not_withdrawn_it_is_simply_not_sent(rektor, team_lead, adm_rs, adm_school):
    referrer = _client(rektor)
    referrer.post(
        reverse("referrals:create"),
        _form(scan=False, action="draft", team=adm_rs.pk, consent_receiving=[adm_school.pk]),
    )
    draft = Referral.objects.get(referrer=rektor)
    assert draft.status == Referral.Status.DRAFT
    page = referrer.get(reverse("referrals:detail", args=[draft.pk])).content.decode()
    assert "Withdraw the request" not in page
    response = referrer.post(
        reverse("referrals:withdraw", args=[draft.pk]), {"version": draft.version}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Referral.Status.DRAFT

"""Importing clients and contacts from CSV and XLSX, all or nothing, and exporting them."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from clients.bulk.imports import client_import_check, client_import_create, client_import_run
from clients.bulk.models import ClientImportStatus
from clients.models import Client, ClientTeamMember, Contact
from secretary.errors import ApplicationError
from tests.clients.bulk_helpers import HEADER, uploaded
from tests.clients.factories import ClientFactory, ContactFactory
from tests.clients.mailing.helpers import csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def clients_of(world):
    return {c.name: c for c in Client.objects.for_practice(world.practice)}


def contacts_of(client):
    return {
        c.email or c.name: c
        for c in Contact.objects.for_practice(client.practice_id).filter(client=client)
    }


def check(world, job, mapping=None, *, secretary="default"):
    return client_import_check(
        practice=world.practice,
        actor=world.admin,
        job=job,
        mapping=job.mapping if mapping is None else mapping,
        primary_secretary=world.secretary if secretary == "default" else secretary,
    )


def check_and_run(world, job, mapping=None):
    job = check(world, job, mapping)
    assert job.report["errors"] == []
    return client_import_run(practice=world.practice, actor=world.admin, job=job)


def test_the_upload_reads_the_bytes_and_guesses_the_mapping(world):
    # Given a workbook whose name says CSV
    data = xlsx_bytes(
        [HEADER, ["Acme Ltd", "Europe/London", "GBP", "Ann Lee", "ann@acme.test", "", "yes"]]
    )
    # When it is uploaded
    job = client_import_create(
        practice=world.practice, actor=world.admin, file=upload(data, "clients.csv")
    )
    # Then it is read as a workbook, previewed and mapped by its column names
    assert job.kind == "xlsx"
    assert job.preview[0][:2] == ["Acme Ltd", "Europe/London"]
    assert job.mapping == {
        "0": "client.name",
        "1": "client.time_zone",
        "2": "client.currency",
        "3": "contact.name",
        "4": "contact.email",
        "5": "contact.phone",
        "6": "contact.is_primary",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n1 0 obj\n", "neither a CSV file nor an Excel workbook"),
        (b"<html><script>alert(1)</script></html>", "neither a CSV file nor an Excel workbook"),
        (b"", "empty"),
        (b"\n\n", "no rows"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_by_its_bytes(world, data, message):
    with pytest.raises(ApplicationError) as raised:
        client_import_create(
            practice=world.practice, actor=world.admin, file=upload(data, "clients.csv")
        )
    assert message in str(raised.value.errors["file"][0])


def test_a_new_file_creates_clients_contacts_and_the_team(world):
    # Given a file with two clients, one of them with two contacts
    job = uploaded(
        world,
        [
            ["Acme Ltd", "Europe/London", "gbp", "Ann Lee", "Ann@Acme.test", "+44 20 1", ""],
            ["acme  LTD", "", "", "Bob Ray", "bob@acme.test", "", "yes"],
            ["Birch & Co", "", "", "", "", "", ""],
        ],
    )
    # When it is checked and imported
    job = check_and_run(world, job)
    # Then both clients exist with the file's values and the practice's defaults
    found = clients_of(world)
    acme, birch = found["Acme Ltd"], found["Birch & Co"]
    assert (acme.time_zone, acme.currency) == ("Europe/London", "GBP")
    assert (birch.time_zone, birch.currency) == (world.practice.time_zone, world.practice.currency)
    # And the contacts are Acme's, emails in lower case, Bob primary as the file says
    people = contacts_of(acme)
    assert set(people) == {"ann@acme.test", "bob@acme.test"}
    assert people["bob@acme.test"].is_primary and not people["ann@acme.test"].is_primary
    # And the chosen secretary serves the new clients
    assert acme.primary_secretary_id == world.secretary.pk
    assert (
        ClientTeamMember.objects.for_practice(world.practice)
        .filter(client=acme, membership=world.secretary)
        .exists()
    )
    assert job.status == ClientImportStatus.DONE
    assert {k: v for k, v in job.report.items() if k != "errors"} == {
        "clients_created": 2,
        "clients_updated": 0,
        "contacts_created": 2,
        "contacts_updated": 0,
        "unchanged": 0,
    }


def test_existing_clients_and_contacts_are_merged_not_duplicated(world):
    # Given a client with a contact
    acme = ClientFactory(practice=world.practice, name="Acme Ltd", time_zone="UTC")
    ann = ContactFactory(client=acme, name="Ann", email="ann@acme.test", phone="", is_primary=True)
    # When a file names the client in other case, and the contact by her email in capitals
    job = uploaded(
        world,
        [["ACME ltd", "Asia/Tokyo", "", "Ann Lee", "ANN@ACME.TEST", "+1 555", ""]],
    )
    job = check_and_run(world, job)
    # Then the client and the contact are updated in place
    assert list(clients_of(world)) == ["Acme Ltd"]
    acme.refresh_from_db()
    ann.refresh_from_db()
    assert acme.time_zone == "Asia/Tokyo"
    assert (ann.name, ann.phone, ann.is_primary) == ("Ann Lee", "+1 555", True)
    assert Contact.objects.for_practice(world.practice).filter(client=acme).count() == 1
    assert job.report["clients_updated"] == 1 and job.report["contacts_updated"] == 1


def test_every_bad_row_is_reported_and_nothing_is_imported(world):
    # Given a file with one good row and a bad row of each kind
    job = uploaded(
        world,
        [
            ["Good Co", "", "", "", "", "", ""],
            ["", "", "", "Nobody", "no@client.test", "", ""],
            ["Zone Co", "Mars/Olympus", "", "", "", "", ""],
            ["Money Co", "", "XYZ", "", "", "", ""],
            ["Mail Co", "", "", "Al", "not-an-address", "", ""],
            ["Twice Co", "", "EUR", "", "", "", ""],
            ["Twice Co", "", "USD", "", "", "", ""],
            ["Prime Co", "", "", "A", "a@prime.test", "", "yes"],
            ["Prime Co", "", "", "B", "b@prime.test", "", "yes"],
            ["Flag Co", "", "", "C", "c@flag.test", "", "perhaps"],
            ["Nameless Co", "", "", "", "x@nameless.test", "", ""],
        ],
    )
    # When it is checked
    job = check(world, job)
    # Then every bad line is named with a reason a person can act on
    reasons = {error["line"]: error["reason"] for error in job.report["errors"]}
    assert sorted(reasons) == [3, 4, 5, 6, 8, 10, 11, 12]
    assert "client's name is empty" in reasons[3]
    assert "Mars/Olympus" in reasons[4]
    assert "XYZ" in reasons[5]
    assert "not-an-address" in reasons[6]
    assert "differs from line 7" in reasons[8]
    assert "line 9 already names" in reasons[10]
    assert "yes or no" in reasons[11]
    assert "contact's name is empty" in reasons[12]
    assert job.status == ClientImportStatus.MAPPING
    # And the import refuses to run, leaving the practice as it was
    with pytest.raises(ApplicationError):
        client_import_run(practice=world.practice, actor=world.admin, job=job)
    assert not Client.objects.for_practice(world.practice).filter(name="Good Co").exists()


def test_a_change_after_the_check_stops_the_run_whole(world):
    # Given a checked file
    job = check(
        world,
        uploaded(world, [["Solo Co", "", "", "", "", "", ""], ["Dup Co", "", "", "", "", "", ""]]),
    )
    assert job.status == ClientImportStatus.CHECKED
    # When two clients of one of its names appear before the run
    ClientFactory(practice=world.practice, name="Dup Co")
    ClientFactory(practice=world.practice, name="dup co")
    # Then the run writes nothing and says which row became bad
    with pytest.raises(ApplicationError, match="1 rows need correcting"):
        client_import_run(practice=world.practice, actor=world.admin, job=job)
    job.refresh_from_db()
    assert job.report["errors"][0]["line"] == 3
    assert not Client.objects.for_practice(world.practice).filter(name="Solo Co").exists()


def test_formula_cells_and_windows_encodings_are_read_as_text(world):
    # Given a CSV saved by Excel in Windows-1252 with a formula in a cell
    text = 'Client,Contact,Email\nCafé Crème,=HYPERLINK("http://x"),c@cafe.test\n'
    data = text.encode("cp1252")
    job = client_import_create(
        practice=world.practice, actor=world.admin, file=upload(data, "c.csv")
    )
    assert job.encoding == "cp1252"
    check_and_run(world, job)
    # Then the accents survive and the formula is kept as typed, never run
    cafe = clients_of(world)["Café Crème"]
    contact = Contact.objects.for_practice(world.practice).get(client=cafe)
    assert contact.name == '=HYPERLINK("http://x")'


def test_a_mapping_without_the_client_name_is_refused(world):
    job = uploaded(world, [["Acme", "", "", "", "", "", ""]])
    with pytest.raises(ApplicationError) as raised:
        check(world, job, {"1": "client.time_zone", "2": "client.time_zone", "9": "contact.name"})
    errors = raised.value.errors
    assert "clients' names" in errors["mapping"][-1]
    assert "already imported as this" in errors["column_2"][0]
    assert "Map only the file's columns." in errors["mapping"]


def test_secretaries_cannot_import(world):
    with pytest.raises(ApplicationError, match="Only owners and admins"):
        uploaded(world, [["Acme", "", "", "", "", "", ""]], actor=world.secretary)


def test_the_export_reimports_without_changes(world, owner_client):
    # Given clients with contacts, one with a formula-like name
    acme = ClientFactory(practice=world.practice, name="Acme Ltd", time_zone="UTC", currency="USD")
    ContactFactory(client=acme, name="=Ann", email="ann@acme.test", is_primary=True)
    ClientFactory(practice=world.practice, name="Lonely Co", time_zone="UTC", currency="USD")
    # When the owner exports them as CSV
    response = owner_client.get(reverse("client_export", args=[world.practice.slug]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    # Then a row per contact (and one for a client without), formulas defused
    assert response["Content-Disposition"].startswith("attachment;")
    assert [row[0] for row in rows[1:]] == ["Acme Ltd", "Lonely Co"]
    assert rows[1][7] == "'=Ann"
    # And importing the file back (the quote removed, as a spreadsheet would) changes nothing
    rows[1][7] = "=Ann"
    job = client_import_create(
        practice=world.practice, actor=world.admin, file=upload(csv_bytes(rows), "back.csv")
    )
    job = check(world, job, secretary=None)
    assert job.report["errors"] == []
    assert (job.report["clients_created"], job.report["contacts_created"]) == (0, 0)
    assert (job.report["clients_updated"], job.report["contacts_updated"]) == (0, 0)
    assert job.report["unchanged"] == 2


def test_the_import_pages_take_a_file_through_to_the_end(world, admin_client_):
    slug = world.practice.slug
    # Given an uploaded file
    data = csv_bytes([HEADER, ["Page Co", "", "", "Pat", "pat@page.test", "", ""]])
    response = admin_client_.post(
        reverse("client_import_create", args=[slug]), {"file": upload(data, "page.csv")}
    )
    assert response.status_code == 302
    detail = response["Location"]
    page = admin_client_.get(detail)
    assert "Check the file" in page.content.decode()
    assert "---------" not in page.content.decode()
    # When the mapping is checked, then run
    form = {f"column_{i}": t for i, t in page.context["job"].mapping.items()}
    response = admin_client_.post(detail, {"action": "check", "primary_secretary": "", **form})
    assert response.status_code == 302
    page = admin_client_.get(detail)
    assert "Ready to import" in page.content.decode()
    response = admin_client_.post(detail, {"action": "run"}, follow=True)
    # Then the clients are there and the page says so
    assert "The clients and contacts are imported." in response.content.decode()
    page_co = clients_of(world)["Page Co"]
    assert page_co.primary_secretary_id is None
    assert contacts_of(page_co)["pat@page.test"].is_primary


def test_a_bad_file_shows_its_problem_on_the_form(world, admin_client_):
    response = admin_client_.post(
        reverse("client_import_create", args=[world.practice.slug]),
        {"file": upload(b"%PDF-1.7 not a sheet", "clients.csv")},
    )
    assert response.status_code == 400
    assert "neither a CSV file nor an Excel workbook" in response.content.decode()


def test_the_problem_report_lists_every_bad_row(world, admin_client_):
    job = check(
        world,
        uploaded(
            world,
            [["", "", "", "Nobody", "", "", ""], ["Zone", "Nowhere/Land", "", "", "", "", ""]],
        ),
    )
    response = admin_client_.get(
        reverse("client_import_report", args=[world.practice.slug, job.pk])
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["2", "3"]


def test_a_secretary_gets_no_import_page(world, secretary_client):
    response = secretary_client.get(reverse("client_import_create", args=[world.practice.slug]))
    assert response.status_code == 403


def test_the_api_uploads_checks_and_runs(world, admin_client_):
    base = f"/api/v1/practices/{world.practice.slug}/client-imports/"
    data = csv_bytes([HEADER, ["Api Co", "UTC", "", "Ada", "ada@api.test", "", ""]])
    response = admin_client_.post(base, {"file": upload(data, "api.csv")})
    assert response.status_code == 201, response.content
    job = response.json()
    # A mapping to an unknown target is a 400 with the field named
    bad = admin_client_.post(
        f"{base}{job['id']}/check/",
        {"mapping": {"0": "client.colour"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "mapping" in bad.json()["errors"]
    # Running before a check is refused with a reason
    early = admin_client_.post(f"{base}{job['id']}/run/")
    assert early.status_code == 400
    checked = admin_client_.post(
        f"{base}{job['id']}/check/", {"mapping": job["mapping"]}, content_type="application/json"
    )
    assert checked.status_code == 200 and checked.json()["status"] == "checked"
    done = admin_client_.post(f"{base}{job['id']}/run/")
    assert done.status_code == 200
    assert done.json()["report"]["clients_created"] == 1
    assert "Api Co" in clients_of(world)


def test_a_non_file_upload_in_the_api_is_a_400(world, admin_client_):
    base = f"/api/v1/practices/{world.practice.slug}/client-imports/"
    response = admin_client_.post(base, {"file": upload(b"\x00\x01\x02binary", "x.csv")})
    assert response.status_code == 400
    assert "file" in response.json()["errors"]

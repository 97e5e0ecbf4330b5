"""Importing people from CSV and XLSX files: checks on upload, mapping, and the run."""

from datetime import date

import pytest

from clients.mailing.imports import (
    MAX_FILE_BYTES,
    import_job_create,
    import_job_start,
)
from clients.mailing.models import ImportJob, ImportStatus, Subscriber, SubscriberStatus
from secretary.errors import ApplicationError
from tests.clients.mailing.helpers import csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["E-mail", "Name", "Company", "Tags", "Orders", "Notes"]


def people(audience):
    return {
        p.email_key: p
        for p in Subscriber.objects.for_practice(audience.practice).filter(audience=audience)
    }


def run(world, audience, data, *, name="people.csv", mapping=None, basis="", capture=None):
    job = import_job_create(
        practice=world.practice, audience=audience, file=upload(data, name), actor=world.secretary
    )
    with capture(execute=True):
        import_job_start(
            practice=world.practice,
            job=job,
            mapping=job.mapping if mapping is None else mapping,
            basis=basis,
            actor=world.secretary,
        )
    job.refresh_from_db()
    return job


def test_it_previews_a_csv_and_guesses_the_mapping(world, audience):
    # Given a semicolon-separated CSV with a BOM, named as anything
    data = csv_bytes(
        [HEADER, ["a@example.com", "Ann", "", "vip", "3", "x"]], delimiter=";", bom=True
    )
    # When it is uploaded
    job = import_job_create(
        practice=world.practice, audience=audience, file=upload(data, "export.txt")
    )
    # Then its type comes from the bytes, with a preview and a first mapping
    assert (job.kind, job.delimiter, job.status) == ("csv", ";", ImportStatus.MAPPING)
    assert job.header == HEADER
    assert job.preview == [["a@example.com", "Ann", "", "vip", "3", "x"]]
    assert job.mapping == {
        "0": "email",
        "1": "name",
        "2": "company",
        "3": "tags",
        "4": "custom:orders",
    }
    assert job.file.name.endswith(".csv") and "export" not in job.file.name


def test_it_imports_a_csv_reporting_bad_rows_and_merging_duplicates(
    world, audience, django_capture_on_commit_callbacks
):
    # Given a file with good rows, a malformed address, a wrong custom value, and one person
    # twice (in another case)
    data = csv_bytes(
        [
            HEADER,
            ["ann@example.com", "Ann", "Acme", "vip, retail", "3", ""],
            ["not an address", "Bad", "", "", "", ""],
            ["bob@example.com", "Bob", "", "", "lots", ""],
            ["", "", "", "", "", ""],
            ["ANN@example.com", "Ann Later", "", "wholesale", "", ""],
            ["cy@example.com", '=HYPERLINK("http://evil")', "+cmd", "", "", ""],
        ]
    )
    # When it is imported with a declared basis
    job = run(
        world,
        audience,
        data,
        basis="existing customers who bought from the client",
        capture=django_capture_on_commit_callbacks,
    )
    # Then the counts and the report say what happened, by line
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.processed_rows) == (5, 5)
    assert (job.created_count, job.updated_count, job.merged_count, job.error_total) == (2, 0, 1, 2)
    assert [error["line"] for error in job.errors] == [3, 4]
    assert "not a valid email address" in job.errors[0]["reason"]
    assert job.errors[1]["reason"] == "Orders: Enter a number."
    assert job.merged == [{"line": 2, "email": "ann@example.com"}]
    by_key = people(audience)
    # the later line wins, tags add up
    assert by_key["ann@example.com"].name == "Ann Later"
    assert by_key["ann@example.com"].company == "Acme"
    assert by_key["ann@example.com"].tags == ["vip", "retail", "wholesale"]
    assert by_key["ann@example.com"].custom == {"orders": 3}
    # formulas are kept as typed text
    assert by_key["cy@example.com"].name == '=HYPERLINK("http://evil")'
    assert by_key["cy@example.com"].company == "+cmd"
    assert by_key["cy@example.com"].consent_source == (
        "import: people.csv (existing customers who bought from the client)"
    )


def test_it_imports_an_xlsx_whatever_its_name_with_a_consent_column(
    world, audience, django_capture_on_commit_callbacks
):
    # Given a workbook (named .csv) with a consent column, a consent date, dates and a formula
    data = xlsx_bytes(
        [
            ["Email", "Name", "Consent", "Consent date", "Customer since", "Orders"],
            ["a@example.com", "=1+2", "web signup", date(2024, 5, 1), date(2020, 1, 2), 4],
            ["b@example.com", "Bee", "no", date(2024, 5, 1), None, None],
            ["c@example.com", "Cee", "", "", None, 7.0],
        ]
    )
    job = run(world, audience, data, name="list.csv", capture=django_capture_on_commit_callbacks)
    # Then the workbook was read as one, the formula stored as text, and people without
    # consent reported
    assert job.kind == "xlsx"
    assert job.mapping["2"] == "consent_source" and job.mapping["3"] == "consent_at"
    assert job.created_count == 1
    assert [e["line"] for e in job.errors] == [3, 4]
    assert "did not agree" in job.errors[0]["reason"]
    assert "no consent" in job.errors[1]["reason"]
    ann = people(audience)["a@example.com"]
    assert ann.name == "=1+2"
    assert ann.custom == {"since": "2020-01-02", "orders": 4}
    assert ann.consent_source == "import: list.csv (web signup)"
    assert ann.consent_at.date() == date(2024, 5, 1)


def test_it_never_resubscribes_people_who_left(world, audience, django_capture_on_commit_callbacks):
    data = csv_bytes([["email", "name"], ["gone@example.com", "Gone"]])
    run(world, audience, data, basis="x", capture=django_capture_on_commit_callbacks)
    Subscriber.objects.for_practice(world.practice).update(status=SubscriberStatus.BOUNCED)
    job = run(
        world,
        audience,
        csv_bytes([["email", "name"], ["GONE@example.com", "Back"]]),
        basis="x",
        capture=django_capture_on_commit_callbacks,
    )
    assert job.updated_count == 1
    assert people(audience)["gone@example.com"].status == SubscriberStatus.BOUNCED


def test_it_refuses_a_file_over_the_size_cap_before_reading_it(world, audience):
    # Given a 50 MB file
    data = b"email\n" + b"a" * (50 * 1024 * 1024)
    # When it is uploaded
    with pytest.raises(ApplicationError) as raised:
        import_job_create(practice=world.practice, audience=audience, file=upload(data))
    # Then it is refused with its size and the limit
    assert "50.0 MB" in raised.value.errors["file"][0]
    assert f"{MAX_FILE_BYTES // (1024 * 1024)}.0 MB" in raised.value.errors["file"][0]
    assert not ImportJob.objects.for_practice(world.practice).exists()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "people.csv"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "people.xlsx"),
        (b"<html><body><table><tr><td>a@example.com</td></tr></table></body></html>", "a.csv"),
        (b"PK\x03\x04" + b"\x00" * 64, "people.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "people.xls"),
        (b"", "people.csv"),
    ],
)
def test_it_refuses_a_file_that_is_not_csv_or_xlsx_whatever_its_name(world, audience, data, name):
    with pytest.raises(ApplicationError) as raised:
        import_job_create(practice=world.practice, audience=audience, file=upload(data, name))
    assert "file" in raised.value.errors


def test_it_requires_a_consent_column_or_a_declared_basis(world, audience):
    data = csv_bytes([["email", "name"], ["a@example.com", "Ann"]])
    job = import_job_create(practice=world.practice, audience=audience, file=upload(data))
    with pytest.raises(ApplicationError) as raised:
        import_job_start(practice=world.practice, job=job, mapping=job.mapping, basis="")
    assert "basis" in raised.value.errors
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING


def test_it_requires_an_email_column_and_each_target_once(world, audience):
    data = csv_bytes([["email", "name", "other"], ["a@example.com", "Ann", "x"]])
    job = import_job_create(practice=world.practice, audience=audience, file=upload(data))
    with pytest.raises(ApplicationError) as raised:
        import_job_start(
            practice=world.practice, job=job, mapping={"1": "name", "2": "name"}, basis="x"
        )
    assert "mapping" in raised.value.errors
    assert "column_2" in raised.value.errors


def test_it_reports_a_cell_over_the_length_cap(world, audience, django_capture_on_commit_callbacks):
    data = csv_bytes([["email", "name"], ["a@example.com", "x" * 5000], ["b@example.com", "B"]])
    job = run(world, audience, data, basis="x", capture=django_capture_on_commit_callbacks)
    assert job.created_count == 1
    assert "longer than" in job.errors[0]["reason"]


def test_it_fails_a_file_with_too_many_rows(
    world, audience, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("clients.mailing.imports.MAX_ROWS", 3)
    rows = [["email"]] + [[f"p{n}@example.com"] for n in range(4)]
    job = run(
        world, audience, csv_bytes(rows), basis="x", capture=django_capture_on_commit_callbacks
    )
    assert job.status == ImportStatus.FAILED
    assert "more than 3 rows" in job.failure
    assert not people(audience)


def test_it_resumes_in_batches_where_it_stopped(
    world, audience, django_capture_on_commit_callbacks, monkeypatch
):
    # Given a file larger than one batch, with one person on both sides of a batch boundary
    monkeypatch.setattr("clients.mailing.imports.BATCH_ROWS", 4)
    rows = [["email", "name", "tags"]]
    rows += [[f"p{n}@example.com", f"P{n}", ""] for n in range(10)]
    rows[2] = ["dup@example.com", "First", "early"]
    rows.append(["DUP@example.com", "", "late"])
    # When every run stops after one batch (a deadline already passed)
    from clients.mailing import imports

    job = import_job_create(
        practice=world.practice, audience=audience, file=upload(csv_bytes(rows))
    )
    ImportJob.objects.for_practice(world.practice).filter(pk=job.pk).update(
        status=ImportStatus.QUEUED, mapping={"0": "email", "1": "name", "2": "tags"}, basis="x"
    )
    outcomes = []
    while not outcomes or outcomes[-1] == "more":
        outcomes.append(
            imports.import_run(practice_id=world.practice.pk, job_id=job.pk, deadline=0)
        )
    # Then it went in three slices and every row was imported once, the duplicate merged
    assert outcomes == ["more", "more", "done"]
    job.refresh_from_db()
    assert (job.total_rows, job.created_count, job.merged_count) == (11, 10, 1)
    dup = people(audience)["dup@example.com"]
    assert (dup.name, dup.tags) == ("First", ["early", "late"])

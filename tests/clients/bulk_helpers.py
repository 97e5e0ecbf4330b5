"""Building client import files, and the import routes for the isolation harness."""

from __future__ import annotations

from clients.bulk.imports import client_import_create
from tests.clients.mailing.helpers import csv_bytes, upload

HEADER = ["Client", "Time zone", "Currency", "Contact", "Email", "Phone", "Primary"]


def uploaded(world, rows, *, header=HEADER, name="clients.csv", actor=None):
    return client_import_create(
        practice=world.practice,
        actor=actor or world.admin,
        file=upload(csv_bytes([header, *rows]), name),
    )


def routes(world) -> dict[str, dict]:
    job = uploaded(world, [["Isolated Import Co", "", "", "", "", "", ""]])
    a = {"job_id": job.pk}
    return {
        "client_import_create": {},
        "client_import_detail": a,
        "client_import_report": a,
        "client_export": {},
        "api_client_import_list": {},
        "api_client_import_detail": a,
        "api_client_import_check": a,
        "api_client_import_run": a,
    }

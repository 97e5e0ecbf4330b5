"""The line guard of 0004 read ``NEW.invoice_id`` in one expression with its table test, which
PostgreSQL resolves for every table the trigger runs on: an insert into
``billing_invoicelinetime`` (which has no such column) failed. Same rules, nested tests."""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION billing_invoice_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    invoice_id bigint;
    invoice_status text;
BEGIN
    IF TG_TABLE_NAME = 'billing_invoicelinetime' THEN
        IF TG_OP = 'DELETE' THEN
            SELECT l.invoice_id INTO invoice_id FROM billing_invoiceline l WHERE l.id = OLD.line_id;
        ELSE
            SELECT l.invoice_id INTO invoice_id FROM billing_invoiceline l WHERE l.id = NEW.line_id;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        invoice_id := OLD.invoice_id;
    ELSE
        invoice_id := NEW.invoice_id;
    END IF;
    SELECT status INTO invoice_status FROM billing_invoice WHERE id = invoice_id;
    IF FOUND AND invoice_status <> 'draft' AND NOT billing_loading() THEN
        RAISE EXCEPTION 'the lines of an issued invoice cannot change; credit it'
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'billing_invoiceline' THEN
        IF NEW.invoice_id <> OLD.invoice_id THEN
            SELECT status INTO invoice_status FROM billing_invoice WHERE id = NEW.invoice_id;
            IF invoice_status <> 'draft' THEN
                RAISE EXCEPTION 'the lines of an issued invoice cannot change; credit it'
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_invoice_integrity")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

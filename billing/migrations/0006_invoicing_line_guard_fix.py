"""The line guard of issued invoices also guards the time lines bill: PL/pgSQL does not stop
evaluating an ``AND`` at its first false operand, so the check for a line moved to another
invoice read ``NEW.invoice_id`` on ``billing_invoicelinetime`` (which has no such column) and
failed every insert of billed time. The check now sits inside its own ``IF``.
"""

import importlib

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION billing_invoice_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    invoice_id bigint;
    invoice_status text;
BEGIN
    IF TG_TABLE_NAME = 'billing_invoicelinetime' THEN
        SELECT l.invoice_id INTO invoice_id FROM billing_invoiceline l
         WHERE l.id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.line_id ELSE NEW.line_id END);
    ELSE
        invoice_id := CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
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


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("billing.migrations.0004_invoice_integrity")
        schema_editor.execute(previous.FUNCTIONS, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_invoicing_credited_line")]

    operations = [migrations.RunPython(install, restore, elidable=False)]

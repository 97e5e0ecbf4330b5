"""Issued invoices and credit notes are immutable, enforced by PostgreSQL itself.

Once an invoice leaves draft, only its status, the amounts paid and credited, the time it was
sent and its rendered document may change; it is never deleted, and its lines (and the time they
bill) are never added, changed or removed. Whole-database loads (``billing_loading()``, see the
ledger integrity migration) may insert issued history and delete a whole practice.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION billing_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mutable text[] := ARRAY['status', 'amount_paid', 'amount_credited', 'sent_at', 'document_id'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' AND NOT billing_loading() THEN
            RAISE EXCEPTION 'invoice % is issued and cannot be deleted; credit it', OLD.number
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION 'invoice % is issued and cannot be changed; credit it', OLD.number
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status <> 'draft' AND NEW.status = 'draft' THEN
        RAISE EXCEPTION 'invoice % is issued and cannot become a draft again', OLD.number
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

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

TRIGGERS = r"""
CREATE TRIGGER billing_invoice_guard BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_guard();
CREATE TRIGGER billing_invoice_line_guard BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_line_guard();
CREATE TRIGGER billing_invoice_line_time_guard BEFORE INSERT OR UPDATE OR DELETE
    ON billing_invoicelinetime FOR EACH ROW EXECUTE FUNCTION billing_invoice_line_guard();
"""

DROP = r"""
DROP TRIGGER IF EXISTS billing_invoice_line_time_guard ON billing_invoicelinetime;
DROP TRIGGER IF EXISTS billing_invoice_line_guard ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoice_guard ON billing_invoice;
DROP FUNCTION IF EXISTS billing_invoice_line_guard();
DROP FUNCTION IF EXISTS billing_invoice_guard();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)
        schema_editor.execute(TRIGGERS, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_invoicing")]

    operations = [migrations.RunPython(install, remove, elidable=False)]

"""The ledger's rules, enforced by PostgreSQL itself (no code path, ORM or raw SQL, escapes them).

Checked at once, row by row:
- a posted entry and its lines are never updated or deleted (corrections are reversals);
- nothing is posted on or before the book's lock date;
- a line's account, matter and entry belong to the line's book and practice, and a line on a
  trust account names a matter;
- lines are not added to an entry already posted.
Checked at commit (deferred constraint triggers, so the services may write in any order):
- a posted entry has at least two lines, all posted, dated and booked like the entry, and its
  debits equal its credits; a draft has no posted line;
- no trust matter's ledger (its lines on trust liability accounts) is below zero at the end of
  any day.
(A line has exactly one of debit or credit above zero, neither negative: check constraints.)

Whole-database loads (``pg_restore`` creates triggers after the data; ``practice_import`` runs
as the tables' owner with ``app.bypass_rls`` on) may insert posted history and delete a practice:
only the table owner can, and only under that switch; the app's own role never can.
SQLite has no such triggers: the posting services check the same rules there.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION billing_loading() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('app.bypass_rls', true), '') = 'on'
       AND pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = 'billing_journalentry'::regclass),
                       'MEMBER')
$$;

CREATE OR REPLACE FUNCTION billing_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    locked date;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'posted' AND NOT billing_loading() THEN
            RAISE EXCEPTION 'journal entry % is posted and cannot be deleted; reverse it', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = 'posted' THEN
        RAISE EXCEPTION 'journal entry % is posted and cannot be changed; reverse it', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'posted' AND NOT (TG_OP = 'INSERT' AND billing_loading()) THEN
        SELECT lock_date INTO locked FROM billing_book
            WHERE id = NEW.book_id AND practice_id = NEW.practice_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'journal entry % names a book of another practice', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        IF locked IS NOT NULL AND NEW.date <= locked THEN
            RAISE EXCEPTION 'the book is locked up to %: nothing can be posted on %', locked, NEW.date
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION billing_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry_status text;
    trust boolean;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.posted THEN
        IF TG_OP = 'DELETE' AND billing_loading() THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'journal line % is posted and cannot be changed; reverse its entry', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    SELECT status INTO entry_status FROM billing_journalentry
        WHERE id = NEW.entry_id AND practice_id = NEW.practice_id AND book_id = NEW.book_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'journal line names an entry of another book or practice'
            USING ERRCODE = 'check_violation';
    END IF;
    IF entry_status = 'posted' AND NOT billing_loading() THEN
        RAISE EXCEPTION 'journal entry % is posted: lines cannot be added to it', NEW.entry_id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT is_trust INTO trust FROM billing_account
        WHERE id = NEW.account_id AND practice_id = NEW.practice_id AND book_id = NEW.book_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'journal line names an account of another book or practice'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.matter_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM billing_trustmatter
        WHERE id = NEW.matter_id AND practice_id = NEW.practice_id AND book_id = NEW.book_id
    ) THEN
        RAISE EXCEPTION 'journal line names a matter of another book or practice'
            USING ERRCODE = 'check_violation';
    END IF;
    IF trust AND NEW.matter_id IS NULL THEN
        RAISE EXCEPTION 'a line on a trust account must name its matter'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION billing_check_entry(entry bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    e record;
    totals record;
BEGIN
    SELECT id, status, date, book_id, practice_id INTO e FROM billing_journalentry WHERE id = entry;
    IF NOT FOUND THEN
        RETURN;  -- deleted (a draft, or a whole practice) in this transaction
    END IF;
    SELECT count(*) AS lines,
           coalesce(sum(debit), 0) AS debits,
           coalesce(sum(credit), 0) AS credits,
           count(*) FILTER (WHERE posted) AS posted_lines,
           count(*) FILTER (WHERE date <> e.date OR book_id <> e.book_id
                                  OR practice_id <> e.practice_id) AS stray
      INTO totals FROM billing_journalline WHERE entry_id = entry;
    IF e.status = 'posted' THEN
        IF totals.lines < 2 OR totals.debits <> totals.credits THEN
            RAISE EXCEPTION 'journal entry % does not balance: debits % and credits % over % lines',
                entry, totals.debits, totals.credits, totals.lines
                USING ERRCODE = 'check_violation';
        END IF;
        IF totals.posted_lines <> totals.lines OR totals.stray > 0 THEN
            RAISE EXCEPTION 'journal entry % has lines that do not match it', entry
                USING ERRCODE = 'check_violation';
        END IF;
    ELSIF totals.posted_lines > 0 THEN
        RAISE EXCEPTION 'draft journal entry % has posted lines', entry
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION billing_check_matter(matter bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    lowest numeric;
BEGIN
    SELECT min(balance) INTO lowest FROM (
        SELECT sum(sum(l.credit - l.debit)) OVER (ORDER BY l.date) AS balance
          FROM billing_journalline l
          JOIN billing_account a ON a.id = l.account_id
         WHERE l.matter_id = matter AND l.posted AND a.is_trust AND a.type = 'liability'
         GROUP BY l.date
    ) AS days;
    IF lowest < 0 THEN
        RAISE EXCEPTION 'trust matter % would go below zero (%)', matter, lowest
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION billing_entry_deferred() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM billing_check_entry(NEW.id);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION billing_line_deferred() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM billing_check_entry(OLD.entry_id);
        IF OLD.matter_id IS NOT NULL THEN
            PERFORM billing_check_matter(OLD.matter_id);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF TG_OP = 'INSERT' OR NEW.entry_id <> OLD.entry_id THEN
            PERFORM billing_check_entry(NEW.entry_id);
        END IF;
        IF NEW.matter_id IS NOT NULL THEN
            PERFORM billing_check_matter(NEW.matter_id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
"""

TRIGGERS = r"""
CREATE TRIGGER billing_entry_guard BEFORE INSERT OR UPDATE OR DELETE ON billing_journalentry
    FOR EACH ROW EXECUTE FUNCTION billing_entry_guard();
CREATE TRIGGER billing_line_guard BEFORE INSERT OR UPDATE OR DELETE ON billing_journalline
    FOR EACH ROW EXECUTE FUNCTION billing_line_guard();
CREATE CONSTRAINT TRIGGER billing_entry_balanced AFTER INSERT OR UPDATE ON billing_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION billing_entry_deferred();
CREATE CONSTRAINT TRIGGER billing_line_balanced AFTER INSERT OR UPDATE OR DELETE
    ON billing_journalline
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION billing_line_deferred();
"""

DROP = r"""
DROP TRIGGER IF EXISTS billing_line_balanced ON billing_journalline;
DROP TRIGGER IF EXISTS billing_entry_balanced ON billing_journalentry;
DROP TRIGGER IF EXISTS billing_line_guard ON billing_journalline;
DROP TRIGGER IF EXISTS billing_entry_guard ON billing_journalentry;
DROP FUNCTION IF EXISTS billing_line_deferred();
DROP FUNCTION IF EXISTS billing_entry_deferred();
DROP FUNCTION IF EXISTS billing_check_matter(bigint);
DROP FUNCTION IF EXISTS billing_check_entry(bigint);
DROP FUNCTION IF EXISTS billing_line_guard();
DROP FUNCTION IF EXISTS billing_entry_guard();
DROP FUNCTION IF EXISTS billing_loading();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)
        schema_editor.execute(TRIGGERS, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]

"""A signed journal entry is an official document (allmän handling): the database refuses to
change it, or the members it concerns, whatever code or SQL tries. Corrections are new signed
addenda. Only the retention run (which sets familjelotsen.retention = 'on' for its
transaction) may delete signed entries, once the retention period has passed."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION cases_journal_signed_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.signed_at IS NULL THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' AND current_setting('familjelotsen.retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'journal entry % is signed and cannot be changed', OLD.id
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER journal_signed_immutable
  BEFORE UPDATE OR DELETE ON cases_journalentry
  FOR EACH ROW EXECUTE FUNCTION cases_journal_signed_guard();

CREATE FUNCTION cases_journal_links_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  entry_id bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN entry_id := OLD.journalentry_id; ELSE entry_id := NEW.journalentry_id; END IF;
  IF EXISTS (SELECT 1 FROM cases_journalentry WHERE id = entry_id AND signed_at IS NOT NULL)
     AND coalesce(current_setting('familjelotsen.retention', true), '') <> 'on' THEN
    RAISE EXCEPTION 'journal entry % is signed: the members it concerns cannot change', entry_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER journal_concerns_immutable
  BEFORE INSERT OR UPDATE OR DELETE ON cases_journalentry_concerns
  FOR EACH ROW EXECUTE FUNCTION cases_journal_links_guard();
CREATE TRIGGER journal_participants_immutable
  BEFORE INSERT OR UPDATE OR DELETE ON cases_journalentry_participants
  FOR EACH ROW EXECUTE FUNCTION cases_journal_links_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS journal_participants_immutable ON cases_journalentry_participants;
DROP TRIGGER IF EXISTS journal_concerns_immutable ON cases_journalentry_concerns;
DROP FUNCTION IF EXISTS cases_journal_links_guard();
DROP TRIGGER IF EXISTS journal_signed_immutable ON cases_journalentry;
DROP FUNCTION IF EXISTS cases_journal_signed_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]

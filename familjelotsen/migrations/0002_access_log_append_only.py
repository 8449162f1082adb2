"""The access log is append-only at the database: no UPDATE ever, and no DELETE of a row
younger than five years (HSLF-FS 2016:40 4 kap. 9 §), whatever code or SQL tries it."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION familjelotsen_accesslog_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'the access log is append-only: UPDATE refused'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.at > now() - interval '5 years' THEN
    RAISE EXCEPTION 'access log rows are kept for five years: DELETE refused'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END;
$$;
CREATE TRIGGER accesslog_append_only
  BEFORE UPDATE OR DELETE ON familjelotsen_accesslogentry
  FOR EACH ROW EXECUTE FUNCTION familjelotsen_accesslog_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS accesslog_append_only ON familjelotsen_accesslogentry;
DROP FUNCTION IF EXISTS familjelotsen_accesslog_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("familjelotsen", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]

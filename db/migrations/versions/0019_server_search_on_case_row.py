"""On a server: the search document on the case row, and the resident order's index.

PostgreSQL only; on SQLite this revision changes nothing (FTS5 gives the matching keys
from its index alone, and the deadline index holds each case's key, so a search page reads
no case row it does not show; the resident order is already quick there).

Why, on PostgreSQL: a GIN index gives the places of the matching rows, not their keys, so a
search on ``case_search`` read every matching entry (tsvector and all) from that table and
then joined it to the cases (about 24,000 entries for a common surname at a million
cases). Now each case row carries its entry's ``doc`` as ``search_doc``, indexed twice with
GIN: over every case, and over the cases with a deadline only (``next_due IS NOT NULL``).
The first page of a search, in deadline order, then comes from the second index: the
matching cases that have a deadline (a few hundred), sorted, and no second table.

``case_search`` stays as it is (what ``db.search`` writes, and what a store file keeps);
triggers copy each entry's ``doc`` to its case row, whichever of the two is written first,
so every writer (the services, imports, ``copy-store``, sync) keeps ``search_doc`` right
without code. The GIN index on ``case_search`` is dropped (nothing searches it now).

The existing cases get their documents by rewriting the table once (``ALTER COLUMN ...
TYPE ... USING``), which leaves it and its indexes compact (an ``UPDATE`` of every row would
leave a dead copy of each row and index entry until a ``VACUUM FULL``).

Also: the case list sorted by resident reads ``ORDER BY resident_name, reference``; an index
on both columns gives a page from its first hundred entries (on the name alone, the ties
were sorted after reading every row with those names). It replaces ``ix_cases_resident``
on the server.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Frozen here (a migration never changes with the code after it). The entry's key from the
# case's id is db.search.search_rowid (migration 0006's search_key).
_KEY = "('x' || substr({id}, 1, 15))::bit(60)::bigint"

_FRESH_PLANS = "SET plan_cache_mode = force_custom_plan"

_UPGRADE = (
    "ALTER TABLE cases ADD COLUMN search_doc tsvector",
    # The existing entries' documents, by one rewrite of the table (see above).
    "CREATE FUNCTION cw_search_doc_of(text) RETURNS tsvector LANGUAGE sql STABLE AS "
    f"$$ SELECT doc FROM public.case_search WHERE rowid = {_KEY.format(id='$1')} $$",
    "ALTER TABLE cases ALTER COLUMN search_doc TYPE tsvector USING cw_search_doc_of(id)",
    "DROP FUNCTION cw_search_doc_of(text)",
    # An entry written after its case: its document goes to the case row. Each trigger's
    # lookup is planned afresh (force_custom_plan): a plan kept from when the table was
    # empty (a new store's first import) would scan the table for every row.
    "CREATE FUNCTION cw_case_search_to_case() RETURNS trigger LANGUAGE plpgsql "
    f"{_FRESH_PLANS} AS $$ BEGIN "
    "IF TG_OP = 'DELETE' THEN "
    "UPDATE public.cases SET search_doc = NULL WHERE id = OLD.case_id "
    "AND search_doc IS NOT NULL; RETURN OLD; END IF; "
    "UPDATE public.cases SET search_doc = NEW.doc WHERE id = NEW.case_id "
    "AND search_doc IS DISTINCT FROM NEW.doc; RETURN NEW; END $$",
    "CREATE TRIGGER tr_case_search_to_case AFTER INSERT OR UPDATE OR DELETE ON case_search "
    "FOR EACH ROW EXECUTE FUNCTION cw_case_search_to_case()",
    # A case written after its entry (an ORM flush comes after the entry's SQL): it takes it.
    "CREATE FUNCTION cw_case_takes_search_doc() RETURNS trigger LANGUAGE plpgsql "
    f"{_FRESH_PLANS} AS $$ BEGIN "
    "NEW.search_doc := (SELECT s.doc FROM public.case_search s "
    f"WHERE s.rowid = {_KEY.format(id='NEW.id')}); RETURN NEW; END $$",
    "CREATE TRIGGER tr_case_takes_search_doc BEFORE INSERT ON cases "
    "FOR EACH ROW EXECUTE FUNCTION cw_case_takes_search_doc()",
    "CREATE INDEX ix_cases_search_doc ON cases USING gin (search_doc)",
    "CREATE INDEX ix_cases_search_doc_due ON cases USING gin (search_doc) "
    "WHERE next_due IS NOT NULL",
    "DROP INDEX ix_case_search_doc",
    "CREATE INDEX ix_cases_resident_reference ON cases (resident_name, reference)",
    "DROP INDEX ix_cases_resident",
    # The planner's statistics of the new column (which words are common), now rather than
    # whenever autovacuum next analyses the table (a rewrite does not prompt it).
    "ANALYZE cases",
)

_DOWNGRADE = (
    "CREATE INDEX ix_cases_resident ON cases (resident_name)",
    "DROP INDEX ix_cases_resident_reference",
    "CREATE INDEX ix_case_search_doc ON case_search USING gin (doc)",
    "DROP TRIGGER tr_case_takes_search_doc ON cases",
    "DROP FUNCTION cw_case_takes_search_doc()",
    "DROP TRIGGER tr_case_search_to_case ON case_search",
    "DROP FUNCTION cw_case_search_to_case()",
    "ALTER TABLE cases DROP COLUMN search_doc",  # its indexes go with it
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sql in _UPGRADE:
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sql in _DOWNGRADE:
        op.execute(sql)

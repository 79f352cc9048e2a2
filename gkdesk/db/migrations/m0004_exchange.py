"""Schema version 4: keys, trusted units, and the bookkeeping of USB exchange packages."""

VERSION = 4
TITLE = "数据交换"

# Rows that travel in packages; each gets the version it last travelled (or arrived) at.
SYNCED_TABLES = (
    "org_unit",
    "catalog",
    "catalog_item",
    "catalog_assignment",
    "subsidy_program",
    "roster",
    "roster_entry",
    "posting",
    "posting_attachment",
    "posting_objection",
    "calendar_override",
    "calendar_year",
)

STATEMENTS = [
    # This installation's own private keys (one row). Kept in the database so that a backup
    # restores the identity the county has registered.
    """CREATE TABLE installation_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        sign_private TEXT NOT NULL,
        seal_private TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    # Other units' public keys, registered after comparing fingerprints.
    """CREATE TABLE trusted_key (
        id INTEGER PRIMARY KEY,
        unit_code TEXT NOT NULL UNIQUE,
        unit_name TEXT NOT NULL,
        sign_public TEXT NOT NULL,
        seal_public TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        relation TEXT NOT NULL CHECK (relation IN ('parent', 'child')),
        added_at TEXT NOT NULL
    )""",
    # Records that could not be applied yet (their roster or posting has not arrived).
    """CREATE TABLE sync_held (
        id INTEGER PRIMARY KEY,
        package_uuid TEXT NOT NULL,
        origin TEXT NOT NULL,
        table_name TEXT NOT NULL,
        record_uuid TEXT NOT NULL,
        record TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (table_name, record_uuid)
    )""",
    # A record changed on both sides: kept for a person to decide.
    """CREATE TABLE sync_conflict (
        id INTEGER PRIMARY KEY,
        package_uuid TEXT NOT NULL,
        origin TEXT NOT NULL,
        table_name TEXT NOT NULL,
        record_uuid TEXT NOT NULL,
        local TEXT NOT NULL,
        incoming TEXT NOT NULL,
        created_at TEXT NOT NULL,
        resolution TEXT,
        resolved_at TEXT
    )""",
    "CREATE INDEX sync_conflict_open ON sync_conflict (resolution, origin)",
    # What the county asks a township to correct, and what receipts reported back.
    """CREATE TABLE sync_feedback (
        id INTEGER PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
        unit_code TEXT NOT NULL,
        package_uuid TEXT NOT NULL DEFAULT '',
        table_name TEXT NOT NULL,
        record_uuid TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'held', 'rejected', 'return')),
        comment TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        sent_in TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX sync_feedback_unit ON sync_feedback (direction, unit_code, sent_in)",
    "CREATE INDEX sync_package_from ON sync_package (direction, from_code, seq)",
]
for _table in SYNCED_TABLES:
    STATEMENTS.append(f"ALTER TABLE {_table} ADD COLUMN sent_version INTEGER NOT NULL DEFAULT 0")
    # Only rows changed since they last travelled are in this index, so finding them is cheap.
    STATEMENTS.append(f"CREATE INDEX {_table}_unsent ON {_table} (id) WHERE version > sent_version")


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)

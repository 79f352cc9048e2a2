"""Schema version 1: units, directories, postings, subsidy rosters, accounts, audit, sync."""

VERSION = 1
TITLE = "初始数据结构"

# Columns every row that travels in exchange packages carries.
SYNC_COLUMNS = """
    uuid TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    updated_at TEXT NOT NULL"""

STATEMENTS = [
    """CREATE TABLE app_setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE schema_history (
        version INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        program_version TEXT NOT NULL
    )""",
    f"""CREATE TABLE org_unit (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        code TEXT NOT NULL UNIQUE CHECK (length(code) = 12),
        name TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('county', 'township', 'village', 'community')),
        parent_id INTEGER REFERENCES org_unit (id),
        position INTEGER NOT NULL DEFAULT 0,
        closed_on TEXT
    )""",
    "CREATE INDEX org_unit_parent ON org_unit (parent_id)",
    f"""CREATE TABLE catalog (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('standard', 'village')),
        edition TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL CHECK (source IN ('builtin', 'county', 'local')),
        owner_unit_id INTEGER REFERENCES org_unit (id),
        issued_on TEXT,
        description TEXT NOT NULL DEFAULT ''
    )""",
    f"""CREATE TABLE catalog_item (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        catalog_id INTEGER NOT NULL REFERENCES catalog (id),
        parent_id INTEGER REFERENCES catalog_item (id),
        position INTEGER NOT NULL DEFAULT 0,
        number TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        area TEXT NOT NULL DEFAULT '',
        content TEXT NOT NULL DEFAULT '',
        basis TEXT NOT NULL DEFAULT '',
        time_limit TEXT NOT NULL DEFAULT '',
        cadence TEXT CHECK (cadence IN
            ('once', 'on_event', 'monthly', 'quarterly', 'yearly', 'long_term', 'anytime')),
        cadence_days INTEGER,
        subject TEXT NOT NULL DEFAULT '',
        channels TEXT NOT NULL DEFAULT '[]',
        audience TEXT NOT NULL DEFAULT '',
        method TEXT NOT NULL DEFAULT '',
        tiers TEXT NOT NULL DEFAULT '[]',
        extra TEXT NOT NULL DEFAULT '{{}}'
    )""",
    "CREATE INDEX catalog_item_catalog ON catalog_item (catalog_id, parent_id, position)",
    f"""CREATE TABLE catalog_assignment (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        catalog_id INTEGER NOT NULL REFERENCES catalog (id),
        item_id INTEGER REFERENCES catalog_item (id),
        unit_level TEXT CHECK (unit_level IN ('county', 'township', 'village', 'community')),
        unit_id INTEGER REFERENCES org_unit (id),
        since TEXT
    )""",
    """CREATE TABLE user_account (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'clerk', 'viewer')),
        unit_id INTEGER REFERENCES org_unit (id),
        password_hash TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    )""",
    f"""CREATE TABLE subsidy_program (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        name TEXT NOT NULL,
        category TEXT NOT NULL DEFAULT '',
        basis_doc TEXT NOT NULL DEFAULT '',
        unit_label TEXT NOT NULL DEFAULT '',
        standard_e4 INTEGER,
        notice_rule TEXT NOT NULL DEFAULT 'calendar' CHECK (notice_rule IN ('calendar', 'workdays')),
        notice_days INTEGER NOT NULL DEFAULT 7,
        masking TEXT NOT NULL DEFAULT '{{}}',
        column_map TEXT NOT NULL DEFAULT '{{}}',
        source TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('builtin', 'county', 'local'))
    )""",
    f"""CREATE TABLE roster (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        program_id INTEGER NOT NULL REFERENCES subsidy_program (id),
        unit_id INTEGER NOT NULL REFERENCES org_unit (id),
        period TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
        source_file TEXT NOT NULL DEFAULT '',
        source_sha256 TEXT NOT NULL DEFAULT '',
        imported_at TEXT,
        entry_count INTEGER NOT NULL DEFAULT 0,
        total_quantity_e4 INTEGER NOT NULL DEFAULT 0,
        total_amount_fen INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE UNIQUE INDEX roster_one_per_period
        ON roster (program_id, unit_id, period) WHERE deleted = 0""",
    f"""CREATE TABLE roster_entry (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        roster_id INTEGER NOT NULL REFERENCES roster (id),
        seq INTEGER NOT NULL,
        source_row INTEGER,
        name TEXT NOT NULL,
        id_number TEXT NOT NULL DEFAULT '',
        household_size INTEGER,
        quantity_e4 INTEGER,
        standard_e4 INTEGER,
        amount_fen INTEGER NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        bank TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        village_group TEXT NOT NULL DEFAULT '',
        remarks TEXT NOT NULL DEFAULT '',
        extra TEXT NOT NULL DEFAULT '{{}}'
    )""",
    "CREATE INDEX roster_entry_roster ON roster_entry (roster_id, seq)",
    "CREATE INDEX roster_entry_id_number ON roster_entry (id_number)",
    f"""CREATE TABLE posting (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        unit_id INTEGER NOT NULL REFERENCES org_unit (id),
        item_id INTEGER REFERENCES catalog_item (id),
        roster_id INTEGER REFERENCES roster (id),
        kind TEXT NOT NULL CHECK (kind IN ('text', 'roster', 'zero')),
        period_label TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        channels TEXT NOT NULL DEFAULT '[]',
        board_location TEXT NOT NULL DEFAULT '',
        notice_start TEXT,
        notice_end TEXT,
        notice_rule TEXT CHECK (notice_rule IN ('calendar', 'workdays', 'long_term')),
        notice_days INTEGER,
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
            ('draft', 'pending_review', 'reviewed', 'posted', 'period_ended', 'archived',
             'withdrawn')),
        withdraw_reason TEXT NOT NULL DEFAULT '',
        disclosure_attr TEXT CHECK (disclosure_attr IN ('active', 'on_request', 'not_public')),
        not_public_reason TEXT NOT NULL DEFAULT '',
        secrecy_checked INTEGER NOT NULL DEFAULT 0,
        author_id INTEGER REFERENCES user_account (id),
        reviewer_id INTEGER REFERENCES user_account (id),
        reviewed_at TEXT,
        created_at TEXT NOT NULL,
        posted_at TEXT,
        archived_at TEXT
    )""",
    "CREATE INDEX posting_unit_item ON posting (unit_id, item_id, period_label)",
    "CREATE INDEX posting_status ON posting (status)",
    f"""CREATE TABLE posting_attachment (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        posting_id INTEGER NOT NULL REFERENCES posting (id),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        file_name TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL
    )""",
    "CREATE INDEX posting_attachment_posting ON posting_attachment (posting_id)",
    f"""CREATE TABLE posting_objection (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        posting_id INTEGER NOT NULL REFERENCES posting (id),
        raised_by TEXT NOT NULL,
        received_on TEXT NOT NULL,
        content TEXT NOT NULL,
        handling TEXT NOT NULL DEFAULT '',
        handled_by TEXT NOT NULL DEFAULT '',
        handled_on TEXT,
        closed INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX posting_objection_posting ON posting_objection (posting_id)",
    f"""CREATE TABLE calendar_override (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        day TEXT NOT NULL UNIQUE,
        is_workday INTEGER NOT NULL CHECK (is_workday IN (0, 1)),
        name TEXT NOT NULL
    )""",
    f"""CREATE TABLE calendar_year (
        id INTEGER PRIMARY KEY,{SYNC_COLUMNS},
        year INTEGER NOT NULL UNIQUE,
        note TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE audit_event (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL DEFAULT '',
        entity_uuid TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    # The audit trail is append-only: the program itself cannot rewrite history.
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TABLE sync_package (
        id INTEGER PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
        package_uuid TEXT NOT NULL UNIQUE,
        from_code TEXT NOT NULL,
        to_code TEXT NOT NULL,
        seq INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        prev_sha256 TEXT NOT NULL DEFAULT '',
        file_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        applied_at TEXT,
        status TEXT NOT NULL,
        counts TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX sync_package_peer ON sync_package (direction, from_code, seq)",
    """CREATE TABLE sync_watermark (
        id INTEGER PRIMARY KEY,
        origin TEXT NOT NULL UNIQUE,
        last_seq INTEGER NOT NULL DEFAULT 0,
        last_sha256 TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    )""",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)

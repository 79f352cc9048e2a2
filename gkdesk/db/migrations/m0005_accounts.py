"""Schema version 5: signing in (forced password change, last sign-in) and the audit trail's indexes."""

VERSION = 5
TITLE = "账号与操作记录"

STATEMENTS = [
    # Set by an administrator's reset and for accounts that never had a password: the
    # person chooses their own password at the next sign-in.
    "ALTER TABLE user_account ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0"
    " CHECK (must_change IN (0, 1))",
    "ALTER TABLE user_account ADD COLUMN last_login_at TEXT",
    "UPDATE user_account SET must_change = 1 WHERE password_hash = ''",
    "CREATE INDEX audit_event_at ON audit_event (at)",
    "CREATE INDEX audit_event_action ON audit_event (action, id)",
    "CREATE INDEX audit_event_username ON audit_event (username, id)",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)

"""Schema version 3: posting deadlines and notes, and full-text search over postings."""

VERSION = 3
TITLE = "公示公告检索"

STATEMENTS = [
    # The date by which the posting is due (from its item's cadence and period), so overdue
    # work is one indexed comparison instead of a recomputation per row.
    "ALTER TABLE posting ADD COLUMN due_on TEXT",
    # Why a posting went on the board without a photo of the sheet (e.g. 电子屏, 相机故障).
    "ALTER TABLE posting ADD COLUMN posted_note TEXT NOT NULL DEFAULT ''",
    # The reviewer's comment: why it was sent back, or remarks on approval.
    "ALTER TABLE posting ADD COLUMN review_comment TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX posting_due ON posting (status, due_on)",
    "CREATE INDEX posting_notice_end ON posting (status, notice_end)",
    "CREATE INDEX posting_objection_open ON posting_objection (closed, posting_id)",
    # Trigram tokens make any Chinese substring of three or more characters searchable;
    # the index shares the posting table's text (external content) instead of copying it.
    """CREATE VIRTUAL TABLE posting_fts USING fts5(
        title, body, content='posting', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER posting_fts_insert AFTER INSERT ON posting BEGIN
        INSERT INTO posting_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER posting_fts_delete AFTER DELETE ON posting BEGIN
        INSERT INTO posting_fts (posting_fts, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER posting_fts_update AFTER UPDATE OF title, body ON posting BEGIN
        INSERT INTO posting_fts (posting_fts, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO posting_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "INSERT INTO posting_fts (posting_fts) VALUES ('rebuild')",
    # Two-character words ("低保", "补贴") are shorter than a trigram: they are found through
    # the index's own term list (every trigram that starts with the word) plus the last two
    # characters of each title and body, the one place no such trigram exists.
    "CREATE VIRTUAL TABLE posting_fts_terms USING fts5vocab(posting_fts, 'row')",
    "CREATE INDEX posting_title_tail ON posting (lower(substr(title, -2)))",
    "CREATE INDEX posting_body_tail ON posting (lower(substr(body, -2)))",
    # Newest first: lists and one-character searches stop after the rows they show.
    "CREATE INDEX posting_created ON posting (created_at, id)",
    # What the 工作台账 reads for every cell, without touching the table.
    """CREATE INDEX posting_ledger ON posting (status, item_id, unit_id, period_label, kind)
        WHERE deleted = 0""",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)

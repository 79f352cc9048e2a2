"""Schema version 2: built-in programme codes and rules; village-group lookups on entries."""

VERSION = 2
TITLE = "补贴项目规则"

STATEMENTS = [
    "ALTER TABLE subsidy_program ADD COLUMN code TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE subsidy_program ADD COLUMN rules TEXT NOT NULL DEFAULT '{}'",
    "CREATE INDEX subsidy_program_code ON subsidy_program (code)",
    "CREATE INDEX roster_entry_group ON roster_entry (roster_id, village_group)",
    "CREATE INDEX roster_program_period ON roster (program_id, period)",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)

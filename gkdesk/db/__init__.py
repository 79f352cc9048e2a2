"""Storage: peewee models over one SQLite file, its pragmas, migrations and backups."""

"""Numbered schema migrations, applied in order; each is frozen once released.

A migration never imports the models: models describe today's schema, a migration describes
one step between two past schemas. Add a new module and list it in ``MIGRATIONS``.
"""

from gkdesk.db.migrations import (
    m0001_initial,
    m0002_programs,
    m0003_postings,
    m0004_exchange,
    m0005_accounts,
)

MIGRATIONS = [m0001_initial, m0002_programs, m0003_postings, m0004_exchange, m0005_accounts]

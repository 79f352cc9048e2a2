"""Exchange packages: pack, verify, sign, seal and unpack (no database access)."""

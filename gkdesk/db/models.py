"""peewee models of today's schema (see migrations/ for how it came to be)."""

from __future__ import annotations

import uuid
from datetime import datetime

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from gkdesk.db.database import db
from gkdesk.db.fields import ScaledDecimalField


def new_uuid() -> str:
    return uuid.uuid4().hex


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


class BaseRow(Model):
    class Meta:
        database = db
        legacy_table_names = False


class SyncedRow(BaseRow):
    """A row that travels in exchange packages: identity, origin and version travel with it."""

    # The version this row last left in (or arrived in) a package; smaller than ``version``
    # means changed since.
    sent_version = IntegerField(default=0)
    uuid = CharField(unique=True, default=new_uuid)
    origin = CharField()  # 区划代码 of the unit whose installation created the row
    version = IntegerField(default=1)
    deleted = BooleanField(default=False)
    updated_at = DateTimeField(default=now)


class AppSettingRow(BaseRow):
    key = CharField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "app_setting"


class SchemaHistoryRow(BaseRow):
    version = IntegerField(primary_key=True)
    title = TextField()
    applied_at = TextField()
    program_version = TextField()

    class Meta:
        table_name = "schema_history"


class OrgUnitRow(SyncedRow):
    code = CharField(unique=True)
    name = TextField()
    level = CharField()
    parent = ForeignKeyField("self", null=True, backref="children", column_name="parent_id")
    position = IntegerField(default=0)
    closed_on = DateField(null=True)

    class Meta:
        table_name = "org_unit"


class CatalogRow(SyncedRow):
    name = TextField()
    kind = CharField()
    edition = TextField(default="")
    source = CharField()
    owner_unit = ForeignKeyField(OrgUnitRow, null=True, column_name="owner_unit_id")
    issued_on = DateField(null=True)
    description = TextField(default="")

    class Meta:
        table_name = "catalog"


class CatalogItemRow(SyncedRow):
    catalog = ForeignKeyField(CatalogRow, backref="items", column_name="catalog_id")
    parent = ForeignKeyField("self", null=True, backref="children", column_name="parent_id")
    position = IntegerField(default=0)
    number = TextField(default="")
    title = TextField()
    area = TextField(default="")
    content = TextField(default="")
    basis = TextField(default="")
    time_limit = TextField(default="")
    cadence = CharField(null=True)
    cadence_days = IntegerField(null=True)
    subject = TextField(default="")
    channels = TextField(default="[]")
    audience = TextField(default="")
    method = TextField(default="")
    tiers = TextField(default="[]")
    extra = TextField(default="{}")

    class Meta:
        table_name = "catalog_item"


class CatalogAssignmentRow(SyncedRow):
    catalog = ForeignKeyField(CatalogRow, column_name="catalog_id")
    item = ForeignKeyField(CatalogItemRow, null=True, column_name="item_id")
    unit_level = CharField(null=True)
    unit = ForeignKeyField(OrgUnitRow, null=True, column_name="unit_id")
    since = DateField(null=True)

    class Meta:
        table_name = "catalog_assignment"


class UserAccountRow(BaseRow):
    username = CharField(unique=True)
    display_name = TextField()
    role = CharField()
    unit = ForeignKeyField(OrgUnitRow, null=True, column_name="unit_id")
    password_hash = TextField()
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)
    must_change = BooleanField(default=False)
    last_login_at = DateTimeField(null=True)

    class Meta:
        table_name = "user_account"


class SubsidyProgramRow(SyncedRow):
    code = CharField(default="")  # the built-in programme it came from ("" for local ones)
    rules = TextField(default="{}")  # columns, required, amount rule (JSON)
    name = TextField()
    category = TextField(default="")
    basis_doc = TextField(default="")
    unit_label = TextField(default="")
    standard = ScaledDecimalField(4, null=True, column_name="standard_e4")
    notice_rule = CharField(default="calendar")
    notice_days = IntegerField(default=7)
    masking = TextField(default="{}")
    column_map = TextField(default="{}")
    source = CharField(default="local")

    class Meta:
        table_name = "subsidy_program"


class RosterRow(SyncedRow):
    program = ForeignKeyField(SubsidyProgramRow, backref="rosters", column_name="program_id")
    unit = ForeignKeyField(OrgUnitRow, backref="rosters", column_name="unit_id")
    period = TextField()
    status = CharField(default="draft")
    source_file = TextField(default="")
    source_sha256 = TextField(default="")
    imported_at = DateTimeField(null=True)
    entry_count = IntegerField(default=0)
    total_quantity = ScaledDecimalField(4, default=0, column_name="total_quantity_e4")
    total_amount_fen = IntegerField(default=0)

    class Meta:
        table_name = "roster"


class RosterEntryRow(SyncedRow):
    roster = ForeignKeyField(RosterRow, backref="entries", column_name="roster_id")
    seq = IntegerField()
    source_row = IntegerField(null=True)
    name = TextField()
    id_number = TextField(default="")
    household_size = IntegerField(null=True)
    quantity = ScaledDecimalField(4, null=True, column_name="quantity_e4")
    standard = ScaledDecimalField(4, null=True, column_name="standard_e4")
    amount_fen = IntegerField()
    account = TextField(default="")
    bank = TextField(default="")
    phone = TextField(default="")
    village_group = TextField(default="")
    remarks = TextField(default="")
    extra = TextField(default="{}")

    class Meta:
        table_name = "roster_entry"


class PostingRow(SyncedRow):
    unit = ForeignKeyField(OrgUnitRow, backref="postings", column_name="unit_id")
    item = ForeignKeyField(CatalogItemRow, null=True, backref="postings", column_name="item_id")
    roster = ForeignKeyField(RosterRow, null=True, backref="postings", column_name="roster_id")
    kind = CharField()
    period_label = TextField(default="")
    title = TextField()
    body = TextField(default="")
    channels = TextField(default="[]")
    board_location = TextField(default="")
    notice_start = DateField(null=True)
    notice_end = DateField(null=True)
    notice_rule = CharField(null=True)
    notice_days = IntegerField(null=True)
    status = CharField(default="draft")
    withdraw_reason = TextField(default="")
    disclosure_attr = CharField(null=True)
    not_public_reason = TextField(default="")
    secrecy_checked = BooleanField(default=False)
    author = ForeignKeyField(UserAccountRow, null=True, column_name="author_id")
    reviewer = ForeignKeyField(
        UserAccountRow, null=True, column_name="reviewer_id", backref="reviewed_postings"
    )
    reviewed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)
    posted_at = DateTimeField(null=True)
    archived_at = DateTimeField(null=True)
    due_on = DateField(null=True)
    posted_note = TextField(default="")
    review_comment = TextField(default="")

    class Meta:
        table_name = "posting"


class PostingAttachmentRow(SyncedRow):
    posting = ForeignKeyField(PostingRow, backref="attachments", column_name="posting_id")
    sha256 = CharField()
    file_name = TextField()
    mime = TextField()
    size = IntegerField()
    note = TextField(default="")
    added_at = DateTimeField(default=now)

    class Meta:
        table_name = "posting_attachment"


class PostingObjectionRow(SyncedRow):
    posting = ForeignKeyField(PostingRow, backref="objections", column_name="posting_id")
    raised_by = TextField()
    received_on = DateField()
    content = TextField()
    handling = TextField(default="")
    handled_by = TextField(default="")
    handled_on = DateField(null=True)
    closed = BooleanField(default=False)

    class Meta:
        table_name = "posting_objection"


class CalendarOverrideRow(SyncedRow):
    day = DateField(unique=True)
    is_workday = BooleanField()
    name = TextField()

    class Meta:
        table_name = "calendar_override"


class CalendarYearRow(SyncedRow):
    year = IntegerField(unique=True)
    note = TextField(default="")

    class Meta:
        table_name = "calendar_year"


class AuditEventRow(BaseRow):
    at = DateTimeField(default=now)
    username = TextField()
    action = TextField()
    entity = TextField(default="")
    entity_uuid = TextField(default="")
    summary = TextField(default="{}")
    prev_hash = TextField()
    hash = TextField()

    class Meta:
        table_name = "audit_event"


class SyncPackageRow(BaseRow):
    direction = CharField()
    package_uuid = CharField(unique=True)
    from_code = CharField()
    to_code = CharField()
    seq = IntegerField()
    sha256 = CharField()
    prev_sha256 = CharField(default="")
    file_name = TextField()
    created_at = DateTimeField(default=now)
    applied_at = DateTimeField(null=True)
    status = CharField()
    counts = TextField(default="{}")

    class Meta:
        table_name = "sync_package"


class SyncWatermarkRow(BaseRow):
    origin = CharField(unique=True)
    last_seq = IntegerField(default=0)
    last_sha256 = CharField(default="")
    updated_at = DateTimeField(default=now)

    class Meta:
        table_name = "sync_watermark"


class InstallationKeyRow(BaseRow):
    sign_private = TextField()
    seal_private = TextField()
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "installation_key"


class TrustedKeyRow(BaseRow):
    unit_code = CharField(unique=True)
    unit_name = TextField()
    sign_public = TextField()
    seal_public = TextField()
    fingerprint = TextField()
    relation = CharField()
    added_at = DateTimeField(default=now)

    class Meta:
        table_name = "trusted_key"


class SyncHeldRow(BaseRow):
    package_uuid = TextField()
    origin = TextField()
    table_name = TextField()
    record_uuid = TextField()
    record = TextField()
    reason = TextField()
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "sync_held"


class SyncConflictRow(BaseRow):
    package_uuid = TextField()
    origin = TextField()
    table_name = TextField()
    record_uuid = TextField()
    local = TextField()
    incoming = TextField()
    created_at = DateTimeField(default=now)
    resolution = TextField(null=True)
    resolved_at = DateTimeField(null=True)

    class Meta:
        table_name = "sync_conflict"


class SyncFeedbackRow(BaseRow):
    direction = CharField()
    unit_code = TextField()
    package_uuid = TextField(default="")
    table_name = TextField()
    record_uuid = TextField()
    title = TextField(default="")
    outcome = CharField()
    comment = TextField(default="")
    created_at = DateTimeField(default=now)
    sent_in = TextField(default="")

    class Meta:
        table_name = "sync_feedback"


ALL_MODELS: list[type[BaseRow]] = [
    AppSettingRow,
    SchemaHistoryRow,
    OrgUnitRow,
    CatalogRow,
    CatalogItemRow,
    CatalogAssignmentRow,
    UserAccountRow,
    SubsidyProgramRow,
    RosterRow,
    RosterEntryRow,
    PostingRow,
    PostingAttachmentRow,
    PostingObjectionRow,
    CalendarOverrideRow,
    CalendarYearRow,
    AuditEventRow,
    SyncPackageRow,
    SyncWatermarkRow,
    InstallationKeyRow,
    TrustedKeyRow,
    SyncHeldRow,
    SyncConflictRow,
    SyncFeedbackRow,
]

SYNCED_MODELS: list[type[SyncedRow]] = [m for m in ALL_MODELS if issubclass(m, SyncedRow)]

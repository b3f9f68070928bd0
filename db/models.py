"""The store's tables as typed SQLAlchemy 2 models."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.search import search_key_sql


class IdSource:
    """Where new keys come from during one replicated action (``ids_from``).

    On an offline replica the keys an action makes are recorded with its outbox intent; when
    the server replays the intent it is given the same keys in the same order, so the case,
    its people and notes have one key everywhere (the same service code makes them in the
    same order on both engines).
    """

    def __init__(self, replay: list[str] | None = None) -> None:
        self.replay = list(replay or [])
        self.made: list[str] = []

    def next(self) -> str:
        value = self.replay.pop(0) if self.replay else uuid.uuid4().hex
        self.made.append(value)
        return value


_ID_SOURCE: ContextVar[IdSource | None] = ContextVar("caseworker_id_source", default=None)


@contextmanager
def ids_from(source: IdSource) -> Iterator[IdSource]:
    """Take new keys from ``source`` (recording them, or replaying recorded ones) meanwhile."""
    token = _ID_SOURCE.set(source)
    try:
        yield source
    finally:
        _ID_SOURCE.reset(token)


def new_id() -> str:
    """A fresh UUID as 32 hex characters (records made on different PCs never collide)."""
    source = _ID_SOURCE.get()
    return source.next() if source is not None else uuid.uuid4().hex


class Base(DeclarativeBase):
    """Base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Setting(Base):
    """One named setting (organisation details, reference prefix, nation...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceArea(Base):
    __tablename__ = "service_areas"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_housing: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Theme(Base):
    __tablename__ = "themes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Staff(Base):
    """A handler or other member of staff named on cases."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_areas.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ClosureDay(Base):
    __tablename__ = "closure_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(200), default="")


class HomesCount(Base):
    """Number of homes owned from a date (for the Tenant Satisfaction Measures)."""

    __tablename__ = "homes_counts"
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    homes: Mapped[int] = mapped_column(Integer)


class ReferenceCounter(Base):
    __tablename__ = "reference_counters"
    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """A sign-in account. With none, the store runs as its local administrator."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    restricted_access: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class Person(Base):
    """A resident or representative; one person's cases can be found together."""

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    salutation: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(12), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="", index=True)
    tenure: Mapped[str | None] = mapped_column(String(20))
    preferred_contact: Mapped[str] = mapped_column(String(40), default="")
    preferred_format: Mapped[str] = mapped_column(String(40), default="")
    disabilities: Mapped[str] = mapped_column(Text, default="")
    adjustments: Mapped[str] = mapped_column(Text, default="")
    adjustments_review: Mapped[date | None] = mapped_column(Date)
    restriction: Mapped[str] = mapped_column(Text, default="")
    restriction_authorised_by: Mapped[str] = mapped_column(String(120), default="")
    restriction_review: Mapped[date | None] = mapped_column(Date)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)


class EqualityAnswers(Base):
    """Voluntary equality monitoring, kept apart from cases and never printed."""

    __tablename__ = "equality_answers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # The integer id it had before migration 0009; None after.
    legacy_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Case(Base):
    """A record of any kind: complaint, service request, compliment, comment, enquiry."""

    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    external_reference: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30))
    received: Mapped[date] = mapped_column(Date)
    issue_date: Mapped[date | None] = mapped_column(Date)
    aware_date: Mapped[date | None] = mapped_column(Date)
    time_limit_reason: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str | None] = mapped_column(String(30))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    primary_service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_areas.id"))
    policy_name: Mapped[str] = mapped_column(String(60))
    policy_version: Mapped[int] = mapped_column(Integer)
    ombudsman: Mapped[str] = mapped_column(String(30))
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    desired_outcome: Mapped[str] = mapped_column(Text, default="")
    # Complaint definition
    outcomes_sought: Mapped[str] = mapped_column(Text, default="")
    responsible_for: Mapped[str] = mapped_column(Text, default="")
    not_responsible_for: Mapped[str] = mapped_column(Text, default="")
    # Stage 1
    acknowledged: Mapped[date | None] = mapped_column(Date)
    stage1_handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    stage1_responded: Mapped[date | None] = mapped_column(Date)
    stage1_decision: Mapped[str | None] = mapped_column(String(20))
    stage1_reasons: Mapped[str] = mapped_column(Text, default="")
    # Stage 2
    escalated: Mapped[date | None] = mapped_column(Date)
    escalation_reason: Mapped[str] = mapped_column(Text, default="")
    stage2_acknowledged: Mapped[date | None] = mapped_column(Date)
    stage2_handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    stage2_responded: Mapped[date | None] = mapped_column(Date)
    stage2_decision: Mapped[str | None] = mapped_column(String(20))
    stage2_reasons: Mapped[str] = mapped_column(Text, default="")
    escalation_refused_on: Mapped[date | None] = mapped_column(Date)
    escalation_refusal_reason: Mapped[str] = mapped_column(Text, default="")
    update_interval_days: Mapped[int | None] = mapped_column(Integer)
    # Other kinds: enquiry replied, compliment/comment passed on
    replied: Mapped[date | None] = mapped_column(Date)
    reply_text: Mapped[str] = mapped_column(Text, default="")
    # Ending
    refused_on: Mapped[date | None] = mapped_column(Date)
    refusal_reason: Mapped[str | None] = mapped_column(String(30))
    refusal_explanation: Mapped[str] = mapped_column(Text, default="")
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    # True: the resident asked; False: ended without their asking; None: not recorded.
    withdrawn_by_resident: Mapped[bool | None] = mapped_column(Boolean)
    closed_on: Mapped[date | None] = mapped_column(Date)
    ombudsman_referred_on: Mapped[date | None] = mapped_column(Date)
    ombudsman_determination: Mapped[str] = mapped_column(Text, default="")
    ombudsman_determined_on: Mapped[date | None] = mapped_column(Date)
    # Stored clocks (principle 9), written by the services from the pure clock functions
    ack_due: Mapped[date | None] = mapped_column(Date)
    stage1_due: Mapped[date | None] = mapped_column(Date)
    stage2_ack_due: Mapped[date | None] = mapped_column(Date)
    stage2_due: Mapped[date | None] = mapped_column(Date)
    next_due: Mapped[date | None] = mapped_column(Date)
    next_clock: Mapped[str | None] = mapped_column(String(30))
    # Denormalised for the case list (one table, indexed, no joins per page)
    resident_name: Mapped[str] = mapped_column(String(200), default="")
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    handler_name: Mapped[str] = mapped_column(String(120), default="")
    auth_state: Mapped[str] = mapped_column(String(20), default="not-needed")
    has_adjustments: Mapped[bool] = mapped_column(Boolean, default=False)
    # The search entry's rowid, worked out from the id by SQLite (migration 0006)
    search_key: Mapped[int] = mapped_column(
        Integer, Computed(search_key_sql("id"), persisted=False)
    )
    # For the reports: the complainants' tenure (``vocab.case_tenure``, migration 0005)
    complainant_tenure: Mapped[str | None] = mapped_column(String(20))
    # Bookkeeping
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(120), default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declaration

    points: Mapped[list[ComplaintPoint]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="ComplaintPoint.position"
    )
    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="[CaseParty.position, CaseParty.id]",
    )
    extensions: Mapped[list[ExtensionRecord]] = relationship(
        cascade="all, delete-orphan", order_by="[ExtensionRecord.position, ExtensionRecord.id]"
    )
    remedies: Mapped[list[Remedy]] = relationship(
        cascade="all, delete-orphan", order_by="[Remedy.position, Remedy.id]"
    )
    actions: Mapped[list[OutstandingAction]] = relationship(
        cascade="all, delete-orphan", order_by="[OutstandingAction.position, OutstandingAction.id]"
    )
    service_areas: Mapped[list[CaseServiceArea]] = relationship(cascade="all, delete-orphan")
    themes: Mapped[list[CaseTheme]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (
        Index("ix_cases_next_due", "next_due", "reference", "search_key"),
        Index("ix_cases_kind_status", "kind", "status"),
        Index("ix_cases_status_next_due", "status", "next_due"),
        Index("ix_cases_received", "received"),
        Index("ix_cases_area_next_due", "primary_service_area_id", "next_due"),
        Index("ix_cases_site", "site_id"),
        Index("ix_cases_handler", "handler_name"),
        Index("ix_cases_resident", "resident_name"),
        Index("ix_cases_escalated", "escalated"),
        Index("ix_cases_auth_state_status", "auth_state", "status"),
        # For the reports (migrations 0003 and 0005)
        Index("ix_cases_kind_received", "kind", "received"),
        Index("ix_cases_kind_stage1_responded_received", "kind", "stage1_responded", "received"),
        Index("ix_cases_kind_escalated", "kind", "escalated"),
        Index("ix_cases_kind_stage2_responded", "kind", "stage2_responded"),
        Index("ix_cases_refused_on", "refused_on"),
        Index("ix_cases_ombudsman_referred_on", "ombudsman_referred_on"),
    )


class ComplaintPoint(Base):
    """One point of the complaint definition, with its decision at each stage."""

    __tablename__ = "complaint_points"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # The integer id it had before migration 0009 (old audit events name it); None after.
    legacy_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    stage1_decision: Mapped[str | None] = mapped_column(String(20))
    stage1_reasons: Mapped[str] = mapped_column(Text, default="")
    stage2_decision: Mapped[str | None] = mapped_column(String(20))
    stage2_reasons: Mapped[str] = mapped_column(Text, default="")
    case: Mapped[Case] = relationship(back_populates="points")


class CaseParty(Base):
    """A person's part in a case: complainant, representative, elected representative."""

    __tablename__ = "case_parties"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # Made on this PC: its place among the case's own (ids are UUIDs, which do not sort).
    position: Mapped[int] = mapped_column(Integer)
    # The integer id it had before migration 0009 (old audit events name it); None after.
    legacy_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))  # complainant | representative
    raised_it: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_later: Mapped[bool] = mapped_column(Boolean, default=False)
    relationship_to_resident: Mapped[str] = mapped_column(String(30), default="")
    auth_state: Mapped[str] = mapped_column(String(20), default="not-needed")
    auth_method: Mapped[str] = mapped_column(String(30), default="")
    auth_sent_on: Mapped[date | None] = mapped_column(Date)
    auth_received_on: Mapped[date | None] = mapped_column(Date)
    auth_scope: Mapped[str] = mapped_column(String(30), default="")
    auth_expires: Mapped[date | None] = mapped_column(Date)
    auth_revoked_on: Mapped[date | None] = mapped_column(Date)
    auth_verified_by: Mapped[str] = mapped_column(String(120), default="")
    case: Mapped[Case] = relationship(back_populates="parties")
    person: Mapped[Person] = relationship()


class CaseServiceArea(Base):
    __tablename__ = "case_service_areas"
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    service_area_id: Mapped[int] = mapped_column(ForeignKey("service_areas.id"), primary_key=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (Index("ix_case_service_areas_area", "service_area_id"),)


class CaseTheme(Base):
    __tablename__ = "case_themes"
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), primary_key=True)
    __table_args__ = (Index("ix_case_themes_theme", "theme_id"),)


class ExtensionRecord(Base):
    __tablename__ = "extensions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # Made on this PC: its place among the case's own (ids are UUIDs, which do not sort).
    position: Mapped[int] = mapped_column(Integer)
    # The integer id it had before migration 0009 (old audit events name it); None after.
    legacy_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    good_reason: Mapped[bool] = mapped_column(Boolean, default=False)
    told_on: Mapped[date | None] = mapped_column(Date)
    recorded_on: Mapped[date] = mapped_column(Date)


class Remedy(Base):
    __tablename__ = "remedies"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # Made on this PC: its place among the case's own (ids are UUIDs, which do not sort).
    position: Mapped[int] = mapped_column(Integer)
    # The integer id it had before migration 0009 (old audit events name it); None after.
    legacy_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    amount_offered: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    amount_paid: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    offered_on: Mapped[date | None] = mapped_column(Date)
    due: Mapped[date | None] = mapped_column(Date, index=True)
    done: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        Index("ix_remedies_offered_on", "offered_on"),
        Index("ix_remedies_done", "done"),
        Index("ix_remedies_done_due", "done", "due", "case_id"),
    )


class OutstandingAction(Base):
    __tablename__ = "outstanding_actions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # Made on this PC: its place among the case's own (ids are UUIDs, which do not sort).
    position: Mapped[int] = mapped_column(Integer)
    # The integer id it had before migration 0009 (old audit events name it); None after.
    legacy_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date, index=True)
    done: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (Index("ix_outstanding_actions_done_due", "done", "due", "case_id"),)


class Learning(Base):
    """A service improvement learned from a complaint."""

    __tablename__ = "learning"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # Made on this PC: its place among the case's own (ids are UUIDs, which do not sort).
    position: Mapped[int] = mapped_column(Integer)
    # The integer id it had before migration 0009 (old audit events name it); None after.
    legacy_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    improvement: Mapped[str] = mapped_column(Text, default="")
    recorded_on: Mapped[date] = mapped_column(Date)


class CaseLink(Base):
    __tablename__ = "case_links"
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    linked_case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # Made on this PC: its place among the case's own (ids are UUIDs, which do not sort).
    position: Mapped[int] = mapped_column(Integer)
    # The integer id it had before migration 0009 (old audit events name it); None after.
    legacy_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Correspondence(Base):
    """A letter made or a document received, with a SHA-256 of its bytes."""

    __tablename__ = "correspondence"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # letter | document
    letter_kind: Mapped[str | None] = mapped_column(String(40))
    addressee_name: Mapped[str] = mapped_column(String(200), default="")
    addressee_role: Mapped[str] = mapped_column(String(40), default="")
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    title: Mapped[str] = mapped_column(String(200), default="")
    made_at: Mapped[datetime] = mapped_column(DateTime)
    made_by: Mapped[str] = mapped_column(String(120), default="")
    template: Mapped[str] = mapped_column(String(80), default="")
    template_version: Mapped[int | None] = mapped_column(Integer)
    large_print: Mapped[bool] = mapped_column(Boolean, default=False)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_method: Mapped[str] = mapped_column(String(30), default="")


class Document(Base):
    """A document received and kept with a case (an email, a photo, a report), bytes apart.

    The bytes live in ``document_contents`` so listing a case's documents never reads them;
    ``sha256`` is checked on every read. An email's own attachments are documents too, with
    ``parent_id`` naming the email. Retention removes the bytes and the names and keeps the
    row (type, size, SHA-256), as it does for letters.
    """

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"))
    title: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(255))
    received: Mapped[date] = mapped_column(Date)
    sender: Mapped[str] = mapped_column(String(200), default="")
    file_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # For an email: its own sender, date and subject, as read from it.
    email_from: Mapped[str] = mapped_column(String(300), default="")
    email_date: Mapped[datetime | None] = mapped_column(DateTime)
    email_subject: Mapped[str] = mapped_column(String(300), default="")
    # Every attachment the email carried: [{"name", "document" (id or ""), "note"}].
    email_attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    removed_on: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        UniqueConstraint("case_id", "sha256", name="uq_documents_case_sha256"),
        Index("ix_documents_case_received", "case_id", "received"),
    )


class DocumentContent(Base):
    """The bytes of one document, written once and never changed (moved once by sync)."""

    __tablename__ = "document_contents"
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEvent(Base):
    """One append-only, chained record of a change (who, when, what, before/after)."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(60))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes_digest: Mapped[str] = mapped_column(String(64))
    prev_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))


class Draft(Base):
    """A half-typed form kept so a crash or close loses nothing."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    form: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("owner", "form"),)


# Offline replicas and sync (issue 13, SITES.md). A replica holds one ``replica_identity``
# row; the server holds ``devices``, ``sync_ingest`` and hands out ``reference_blocks``.
# Conflicts live on both (the server's are the record; a replica keeps those of its own).


class ReplicaIdentity(Base):
    """This store is an offline replica of a server store (one row; none elsewhere)."""

    __tablename__ = "replica_identity"
    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    server_url: Mapped[str] = mapped_column(Text)
    site: Mapped[str] = mapped_column(String(120))
    site_id: Mapped[int | None] = mapped_column(Integer)
    # The server's audit sequence up to which changes have been pulled.
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxEntry(Base):
    """One action taken on a replica, waiting to be replayed on the server (an intent)."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(32))
    device_seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60))
    username: Mapped[str] = mapped_column(String(80))
    actor_name: Mapped[str] = mapped_column(String(120))
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    case_id: Mapped[str | None] = mapped_column(String(32))
    base_version: Mapped[int | None] = mapped_column(Integer)
    base_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    new_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    pushed_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(20), default="")
    __table_args__ = (
        UniqueConstraint("device_id", "device_seq", name="uq_outbox_device_seq"),
        Index("ix_outbox_pushed", "pushed_at", "seq"),
    )


class SyncConflict(Base):
    """A value changed on both sides (the server's kept), or an action the server refused."""

    __tablename__ = "sync_conflicts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    reference: Mapped[str] = mapped_column(String(40), default="")
    field: Mapped[str] = mapped_column(String(60))
    server_value: Mapped[Any] = mapped_column(JSON)
    replica_value: Mapped[Any] = mapped_column(JSON)
    server_by: Mapped[str] = mapped_column(String(120), default="")
    server_at: Mapped[datetime | None] = mapped_column(DateTime)
    replica_by: Mapped[str] = mapped_column(String(120), default="")
    replica_at: Mapped[datetime | None] = mapped_column(DateTime)
    device_id: Mapped[str] = mapped_column(String(32))
    device_seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60))
    resolved_by: Mapped[str] = mapped_column(String(120), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    choice: Mapped[str] = mapped_column(String(20), default="")


class SyncIngest(Base):
    """On the server: each intent taken, once (a batch pushed twice changes nothing)."""

    __tablename__ = "sync_ingest"
    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    device_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(20))  # applied | conflict
    conflict_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(DateTime)


class Device(Base):
    """On the server: a replica made from it."""

    __tablename__ = "devices"
    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    site: Mapped[str] = mapped_column(String(120))
    made_by: Mapped[str] = mapped_column(String(120))
    made_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime)


class ReferenceBlock(Base):
    """A block of reference numbers a device may give offline (server: handed out;
    replica: held). ``next_number`` is the next the replica will give."""

    __tablename__ = "reference_blocks"
    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    first: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
    next_number: Mapped[int] = mapped_column(Integer)


class DeviceAuditEvent(Base):
    """On the server: one link of a device's own audit chain, as the device sent it.

    The link's fields are those its digest covers (the changes themselves stay on the
    device: their digest is enough to check the chain), so ``audit verify`` on the server
    can check every device's chain link by link.
    """

    __tablename__ = "device_audit_events"
    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    case_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(60))
    changes_digest: Mapped[str] = mapped_column(String(64))
    prev_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))

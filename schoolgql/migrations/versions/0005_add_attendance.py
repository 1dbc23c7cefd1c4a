"""add attendance

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def status_type() -> sa.Enum:
    # One instance per column, so each table gets its own CHECK constraint.
    return sa.Enum(
        "present",
        "absent",
        "late",
        "excused",
        name="attendance_status",
        native_enum=False,
        create_constraint=True,
        length=16,
    )


def upgrade() -> None:
    op.create_table(
        "attendance_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("status", status_type(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id", "course_id", "student_id"],
            ["enrollments.id", "enrollments.course_id", "enrollments.student_id"],
            name=op.f(
                "fk_attendance_records_enrollment_id_course_id_student_id_enrollments"
            ),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_attendance_records_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_records")),
        sa.UniqueConstraint(
            "enrollment_id",
            "date",
            name=op.f("uq_attendance_records_enrollment_id_date"),
        ),
    )
    op.create_index(
        "ix_attendance_records_course_id_date",
        "attendance_records",
        ["course_id", "date"],
    )
    op.create_index(
        "ix_attendance_records_student_id_date",
        "attendance_records",
        ["student_id", "date"],
    )

    op.create_table(
        "attendance_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("previous_status", status_type(), nullable=False),
        sa.Column("previous_note", sa.String(length=500), nullable=True),
        sa.Column("previous_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("previous_recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["attendance_records.id"],
            name=op.f("fk_attendance_changes_record_id_attendance_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["previous_recorded_by_id"],
            ["users.id"],
            name=op.f("fk_attendance_changes_previous_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_attendance_changes_changed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_changes")),
    )
    op.create_index(
        "ix_attendance_changes_record_id_id", "attendance_changes", ["record_id", "id"]
    )


def downgrade() -> None:
    op.drop_table("attendance_changes")
    op.drop_table("attendance_records")

"""add archiving, grade posting and grade history

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "terms",
        sa.Column(
            "enrollment_open",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
    )
    op.add_column(
        "terms", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "courses", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "assessments",
        sa.Column("grades_posted_at", sa.DateTime(timezone=True), nullable=True),
    )
    # Grades recorded before drafts existed were visible to everyone, so
    # their assessments start out posted.
    op.execute(
        "UPDATE assessments SET grades_posted_at = CURRENT_TIMESTAMP "
        "WHERE EXISTS (SELECT 1 FROM grades "
        "WHERE grades.assessment_id = assessments.id)"
    )

    op.create_table(
        "grade_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grade_id", sa.Integer(), nullable=False),
        sa.Column("previous_score", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("new_score", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("previous_graded_by_id", sa.Integer(), nullable=True),
        sa.Column("previous_graded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["grade_id"],
            ["grades.id"],
            name=op.f("fk_grade_changes_grade_id_grades"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["previous_graded_by_id"],
            ["users.id"],
            name=op.f("fk_grade_changes_previous_graded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_grade_changes_changed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_changes")),
    )
    op.create_index("ix_grade_changes_grade_id_id", "grade_changes", ["grade_id", "id"])


def downgrade() -> None:
    op.drop_table("grade_changes")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("grades_posted_at")
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("archived_at")
    with op.batch_alter_table("terms") as batch:
        batch.drop_column("archived_at")
        batch.drop_column("enrollment_open")

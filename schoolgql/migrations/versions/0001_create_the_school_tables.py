"""create the school tables

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "end_date >= start_date", name=op.f("ck_terms_ends_after_start")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms")),
        sa.UniqueConstraint("name", name=op.f("uq_terms_name")),
    )
    op.create_index(op.f("ix_terms_start_date"), "terms", ["start_date"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "student",
                "teacher",
                "admin",
                name="user_role",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=128), nullable=True),
        sa.Column(
            "token_version", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint(
            "token_version >= 0", name=op.f("ck_users_token_version_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_users_role"), "users", ["role"], unique=False)
    op.create_index(
        "uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True
    )

    op.create_table(
        "students",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_number", sa.String(length=32), nullable=False),
        sa.Column("grade_level", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "grade_level BETWEEN 1 AND 13", name=op.f("ck_students_grade_level_range")
        ),
        sa.ForeignKeyConstraint(
            ["id"], ["users.id"], name=op.f("fk_students_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_students")),
        sa.UniqueConstraint("student_number", name=op.f("uq_students_student_number")),
    )
    op.create_table(
        "teachers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["users.id"], name=op.f("fk_teachers_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teachers")),
    )
    op.create_index(
        op.f("ix_teachers_department"), "teachers", ["department"], unique=False
    )

    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "description",
            sa.String(length=5000).with_variant(sa.Text(), "sqlite"),
            server_default="",
            nullable=False,
        ),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "capacity >= 0", name=op.f("ck_courses_capacity_not_negative")
        ),
        sa.CheckConstraint(
            "credits >= 0", name=op.f("ck_courses_credits_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["teachers.id"],
            name=op.f("fk_courses_teacher_id_teachers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["term_id"],
            ["terms.id"],
            name=op.f("fk_courses_term_id_terms"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("code", name=op.f("uq_courses_code")),
    )
    op.create_index("ix_courses_teacher_id_id", "courses", ["teacher_id", "id"])
    op.create_index("ix_courses_term_id_id", "courses", ["term_id", "id"])
    op.create_index(op.f("ix_courses_title"), "courses", ["title"], unique=False)

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("max_score", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("weight", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "max_score > 0", name=op.f("ck_assessments_max_score_positive")
        ),
        sa.CheckConstraint(
            "weight >= 0", name=op.f("ck_assessments_weight_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_assessments_course_id_courses"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint(
            "id",
            "course_id",
            "max_score",
            name=op.f("uq_assessments_id_course_id_max_score"),
        ),
    )
    op.create_index("ix_assessments_course_id_id", "assessments", ["course_id", "id"])
    op.create_index(
        op.f("ix_assessments_due_date"), "assessments", ["due_date"], unique=False
    )

    op.create_table(
        "enrollments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "dropped",
                "completed",
                name="enrollment_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            server_default="active",
            nullable=False,
        ),
        sa.Column(
            "enrolled_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_enrollments_course_id_courses"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_enrollments_student_id_students"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollments")),
        sa.UniqueConstraint(
            "id",
            "course_id",
            "student_id",
            name=op.f("uq_enrollments_id_course_id_student_id"),
        ),
        sa.UniqueConstraint(
            "student_id", "course_id", name=op.f("uq_enrollments_student_id_course_id")
        ),
    )
    op.create_index("ix_enrollments_course_id_id", "enrollments", ["course_id", "id"])
    op.create_index("ix_enrollments_student_id_id", "enrollments", ["student_id", "id"])

    op.create_table(
        "grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("score", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("graded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "graded_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint(
            "score >= 0 AND score <= max_score", name=op.f("ck_grades_score_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id", "course_id", "max_score"],
            ["assessments.id", "assessments.course_id", "assessments.max_score"],
            name=op.f("fk_grades_assessment_id_course_id_max_score_assessments"),
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id", "course_id", "student_id"],
            ["enrollments.id", "enrollments.course_id", "enrollments.student_id"],
            name=op.f("fk_grades_enrollment_id_course_id_student_id_enrollments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["graded_by_id"],
            ["users.id"],
            name=op.f("fk_grades_graded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grades")),
        sa.UniqueConstraint(
            "enrollment_id",
            "assessment_id",
            name=op.f("uq_grades_enrollment_id_assessment_id"),
        ),
    )
    op.create_index("ix_grades_assessment_id_id", "grades", ["assessment_id", "id"])
    op.create_index(op.f("ix_grades_course_id"), "grades", ["course_id"], unique=False)
    op.create_index("ix_grades_enrollment_id_id", "grades", ["enrollment_id", "id"])
    op.create_index(
        op.f("ix_grades_graded_by_id"), "grades", ["graded_by_id"], unique=False
    )
    op.create_index("ix_grades_student_id_id", "grades", ["student_id", "id"])


def downgrade() -> None:
    op.drop_table("grades")
    op.drop_table("enrollments")
    op.drop_table("assessments")
    op.drop_table("courses")
    op.drop_table("teachers")
    op.drop_table("students")
    op.drop_table("users")
    op.drop_table("terms")

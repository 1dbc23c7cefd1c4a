"""ORM tables, one module per table."""

from schoolgql.models.assessment import Assessment
from schoolgql.models.attendance_change import AttendanceChange
from schoolgql.models.attendance_record import AttendanceRecord, AttendanceStatus
from schoolgql.models.base import Base
from schoolgql.models.course import Course
from schoolgql.models.enrollment import Enrollment, EnrollmentStatus
from schoolgql.models.grade import Grade
from schoolgql.models.grade_change import GradeChange
from schoolgql.models.password_reset_token import PasswordResetToken
from schoolgql.models.refresh_token_family import RefreshTokenFamily
from schoolgql.models.sent_mail import SentMail
from schoolgql.models.student import Student
from schoolgql.models.teacher import Teacher
from schoolgql.models.term import Term
from schoolgql.models.user import Admin, Role, User

__all__ = [
    "Admin",
    "Assessment",
    "AttendanceChange",
    "AttendanceRecord",
    "AttendanceStatus",
    "Base",
    "Course",
    "Enrollment",
    "EnrollmentStatus",
    "Grade",
    "GradeChange",
    "PasswordResetToken",
    "RefreshTokenFamily",
    "Role",
    "SentMail",
    "Student",
    "Teacher",
    "Term",
    "User",
]

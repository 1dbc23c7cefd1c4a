"""Reading students and teachers."""

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.errors import NotFound
from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.models import Student, Teacher
from schoolgql.people import repository


async def get_student(session: AsyncSession, *, student_id: int) -> Student:
    [student] = await repository.get_students_by_ids(session, [student_id])
    if student is None:
        raise NotFound("No student has this ID.", field="id")
    return student


async def get_teacher(session: AsyncSession, *, teacher_id: int) -> Teacher:
    [teacher] = await repository.get_teachers_by_ids(session, [teacher_id])
    if teacher is None:
        raise NotFound("No teacher has this ID.", field="id")
    return teacher


async def list_students(session: AsyncSession, *, page: PageRequest) -> Page[Student]:
    return await repository.list_students(session, page)


async def list_teachers(session: AsyncSession, *, page: PageRequest) -> Page[Teacher]:
    return await repository.list_teachers(session, page)

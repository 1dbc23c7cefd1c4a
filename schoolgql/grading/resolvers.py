from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.grading import service
from schoolgql.grading.permissions import CanGrade
from schoolgql.grading.service import GradeEntry
from schoolgql.grading.types import (
    Assessment,
    AssessmentPayload,
    CreateAssessmentInput,
    DeleteAssessmentPayload,
    Grade,
    GradeEntryInput,
    GradePayload,
    GradesPayload,
    UpdateAssessmentInput,
)
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import run_mutation
from schoolgql.graphql.relay import parse_typed_global_id, to_global_id
from schoolgql.kit.errors import InvalidInput, InvalidInputs

GRADER_ONLY = " (the course's teacher and administrators)."


@strawberry.type
class GradingMutation:
    @strawberry.mutation(
        description="Create an assessment of a course" + GRADER_ONLY,
        permission_classes=[CanGrade],
    )
    async def create_assessment(
        self, info: Info, input: CreateAssessmentInput
    ) -> AssessmentPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> AssessmentPayload:
            assessment = await service.create_assessment(
                session,
                viewer,
                course_id=_row_id(input.course_id, "Course", "courseId"),
                title=input.title,
                max_score=_decimal(input.max_score),
                weight=_decimal(input.weight),
                due_date=input.due_date,
            )
            return AssessmentPayload(assessment=Assessment.from_model(assessment))

        return await run_mutation(info, AssessmentPayload.failed, action)

    @strawberry.mutation(
        description="Change an assessment's title, maximum score, weight or "
        "due date" + GRADER_ONLY,
        permission_classes=[CanGrade],
    )
    async def update_assessment(
        self, info: Info, id: strawberry.ID, input: UpdateAssessmentInput
    ) -> AssessmentPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> AssessmentPayload:
            assessment = await service.update_assessment(
                session,
                viewer,
                assessment_id=_row_id(id, "Assessment", "id"),
                title=input.title,
                max_score=_optional_decimal(input.max_score),
                weight=_optional_decimal(input.weight),
                due_date=input.due_date,
            )
            return AssessmentPayload(assessment=Assessment.from_model(assessment))

        return await run_mutation(info, AssessmentPayload.failed, action)

    @strawberry.mutation(
        description="Delete an assessment without grades; one with grades is "
        "rejected with HAS_DEPENDENTS" + GRADER_ONLY,
        permission_classes=[CanGrade],
    )
    async def delete_assessment(
        self, info: Info, id: strawberry.ID
    ) -> DeleteAssessmentPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> DeleteAssessmentPayload:
            assessment_id = _row_id(id, "Assessment", "id")
            deleted_id = await service.delete_assessment(
                session, viewer, assessment_id=assessment_id
            )
            global_id = strawberry.ID(to_global_id("Assessment", deleted_id))
            return DeleteAssessmentPayload(deleted_assessment_id=global_id)

        return await run_mutation(info, DeleteAssessmentPayload.failed, action)

    @strawberry.mutation(
        description="Record or change one student's grade. It stays a draft, "
        "hidden from students, until `postGrades`; a change keeps the earlier "
        "score in the grade's history" + GRADER_ONLY,
        permission_classes=[CanGrade],
    )
    async def record_grade(
        self,
        info: Info,
        assessment_id: strawberry.ID,
        student_id: strawberry.ID,
        score: float,
    ) -> GradePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> GradePayload:
            grade = await service.record_grade(
                session,
                viewer,
                assessment_id=_row_id(assessment_id, "Assessment", "assessmentId"),
                student_id=_row_id(student_id, "Student", "studentId"),
                score=_decimal(score),
            )
            return GradePayload(grade=Grade.from_model(grade))

        return await run_mutation(info, GradePayload.failed, action)

    @strawberry.mutation(
        description="Record or change the grades of many students of one "
        "assessment in one transaction: all rows are written, or none and "
        "`userErrors` names each rejected row's student and reason" + GRADER_ONLY,
        permission_classes=[CanGrade],
    )
    async def record_grades(
        self,
        info: Info,
        assessment_id: strawberry.ID,
        grades: list[GradeEntryInput],
    ) -> GradesPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> GradesPayload:
            recorded = await service.record_grades(
                session,
                viewer,
                assessment_id=_row_id(assessment_id, "Assessment", "assessmentId"),
                entries=_grade_entries(grades),
            )
            return GradesPayload(grades=[Grade.from_model(grade) for grade in recorded])

        return await run_mutation(info, GradesPayload.failed, action)

    @strawberry.mutation(
        description="Post an assessment's grades: students see them, and "
        "averages and statistics include them, from now on" + GRADER_ONLY,
        permission_classes=[CanGrade],
    )
    async def post_grades(
        self, info: Info, assessment_id: strawberry.ID
    ) -> AssessmentPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> AssessmentPayload:
            assessment = await service.post_grades(
                session,
                viewer,
                assessment_id=_row_id(assessment_id, "Assessment", "assessmentId"),
            )
            return AssessmentPayload(assessment=Assessment.from_model(assessment))

        return await run_mutation(info, AssessmentPayload.failed, action)


def _grade_entries(rows: list[GradeEntryInput]) -> list[GradeEntry]:
    """Parse every row's student ID, or raise one error per invalid ID."""
    entries: list[GradeEntry] = []
    errors: list[InvalidInput] = []
    for index, row in enumerate(rows):
        field = f"grades[{index}].studentId"
        try:
            student_id = _row_id(row.student_id, "Student", field)
        except InvalidInput as error:
            errors.append(error)
            continue
        entries.append(GradeEntry(student_id=student_id, score=_decimal(row.score)))
    if errors:
        raise InvalidInputs(errors)
    return entries


def _row_id(value: str, type_name: str, argument: str) -> int:
    return parse_typed_global_id(value, type_name=type_name, argument=argument)


def _decimal(value: float) -> Decimal:
    # The shortest decimal that reads back as the same float: 87.5, not
    # 87.5000000000000000001.
    return Decimal(repr(value))


def _optional_decimal(value: float | None) -> Decimal | None:
    return None if value is None else _decimal(value)

"""Assembles the GraphQL schema from every domain's root fields."""

from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import ParserCache
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult

from schoolgql.accounts.resolvers import AccountMutation, AccountQuery
from schoolgql.accounts.types import Admin
from schoolgql.attendance.resolvers import AttendanceMutation, AttendanceQuery
from schoolgql.courses.resolvers import CourseMutation, CourseQuery
from schoolgql.enrollments.resolvers import EnrollmentMutation
from schoolgql.enrollments.types import Enrollment
from schoolgql.grading.resolvers import GradingMutation
from schoolgql.grading.types import Assessment, Grade
from schoolgql.graphql.budget import BudgetQuery
from schoolgql.graphql.errors import (
    ErrorCodes,
    code_escaped_errors,
    log_unexpected_errors,
)
from schoolgql.graphql.execution import SchoolExecutor
from schoolgql.graphql.limits import DocumentLimits
from schoolgql.graphql.node import NodeQuery
from schoolgql.people.resolvers import PeopleMutation, PeopleQuery
from schoolgql.terms.resolvers import TermMutation, TermQuery

Query = merge_types(
    "Query",
    (
        NodeQuery,
        TermQuery,
        CourseQuery,
        PeopleQuery,
        BudgetQuery,
        AccountQuery,
        AttendanceQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountMutation,
        TermMutation,
        CourseMutation,
        EnrollmentMutation,
        GradingMutation,
        PeopleMutation,
        AttendanceMutation,
    ),
)

# Documents a client sends repeatedly are parsed and validated once.
DOCUMENT_CACHE_SIZE = 1024


class SchoolSchema(Schema):
    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute(*args, **kwargs)
        if result.errors:
            result.errors = code_escaped_errors(result.errors)
        return result

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        # Expected errors are part of the response, so only bugs are logged.
        log_unexpected_errors(errors)


def build_schema() -> SchoolSchema:
    return SchoolSchema(
        query=Query,
        mutation=Mutation,
        types=[Enrollment, Assessment, Grade, Admin],
        execution_context_class=SchoolExecutor,
        extensions=[
            ErrorCodes,
            # The parse cache lives at module level, shared by every instance;
            # DocumentLimits validates and caches the validation result.
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            DocumentLimits,
        ],
    )


schema = build_schema()

"""The `node` and `nodes` root fields."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_course, create_student
from tests.graphql_client import execute
from tests.ids import INVALID_IDS, invalid_id_error, to_global_id

NODE = """query($id: ID!) { node(id: $id) {
  id ... on Course { code } ... on Student { fullName } } }"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Course { code } } }"
NODE_ERROR_AT = {"locations": [{"line": 1, "column": 19}]}
NODES_ERROR_AT = {"locations": [{"line": 1, "column": 23}]}


@pytest.mark.parametrize("node_id", INVALID_IDS.values(), ids=INVALID_IDS)
async def test_node_rejects_invalid_id(
    client: httpx.AsyncClient, admin_headers: dict[str, str], node_id: str
) -> None:
    response = await execute(client, NODE, {"id": node_id}, headers=admin_headers)

    assert response.status == 200
    assert response.data == {"node": None}
    assert response.errors == [invalid_id_error("node") | NODE_ERROR_AT]


async def test_node_rejects_unknown_type(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await execute(
        client, NODE, {"id": to_global_id("User", 1)}, headers=admin_headers
    )

    assert response.data == {"node": None}
    assert response.errors == [invalid_id_error("node") | NODE_ERROR_AT]


async def test_node_returns_student_as_student(
    session: AsyncSession, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    student = await create_student(session, full_name="Ada Adams")
    await create_course(session, id=student.id, code="MATH-101")
    await session.commit()
    student_id = to_global_id("Student", student.id)

    response = await execute(client, NODE, {"id": student_id}, headers=admin_headers)

    assert response.errors == []
    assert response.data == {"node": {"id": student_id, "fullName": "Ada Adams"}}


async def test_node_missing_row_is_null(
    session: AsyncSession, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    course = await create_course(session)
    await session.commit()

    response = await execute(
        client,
        NODE,
        {"id": to_global_id("Course", course.id + 1)},
        headers=admin_headers,
    )

    assert response.errors == []
    assert response.data == {"node": None}


async def test_nodes_keep_order_and_gaps(
    session: AsyncSession, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    first = await create_course(session, code="A-1")
    second = await create_course(session, code="B-1")
    student = await create_student(session)
    await session.commit()
    ids = [
        to_global_id("Course", second.id),
        to_global_id("Course", second.id + 100),
        to_global_id("Course", first.id),
        to_global_id("Student", student.id),
    ]

    response = await execute(client, NODES, {"ids": ids}, headers=admin_headers)

    assert response.errors == []
    assert response.data == {
        "nodes": [
            {"id": ids[0], "code": "B-1"},
            None,
            {"id": ids[2], "code": "A-1"},
            {"id": ids[3]},
        ]
    }


@pytest.mark.parametrize("node_id", INVALID_IDS.values(), ids=INVALID_IDS)
async def test_nodes_rejects_invalid_id(
    session: AsyncSession,
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    node_id: str,
) -> None:
    course = await create_course(session)
    await session.commit()
    ids = [to_global_id("Course", course.id), node_id]

    response = await execute(client, NODES, {"ids": ids}, headers=admin_headers)

    assert response.data is None
    assert response.errors == [
        invalid_id_error("nodes", argument="ids[1]") | NODES_ERROR_AT
    ]


async def test_nodes_rejects_too_many_ids(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    ids = [to_global_id("Course", number) for number in range(1, 102)]

    response = await execute(client, NODES, {"ids": ids}, headers=admin_headers)

    assert response.data is None
    assert response.errors == [
        {
            "message": "`ids` may list at most 100 IDs; got 101.",
            "locations": [{"line": 1, "column": 23}],
            "path": ["nodes"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "ids"},
        }
    ]

"""Global ids as the API issues them, and malformed ones for negative tests."""

import base64

from schoolgql.graphql.relay import to_global_id

__all__ = ["INVALID_IDS", "invalid_id_error", "to_global_id"]

INVALID_IDS = {
    "letters": "abc",
    "empty": "",
    "zero": base64.b64encode(b"Course:0").decode(),
    "leading zero": base64.b64encode(b"Course:01").decode(),
    "beyond integer": base64.b64encode(b"Course:2147483648").decode(),
    "no padding": base64.b64encode(b"Course:1").decode().rstrip("="),
    "1,000 characters": "Q" * 1000,
}


def invalid_id_error(field: str, argument: str = "id") -> dict[str, object]:
    return {
        "message": f"`{argument}` is not a valid ID. Pass the `id` of an object "
        "returned by this API.",
        "locations": [{"line": 1, "column": 3}],
        "path": [field],
        "extensions": {"code": "BAD_USER_INPUT", "field": argument},
    }

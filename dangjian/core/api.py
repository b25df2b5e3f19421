"""Types the API's operations share, bounded so that no value a client can send reaches the database
as a number it cannot hold: out of range is a 422 in Chinese, never a 500."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from dangjian.core.params import FIRST_YEAR

DB_INT_MAX = 2**63 - 1  # a signed 64-bit integer: SQLite's and PostgreSQL's bigint
LAST_YEAR = 9999  # the last year a date can hold

DbId = Annotated[int, Field(ge=1, le=DB_INT_MAX, description="记录编号（正整数）")]
BigInt = Annotated[int, Field(ge=-DB_INT_MAX, le=DB_INT_MAX)]  # the operation checks its range itself
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description=f"年度（{FIRST_YEAR} 至 {LAST_YEAR}）")]


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset paging with an offset the database can take (NINJA_PAGINATION_CLASS)."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=DB_INT_MAX)


class Message(Schema):
    detail: str


class Refusal(Schema):
    """Every 400 of the API: a sentence, the messages of each field (forms), and the list of problems
    (rules checked outside a form); the lists are always present, empty when there is nothing to name."""

    detail: str
    errors: dict[str, list[str]] = {}
    problems: list[str] = []

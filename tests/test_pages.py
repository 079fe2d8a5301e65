"""List pages (schema.pages): a constant number of statements whatever the page size, and
the page executor's answers equal to graphql-core's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from backend.meetings import lifecycle as meetings
from backend.meetings.models import MeetingKind, MeetingMode
from tests.factories.tenants import County, county_admin_principal, make_county
from tests.realtime_client import GraphQLWS

MEETING_PAGE = """
query Page($first: Int) {
  meetings(first: $first) {
    edges { cursor node {
      id title state stream attendance
      venue { name } hostUnit { name }
      agenda { title } polls { question } scoringSheets { title } materials { title }
      speakingQueue { state }
      participants(first: 1) { edges { node { role userId } } pageInfo { hasNextPage } }
      comments(first: 2) {
        edges { cursor node { body authorId hidden } }
        pageInfo { hasNextPage endCursor }
      }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def seed_meetings(server: Any, owner_db: Any, county: County, count: int) -> list[int]:
    """`count` draft meetings of the county root, each with two participants and three
    comments (written behind the service's back: only the reads are under test)."""
    principal = await county_admin_principal(server, county)
    starts = datetime.now(UTC) + timedelta(days=7)
    async with server.services.db.transaction(
        tenant_id=county.id, user_id=county.admin.user_id
    ) as session:
        ids = [
            (
                await meetings.create_meeting(
                    session,
                    principal,
                    kind=MeetingKind.FORUM,
                    mode=MeetingMode.HYBRID,
                    title=f"第{i + 1}次座谈会",
                    description=None,
                    host_unit_id=county.root_id,
                    venue_id=None,
                    starts_at=starts + timedelta(hours=i),
                    ends_at=None,
                    capacity=None,
                )
            ).id
            for i in range(count)
        ]
    other = await owner_db.fetchval(
        "INSERT INTO users (tenant_id, display_name, phone) VALUES ($1, '参会人', $2) RETURNING id",
        county.id,
        f"+86139{county.id:08d}",
    )
    await owner_db.executemany(
        "INSERT INTO meeting_participants (tenant_id, meeting_id, user_id, role, invited) "
        "VALUES ($1, $2, $3, $4, true)",
        [
            (county.id, mid, uid, role)
            for mid in ids
            for uid, role in ((county.admin.user_id, "HOST"), (other, "REPRESENTATIVE"))
        ],
    )
    await owner_db.executemany(
        "INSERT INTO meeting_comments (tenant_id, meeting_id, author_user_id, kind, body) "
        "VALUES ($1, $2, $3, 'COMMENT', $4)",
        [(county.id, mid, other, f"意见{n}") for mid in ids for n in (1, 2, 3)],
    )
    return ids


async def test_a_meeting_page_with_its_nested_lists_costs_the_same_statements_for_5_and_50(
    server, gql, owner_db
):
    # given: 50 meetings, each with participants and comments
    county = await make_county(server)
    await seed_meetings(server, owner_db, county, 50)
    await gql.data(MEETING_PAGE, {"first": 1}, token=county.admin.token)  # grants cached
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = server.services.db.app_engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        # when
        per_page: dict[int, list[str]] = {}
        pages: dict[int, dict[str, Any]] = {}
        # The listener also hears the service's background work (timer looks, reminder
        # sweeps) on the same engine, which only ever adds statements: the fewest of three
        # tries is the page's own count.
        for first in (5, 50):
            for _ in range(3):
                statements.clear()
                pages[first] = await gql.data(
                    MEETING_PAGE, {"first": first}, token=county.admin.token
                )
                if first not in per_page or len(statements) < len(per_page[first]):
                    per_page[first] = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    # then: the same statements, and every meeting's nested pages are right
    assert len(per_page[5]) == len(per_page[50]), (per_page[5], per_page[50])
    assert len(per_page[50]) <= 14, per_page[50]
    for first, body in pages.items():
        nodes = [e["node"] for e in body["meetings"]["edges"]]
        assert len(nodes) == first
        for node in nodes:
            assert node["hostUnit"] == {"name": county.name}
            assert node["venue"] is None
            assert [e["node"]["body"] for e in node["comments"]["edges"]] == ["意见3", "意见2"]
            assert node["comments"]["pageInfo"]["hasNextPage"] is True
            assert node["participants"]["edges"][0]["node"]["role"] == "HOST"
            assert node["participants"]["edges"][0]["node"]["userId"] is not None  # host view
            assert node["participants"]["pageInfo"]["hasNextPage"] is True
            assert node["stream"] == f"meeting:{node['id']}"


async def test_the_next_page_of_a_meetings_comments_follows_its_cursor(server, gql, owner_db):
    # given
    county = await make_county(server)
    await seed_meetings(server, owner_db, county, 2)
    first = await gql.data(MEETING_PAGE, {"first": 2}, token=county.admin.token)
    meeting = first["meetings"]["edges"][0]["node"]

    # when
    rest = await gql.data(
        """query($id: ID!, $after: String) { node(id: $id) { ... on Meeting {
             comments(first: 2, after: $after) { edges { node { body } } pageInfo { hasNextPage } }
           } } }""",
        {"id": meeting["id"], "after": meeting["comments"]["pageInfo"]["endCursor"]},
        token=county.admin.token,
    )

    # then
    comments = rest["node"]["comments"]
    assert [e["node"]["body"] for e in comments["edges"]] == ["意见1"]
    assert comments["pageInfo"]["hasNextPage"] is False


SHAPES = [
    # the page itself, as a client writes it
    (MEETING_PAGE, {"first": 3}),
    # aliases, fragments, __typename, a skipped field, an inline fragment on an interface
    (
        """query($first: Int, $no: Boolean!) {
             page: meetings(first: $first) { edges { node { ...M kind2: kind } } }
             again: meetings(first: 1) { edges { node { __typename id title @skip(if: $no) } } }
           }
           fragment M on Meeting {
             __typename id kind state startsAt endsAt title
             host: hostUnit { __typename name kind } venue { name }
             ... on Node { id }
           }""",
        {"first": 3, "no": True},
    ),
    # the same objects through an interface (`node`) and a list of them (`nodes`)
    ("""query { meetings(first: 2) { edges { cursor } pageInfo { startCursor } } }""", {}),
]


async def test_the_page_executor_answers_what_graphql_cores_executor_answers(server, gql, owner_db):
    # given: the same documents over HTTP (the page executor) and over the socket
    # (graphql-core's own executor, realtime.ws)
    county = await make_county(server)
    await seed_meetings(server, owner_db, county, 4)
    async with await GraphQLWS(server.ws_url).open(county.admin.token) as ws:
        for query, variables in SHAPES:
            # when
            over_http = await gql.execute(query, variables, token=county.admin.token)
            over_ws = await ws.execute(query, variables)

            # then
            assert "errors" not in over_http, over_http
            assert over_http == over_ws, query
        page = await gql.data(SHAPES[0][0], {"first": 3}, token=county.admin.token)
        ids = [e["node"]["id"] for e in page["meetings"]["edges"]]
        query = (
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Meeting { title } } }"
        )
        assert await gql.execute(query, {"ids": ids}, token=county.admin.token) == (
            await ws.execute(query, {"ids": ids})
        )


STATES_PAGE = """
query($states: [MeetingState!], $first: Int, $after: String) {
  meetings(states: $states, first: $first, after: $after) {
    edges { node { title state kind startsAt venue { name } hostUnit { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_a_page_filtered_by_states_shows_those_states_to_whom_may_see_them(
    server, gql, owner_db
):
    # given: six meetings, two announced, one live, the rest drafts
    county = await make_county(server)
    ids = await seed_meetings(server, owner_db, county, 6)
    await owner_db.execute(
        "UPDATE meetings SET state = 'ANNOUNCED' WHERE id = ANY($1)", [ids[0], ids[2]]
    )
    await owner_db.execute("UPDATE meetings SET state = 'LIVE' WHERE id = $1", ids[4])

    async def titles(states: list[str] | None, **who: Any) -> list[tuple[str, str]]:
        data = await gql.data(STATES_PAGE, {"states": states, "first": 10}, **who)
        return [(e["node"]["title"], e["node"]["state"]) for e in data["meetings"]["edges"]]

    admin = {"token": county.admin.token}
    # when / then: the admin gets what each filter names, newest first, enums as names
    assert await titles(["ANNOUNCED"], **admin) == [
        ("第3次座谈会", "ANNOUNCED"),
        ("第1次座谈会", "ANNOUNCED"),
    ]
    assert await titles(["LIVE", "ANNOUNCED"], **admin) == [
        ("第5次座谈会", "LIVE"),
        ("第3次座谈会", "ANNOUNCED"),
        ("第1次座谈会", "ANNOUNCED"),
    ]
    assert [s for _, s in await titles(["DRAFT"], **admin)] == ["DRAFT"] * 3
    assert len(await titles(None, **admin)) == 6
    # ... an anonymous caller of the county never sees the drafts, filtered or not
    assert await titles(["DRAFT"], tenant=county.slug) == []
    assert [s for _, s in await titles(None, tenant=county.slug)] == [
        "LIVE",
        "ANNOUNCED",
        "ANNOUNCED",
    ]
    # ... and the next page follows the cursor under the same filter
    first = await gql.data(STATES_PAGE, {"states": ["DRAFT"], "first": 2}, **admin)
    info = first["meetings"]["pageInfo"]
    assert info["hasNextPage"] is True
    rest = await gql.data(
        STATES_PAGE, {"states": ["DRAFT"], "first": 2, "after": info["endCursor"]}, **admin
    )
    assert [e["node"]["title"] for e in rest["meetings"]["edges"]] == ["第2次座谈会"]
    assert rest["meetings"]["pageInfo"]["hasNextPage"] is False

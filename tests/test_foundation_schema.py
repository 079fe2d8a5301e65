"""The schema as a contract: the committed SDL file is current, everything in it is
described for client developers, and the models agree with the migrations."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    specified_scalar_types,
)

from backend.core.settings import Settings
from backend.server.migrate import pending_model_changes
from schema.schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def test_the_committed_schema_file_is_current():
    # given
    expected = build_schema(Settings()).as_str() + "\n"

    # when
    committed = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""

    # then
    assert committed == expected, (
        "schema/schema.graphql is out of date with the code: run `make schema` and commit it"
    )


def undescribed() -> list[str]:
    """Every type, field and argument of the schema without a description."""
    schema = build_schema(Settings())._schema
    missing: list[str] = []
    for name, type_ in sorted(schema.type_map.items()):
        if name.startswith("__") or name in specified_scalar_types:
            continue
        if not (type_.description or "").strip():
            missing.append(f"type {name}")
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in type_.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"field {name}.{field_name}")
                for arg_name, arg in field.args.items():
                    if not (arg.description or "").strip():
                        missing.append(f"argument {name}.{field_name}({arg_name})")
        elif isinstance(type_, GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"input field {name}.{field_name}")
        else:
            assert isinstance(type_, GraphQLEnumType | GraphQLScalarType | GraphQLUnionType), name
    return missing


def test_every_type_field_and_argument_is_described():
    # when
    missing = undescribed()

    # then
    assert missing == [], "add a description to:\n  " + "\n  ".join(missing)


async def test_models_and_migrations_agree(database_url):
    # when
    changes = await pending_model_changes(database_url)

    # then
    assert changes == [], f"the models differ from the migrations; add a migration: {changes}"


def test_no_two_domains_declare_the_same_root_field():
    """`Query`, `Mutation` and `Subscription` combine every domain's classes; a field two
    of them declare would silently be one of them (the later base is shadowed), so each
    name must come from one class only (decisions and inquiries both had answerOpinion)."""
    from collections import defaultdict

    import schema.schema as roots

    for root in (roots.Query, roots.Mutation, roots.Subscription):
        declared: dict[str, list[str]] = defaultdict(list)
        for base in root.__mro__[1:]:
            definition = getattr(base, "__strawberry_definition__", None)
            for f in definition.fields if definition is not None else ():
                if f.origin is base:
                    declared[f.python_name].append(base.__name__)
        assert {n: c for n, c in declared.items() if len(c) > 1} == {}, root.__name__
        assert len(declared) >= 3  # the check sees the fields

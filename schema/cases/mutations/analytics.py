"""Mutations of case analytics: the county's vocabulary (`backend.cases.board`) and the
classification suggestion (`backend.cases.suggest`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.cases import board, suggest
from backend.cases.errors import CaseErrorCode as Code
from backend.cases.text import Vocabulary
from backend.core.security import Principal
from schema.cases.analytics import CaseVocabulary, vocabulary_type
from schema.cases.mutations.common import payload_errors as case_errors
from schema.cases.types import CaseError
from schema.context import Info
from schema.mutations import mutate
from schema.relay import decode_id, to_global_id


@strawberry.input(description="A word and the variants to count as it.")
class CaseSynonymGroupInput:
    canonical: str = strawberry.field(description="The word the board shows (加装电梯).")
    variants: list[str] = strawberry.field(description="Words counted as it (装电梯, 电梯加装).")


@strawberry.type(description="Result of setCaseVocabulary.")
class CaseVocabularyPayload:
    vocabulary: CaseVocabulary | None = strawberry.field(description="The county's vocabulary now.")
    errors: list[CaseError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="A suggested kind with its probability under the county's model.")
class SuggestedKind:
    kind: str = strawberry.field(description="A CaseKind: CONSULTATION, SUGGESTION or DEMAND.")
    score: float = strawberry.field(description="Probability, 0–1.")


@strawberry.type(description="A suggested responsible unit with its probability.")
class SuggestedUnit:
    unit_id: strawberry.ID = strawberry.field(description="The unit's global id.")
    score: float = strawberry.field(description="Probability, 0–1.")


@strawberry.type(description="What the county's own closed cases suggest for a case.")
class CaseClassificationSuggestion:
    kinds: list[SuggestedKind] = strawberry.field(description="Likeliest first (at most 3).")
    units: list[SuggestedUnit] = strawberry.field(description="Likeliest first (at most 3).")
    trained_on: int = strawberry.field(description="Closed cases the model learnt from.")


@strawberry.type(description="Result of suggestCaseClassification.")
class SuggestCaseClassificationPayload:
    suggestion: CaseClassificationSuggestion | None = strawberry.field(
        description=f"Null while the county has fewer than {suggest.MIN_TRAINING_CASES} "
        "closed cases to learn from."
    )
    errors: list[CaseError] = strawberry.field(description="Why nothing was suggested.")


@strawberry.type
class CaseAnalyticsMutations:
    @strawberry.mutation(
        description="Replace the county's synonyms and stop words for the hot-topic board "
        "and the suggester (county admins). Applies to existing cases too."
    )
    async def set_case_vocabulary(
        self,
        info: Info,
        synonyms: Annotated[
            list[CaseSynonymGroupInput], strawberry.argument(description="Synonym groups.")
        ],
        stop_words: Annotated[list[str], strawberry.argument(description="Extra stop words.")],
    ) -> CaseVocabularyPayload:
        groups = [board.SynonymGroup(canonical=g.canonical, variants=g.variants) for g in synonyms]

        async def work(s: AsyncSession, p: Principal) -> Vocabulary:
            return await board.set_vocabulary(s, p, synonyms=groups, stop_words=stop_words)

        vocabulary, errors = await mutate(info, work)
        if vocabulary is None:
            return CaseVocabularyPayload(vocabulary=None, errors=case_errors(errors))
        return CaseVocabularyPayload(vocabulary=vocabulary_type(vocabulary), errors=[])

    @strawberry.mutation(
        description="Suggest a kind and a responsible unit for a case from the county's "
        "closed cases (naive Bayes over keywords); the best of each is kept on the case for "
        "staff to confirm. County and unit staff, collectors."
    )
    async def suggest_case_classification(
        self,
        info: Info,
        case_id: Annotated[relay.GlobalID, strawberry.argument(description="The case.")],
    ) -> SuggestCaseClassificationPayload:
        async def work(s: AsyncSession, p: Principal) -> suggest.Suggestion | None:
            cid = decode_id(case_id, "Case", field="caseId", code=Code.NOT_FOUND)
            return await suggest.suggest_for_case(s, p, case_id=cid)

        result, errors = await mutate(info, work)
        if errors:
            return SuggestCaseClassificationPayload(suggestion=None, errors=case_errors(errors))
        if result is None:
            return SuggestCaseClassificationPayload(suggestion=None, errors=[])
        return SuggestCaseClassificationPayload(
            suggestion=CaseClassificationSuggestion(
                kinds=[SuggestedKind(kind=k, score=round(p, 4)) for k, p in result.kinds],
                units=[
                    SuggestedUnit(
                        unit_id=strawberry.ID(to_global_id("OrgUnit", u)), score=round(p, 4)
                    )
                    for u, p in result.units
                ],
                trained_on=result.trained_on,
            ),
            errors=[],
        )

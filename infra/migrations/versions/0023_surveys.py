"""decision surveys and sessions: 民意调查 questionnaires on a decision, their questions and
answers, and the 座谈/协商 sessions linked to a decision with their materials record

Revision ID: 0023_surveys
Revises: 0022_video
Create Date: 2026-12-01

`decision_surveys` (the questionnaire, its period and its written report),
`decision_survey_questions` (ordered questions), `decision_survey_responses` (one per
respondent or anonymous key, replaced on a new answer), `decision_sessions` (a meeting
linked to a decision, the materials sent, when and to whom; seed 002 第七条). All
county-owned (RLS).
"""

from collections.abc import Sequence

from alembic import op

from tenants import rls

revision: str = "0023_surveys"
down_revision: str | None = "0022_video"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = (
    "decision_surveys",
    "decision_survey_questions",
    "decision_survey_responses",
    "decision_sessions",
)
_DDL = (
    """CREATE TABLE decision_surveys (
    id BIGSERIAL NOT NULL,
    decision_id BIGINT NOT NULL,
    title VARCHAR(200) NOT NULL,
    intro TEXT,
    allow_anonymous BOOLEAN DEFAULT false NOT NULL,
    state VARCHAR(32) NOT NULL,
    opens_on DATE,
    closes_on DATE,
    published_at TIMESTAMP WITH TIME ZONE,
    closed_at TIMESTAMP WITH TIME ZONE,
    created_by BIGINT,
    report_summary TEXT,
    report_adoption TEXT,
    reported_at TIMESTAMP WITH TIME ZONE,
    reported_by BIGINT,
    tenant_id BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_decision_surveys PRIMARY KEY (id),
    CONSTRAINT fk_decision_surveys_decision_id_decisions FOREIGN KEY(decision_id) REFERENCES decisions (id),
    CONSTRAINT ck_decision_surveys_surveystate CHECK (state IN ('DRAFT', 'OPEN', 'CLOSED')),
    CONSTRAINT fk_decision_surveys_created_by_users FOREIGN KEY(created_by) REFERENCES users (id),
    CONSTRAINT fk_decision_surveys_reported_by_users FOREIGN KEY(reported_by) REFERENCES users (id),
    CONSTRAINT fk_decision_surveys_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_decision_surveys_decision_id ON decision_surveys (decision_id)""",
    """CREATE INDEX ix_decision_surveys_tenant_id ON decision_surveys (tenant_id)""",
    """CREATE TABLE decision_survey_questions (
    id BIGSERIAL NOT NULL,
    survey_id BIGINT NOT NULL,
    position INTEGER NOT NULL,
    kind VARCHAR(32) NOT NULL,
    prompt VARCHAR(500) NOT NULL,
    options JSONB DEFAULT '[]'::jsonb NOT NULL,
    max_choices INTEGER,
    required BOOLEAN DEFAULT false NOT NULL,
    tenant_id BIGINT NOT NULL,
    CONSTRAINT pk_decision_survey_questions PRIMARY KEY (id),
    CONSTRAINT uq_decision_survey_questions_survey_id_position UNIQUE (survey_id, position),
    CONSTRAINT fk_decision_survey_questions_survey_id_decision_surveys FOREIGN KEY(survey_id) REFERENCES decision_surveys (id),
    CONSTRAINT ck_decision_survey_questions_questionkind CHECK (kind IN ('SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'SCALE', 'TEXT')),
    CONSTRAINT fk_decision_survey_questions_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_decision_survey_questions_survey_id ON decision_survey_questions (survey_id)""",
    """CREATE INDEX ix_decision_survey_questions_tenant_id ON decision_survey_questions (tenant_id)""",
    """CREATE TABLE decision_survey_responses (
    id BIGSERIAL NOT NULL,
    survey_id BIGINT NOT NULL,
    respondent_user_id BIGINT,
    idempotency_key VARCHAR(80) NOT NULL,
    answers JSONB NOT NULL,
    revision INTEGER DEFAULT 1 NOT NULL,
    changed_at TIMESTAMP WITH TIME ZONE,
    tenant_id BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_decision_survey_responses PRIMARY KEY (id),
    CONSTRAINT uq_decision_survey_responses_survey_id_idempotency_key UNIQUE (survey_id, idempotency_key),
    CONSTRAINT fk_decision_survey_responses_survey_id_decision_surveys FOREIGN KEY(survey_id) REFERENCES decision_surveys (id),
    CONSTRAINT fk_decision_survey_responses_respondent_user_id_users FOREIGN KEY(respondent_user_id) REFERENCES users (id),
    CONSTRAINT fk_decision_survey_responses_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_decision_survey_responses_respondent_user_id ON decision_survey_responses (respondent_user_id)""",
    """CREATE INDEX ix_decision_survey_responses_survey_id ON decision_survey_responses (survey_id)""",
    """CREATE INDEX ix_decision_survey_responses_tenant_id ON decision_survey_responses (tenant_id)""",
    """CREATE UNIQUE INDEX uq_decision_survey_responses_respondent ON decision_survey_responses (survey_id, respondent_user_id) WHERE respondent_user_id IS NOT NULL""",
    """CREATE TABLE decision_sessions (
    id BIGSERIAL NOT NULL,
    decision_id BIGINT NOT NULL,
    meeting_id BIGINT NOT NULL,
    version_id BIGINT NOT NULL,
    explanation TEXT NOT NULL,
    materials_sent_at TIMESTAMP WITH TIME ZONE NOT NULL,
    recipients JSONB NOT NULL,
    rule_cited TEXT NOT NULL,
    linked_by BIGINT,
    tenant_id BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_decision_sessions PRIMARY KEY (id),
    CONSTRAINT uq_decision_sessions_decision_id_meeting_id UNIQUE (decision_id, meeting_id),
    CONSTRAINT fk_decision_sessions_decision_id_decisions FOREIGN KEY(decision_id) REFERENCES decisions (id),
    CONSTRAINT fk_decision_sessions_meeting_id_meetings FOREIGN KEY(meeting_id) REFERENCES meetings (id),
    CONSTRAINT fk_decision_sessions_version_id_decision_versions FOREIGN KEY(version_id) REFERENCES decision_versions (id),
    CONSTRAINT fk_decision_sessions_linked_by_users FOREIGN KEY(linked_by) REFERENCES users (id),
    CONSTRAINT fk_decision_sessions_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_decision_sessions_decision_id ON decision_sessions (decision_id)""",
    """CREATE INDEX ix_decision_sessions_meeting_id ON decision_sessions (meeting_id)""",
    """CREATE INDEX ix_decision_sessions_tenant_id ON decision_sessions (tenant_id)""",
)


def upgrade() -> None:
    for statement in _DDL:
        op.execute(statement)
    for table in _TABLES:
        for statement in rls.tenant_table(table):
            op.execute(statement)
    for statement in rls.sequences_grant():
        op.execute(statement)


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.drop_table(table)

"""video: 云视频 rooms of meetings, floor grants, attendance and recordings

Revision ID: 0022_video
Revises: 0021_representatives
Create Date: 2026-12-01

`video_rooms` (one per meeting, its participant limit), `video_grants` (the floor given
by a host), `video_attendance` (who was in a room, from when to when and why they left),
`video_recordings` (the file, its sha256 and size once stopped). All county-owned (RLS).
"""

from collections.abc import Sequence

from alembic import op

from tenants import rls

revision: str = "0022_video"
down_revision: str | None = "0021_representatives"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("video_rooms", "video_grants", "video_recordings", "video_attendance")
_DDL = (
    """CREATE TABLE video_rooms (
    id BIGSERIAL NOT NULL,
    meeting_id BIGINT NOT NULL,
    participant_limit INTEGER NOT NULL,
    is_open BOOLEAN DEFAULT true NOT NULL,
    created_by BIGINT NOT NULL,
    tenant_id BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_video_rooms PRIMARY KEY (id),
    CONSTRAINT fk_video_rooms_meeting_id_meetings FOREIGN KEY(meeting_id) REFERENCES meetings (id),
    CONSTRAINT fk_video_rooms_created_by_users FOREIGN KEY(created_by) REFERENCES users (id),
    CONSTRAINT fk_video_rooms_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_video_rooms_tenant_id ON video_rooms (tenant_id)""",
    """CREATE UNIQUE INDEX ix_video_rooms_meeting_id ON video_rooms (meeting_id)""",
    """CREATE TABLE video_grants (
    id BIGSERIAL NOT NULL,
    room_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    granted_by BIGINT NOT NULL,
    speaking_request_id BIGINT,
    revoked_at TIMESTAMP WITH TIME ZONE,
    tenant_id BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_video_grants PRIMARY KEY (id),
    CONSTRAINT fk_video_grants_room_id_video_rooms FOREIGN KEY(room_id) REFERENCES video_rooms (id),
    CONSTRAINT fk_video_grants_user_id_users FOREIGN KEY(user_id) REFERENCES users (id),
    CONSTRAINT fk_video_grants_granted_by_users FOREIGN KEY(granted_by) REFERENCES users (id),
    CONSTRAINT fk_video_grants_speaking_request_id_speaking_requests FOREIGN KEY(speaking_request_id) REFERENCES speaking_requests (id),
    CONSTRAINT fk_video_grants_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_video_grants_user_id ON video_grants (user_id)""",
    """CREATE INDEX ix_video_grants_room_id ON video_grants (room_id)""",
    """CREATE INDEX ix_video_grants_tenant_id ON video_grants (tenant_id)""",
    """CREATE TABLE video_recordings (
    id BIGSERIAL NOT NULL,
    room_id BIGINT NOT NULL,
    file_name VARCHAR(200) NOT NULL,
    started_by BIGINT NOT NULL,
    stopped_at TIMESTAMP WITH TIME ZONE,
    sha256 VARCHAR(64),
    bytes BIGINT,
    tenant_id BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_video_recordings PRIMARY KEY (id),
    CONSTRAINT fk_video_recordings_room_id_video_rooms FOREIGN KEY(room_id) REFERENCES video_rooms (id),
    CONSTRAINT fk_video_recordings_started_by_users FOREIGN KEY(started_by) REFERENCES users (id),
    CONSTRAINT fk_video_recordings_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_video_recordings_tenant_id ON video_recordings (tenant_id)""",
    """CREATE INDEX ix_video_recordings_room_id ON video_recordings (room_id)""",
    """CREATE TABLE video_attendance (
    id BIGSERIAL NOT NULL,
    room_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    publishing BOOLEAN NOT NULL,
    left_at TIMESTAMP WITH TIME ZONE,
    left_reason VARCHAR(16),
    tenant_id BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_video_attendance PRIMARY KEY (id),
    CONSTRAINT fk_video_attendance_room_id_video_rooms FOREIGN KEY(room_id) REFERENCES video_rooms (id),
    CONSTRAINT fk_video_attendance_user_id_users FOREIGN KEY(user_id) REFERENCES users (id),
    CONSTRAINT fk_video_attendance_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_video_attendance_tenant_id ON video_attendance (tenant_id)""",
    """CREATE INDEX ix_video_attendance_room_id ON video_attendance (room_id)""",
    """CREATE INDEX ix_video_attendance_user_id ON video_attendance (user_id)""",
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

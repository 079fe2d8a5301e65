"""GraphQL API of 云视频 rooms (`backend.video`, media by `realtime.video`)."""

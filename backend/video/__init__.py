"""云视频 rooms of a meeting: who may publish and who watches, the floor, recordings.

The records and rules only; the media (aiortc) is `realtime.video`, the API `schema.video`.
"""

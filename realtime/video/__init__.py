"""The 云视频 media server: aiortc peers, forwarding without re-encoding, recording.

The only place that knows aiortc (docs/video.md). Domains decide who may join and publish
(`backend.video`); `schema.video` asks this server for the SDP answer inside the mutation's
unit of work and hands it what it needs from above as callbacks.
"""

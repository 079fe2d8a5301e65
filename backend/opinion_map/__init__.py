"""The opinion map (意见地图) of a live meeting: short statements voted agree / disagree /
pass, participants grouped by how they vote (Pol.is), with each group's representative
statements and the consensus across groups, updated live.

The math is `math.py`; the workflows `maps.py` (turning the map on and off),
`statements.py` (statements and their moderation), `voting.py` (votes and which statement
to show next) and `compute.py` (recomputing, coalesced, off the event loop). The API is
`schema.opinion_map`; docs/opinion-map.md.
"""

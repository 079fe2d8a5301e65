"""Real time: the event log (hash chain), group commit, the pub/sub hub, multiplexed
GraphQL subscriptions over websockets, and coalesced live values."""

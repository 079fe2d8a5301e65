"""Prometheus metrics of the real-time path."""

from prometheus_client import Counter, Gauge, Histogram

# With several workers (backend.core.observability.metrics_text) a gauge is the sum over the live
# worker processes.
SUBSCRIBERS = Gauge(
    "yishi_subscribers", "Connected subscription operations", multiprocess_mode="livesum"
)
GROUPS = Gauge(
    "yishi_subscription_groups", "Multiplexed subscription groups", multiprocess_mode="livesum"
)
EVENTS_APPENDED = Counter("yishi_events_appended_total", "Events appended to the log")
EVENTS_DELIVERED = Counter("yishi_events_delivered_total", "Event frames sent to subscribers")
LAGGED = Counter(
    "yishi_subscribers_lagged_total", "Subscribers that fell behind and resumed from the log"
)
HUB_RECONNECTS = Counter("yishi_hub_reconnects_total", "Pub/sub reconnections")
CATCH_UPS = Counter("yishi_feed_catchups_total", "Gaps filled from the log by stream feeds")
REPLAY_RETRIES = Counter(
    "yishi_replay_retries_total", "Log reads of a replaying subscriber that failed and were retried"
)
DELIVERY_LAG = Histogram(
    "yishi_delivery_lag_seconds",
    "Commit to hand-off to the websocket",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
OWNER_HANDED_OVER = Counter(
    "yishi_owner_handed_over_total",
    "Operations this worker handed to the owner of a stream in another worker",
)
OWNER_SERVED = Counter(
    "yishi_owner_served_total", "Operations other workers handed to this worker as an owner"
)
OWNER_MESSAGES = Counter(
    "yishi_owner_relay_messages_total",
    "Sealed relay messages published (requests to an owner, replies from one)",
    ["what"],
)

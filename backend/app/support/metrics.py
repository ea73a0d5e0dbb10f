"""Prometheus metrics of the chat (served at /metrics with the rest)."""

from prometheus_client import Counter, Gauge

OPEN_SOCKETS = Gauge(
    "shop_support_open_sockets",
    "Support chat WebSockets open (on all the API processes of this instance)",
    multiprocess_mode="livesum",
)
MESSAGES = Counter(
    "shop_support_messages", "Support chat messages stored", ["author"]
)  # exposed as shop_support_messages_total{author="customer"|"staff"}

"""Support chat: customers talk to staff live over a WebSocket; history over REST."""

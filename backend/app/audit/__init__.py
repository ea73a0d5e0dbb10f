"""The audit log of staff writes, from the panel and the API."""

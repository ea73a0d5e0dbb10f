"""Development tooling, not part of the app or its image: `make run` (devserver), the demo data
and its loader (seed), `make backup` / `make restore` (backup), `make webhook` (send_webhook),
and the embedded PostgreSQL, Redis and mail catcher that `make run`, the tests and the
benchmarks start (embedded)."""

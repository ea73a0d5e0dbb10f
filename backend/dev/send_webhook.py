"""Send a signed test credit to the payment webhook, as the payment provider would.

    python -m dev.send_webhook --user-id 3 --account-id 1 --amount 50.00
    make webhook USER_ID=3 ACCOUNT_ID=1 AMOUNT=50.00

Signs with WEBHOOK_SECRET from the environment (or .env), like the running API does."""

import argparse
import sys
import uuid
from decimal import Decimal

import httpx

from app.core.config import settings
from app.payments.webhook import build_request


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--user-id", type=int, required=True, help="the account owner's user id")
    parser.add_argument(
        "--account-id", type=int, required=True, help="the user's account (GET /accounts)"
    )
    parser.add_argument("--amount", type=Decimal, required=True, help="e.g. 50.00")
    parser.add_argument(
        "--transaction-id", default=None, help="the provider's id (default: a new random one)"
    )
    parser.add_argument(
        "--top-up-id", type=int, default=None, help="the top-up this payment completes, if any"
    )
    parser.add_argument(
        "--url",
        default=f"http://127.0.0.1:{settings.port}",
        help="the shop's base URL (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    transaction_id = args.transaction_id or f"test-{uuid.uuid4().hex[:16]}"
    body, headers = build_request(
        args.user_id,
        args.account_id,
        args.amount,
        transaction_id,
        settings.webhook_secret.get_secret_value(),
        args.top_up_id,
    )
    url = args.url.rstrip("/") + "/api/v1/payments/webhook"
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=10)
    except httpx.TransportError as exc:
        print(f"cannot reach {url}: {exc}", file=sys.stderr)
        return 2
    print(f"{response.status_code} {response.text}")
    return 0 if response.is_success else 1


if __name__ == "__main__":
    sys.exit(main())

"""Money in the shop: NUMERIC(12, 2) in the database, exact Decimals in Python, cents at most.

Every amount (prices, order totals, balances, ledger entries, top-ups) is stored in a column
of `MONEY_COLUMN` and stays within `MONEY_MAX`; input amounts are `app.core.types.Money`.
"""

from decimal import Decimal

from sqlalchemy import Numeric

MONEY_COLUMN = Numeric(12, 2)
# The largest amount NUMERIC(12,2) holds: prices, order totals and balances stay below it.
MONEY_MAX = Decimal("9999999999.99")
CENT = Decimal("0.01")


def has_cents_at_most(amount: Decimal) -> bool:
    """Whether `amount` needs no more than two decimals."""
    return amount == amount.quantize(CENT)


def quantize(amount: Decimal) -> Decimal:
    """`amount` written with exactly two decimals (12.5 -> 12.50)."""
    return amount.quantize(CENT)

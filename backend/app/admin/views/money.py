"""Money: accounts and their ledger, read-only (a balance changes only with its ledger entry:
a webhook credit, a payment, a refund)."""

from typing import Any

from sqladmin.filters import AllUniqueStringValuesFilter
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from starlette.requests import Request

from app.admin.views.base import SafeForeignKeyFilter, ShopModelView, money, money_of
from app.admin.views.orders import customer_text
from app.models import Account, Transaction


def owner_text(account: Account | None) -> str:
    return customer_text(account.user) if account is not None else ""


class AccountAdmin(ShopModelView, model=Account):
    name, name_plural = "Money account", "Money accounts"
    icon = "fa-solid fa-wallet"
    category, category_icon = "Money", "fa-solid fa-coins"

    can_create = can_edit = can_delete = False

    column_list = [Account.id, Account.user, Account.balance, Account.updated_at]
    column_details_list = [*column_list, Account.currency, Account.created_at]
    column_searchable_list = ["user.email", "user.username"]
    column_sortable_list = [Account.id, Account.balance, Account.updated_at]
    column_default_sort = [("balance", True)]
    column_labels = {Account.id: "Account", Account.user: "Owner", Account.updated_at: "Updated"}
    column_formatters = {
        Account.balance: money_of("balance"),
        Account.user: lambda m, a: customer_text(m.user),
    }
    column_formatters_detail = column_formatters


class TransactionAdmin(ShopModelView, model=Transaction):
    name, name_plural = "Transaction", "Transactions"
    icon = "fa-solid fa-money-bill-transfer"
    category, category_icon = "Money", "fa-solid fa-coins"

    # The ledger is append-only.
    can_create = can_edit = can_delete = False

    column_list = [
        Transaction.created_at,
        Transaction.account,
        Transaction.kind,
        Transaction.amount,
        Transaction.order,
        Transaction.external_id,
    ]
    column_details_list = [Transaction.id, *column_list]
    column_searchable_list = [Transaction.external_id]
    column_sortable_list = [Transaction.id, Transaction.amount, Transaction.created_at]
    column_default_sort = [("id", True)]
    column_filters = [
        AllUniqueStringValuesFilter(Transaction.kind, title="Kind"),
        SafeForeignKeyFilter(
            Transaction.account_id, Account.id, title="Account", parameter_name="account"
        ),
    ]
    column_labels = {
        Transaction.account: "Account of",
        Transaction.external_id: "Provider id",
        Transaction.created_at: "At",
    }
    column_formatters = {
        Transaction.amount: lambda m, a: money(m.amount, m.account.currency),
        Transaction.account: lambda m, a: f"{owner_text(m.account)} (account {m.account_id})",
    }
    column_formatters_detail = column_formatters

    # The account's owner is named on every row.
    def list_query(self, request: Request) -> Select[Any]:
        return (
            super()
            .list_query(request)
            .options(selectinload(Transaction.account).selectinload(Account.user))
        )

    def details_query(self, request: Request) -> Select[Any]:
        return (
            super()
            .details_query(request)
            .options(selectinload(Transaction.account).selectinload(Account.user))
        )

"""The one table of what each role may do to an order (app.auth.permissions) says what the
shop promises, and the admin panel's grants come from it (the API asks it in the orders
service; tests/orders/test_order_permissions.py walks both)."""

from sqladmin.authorization import custom_action

from app.admin.authorization import SUPPORT_GRANTS
from app.auth.permissions import OrderAction, order_actions
from app.models import RoleName
from tests.orders.test_order_permissions import EXPECTED


def test_the_order_table_gives_money_decisions_to_admins_and_the_owner_their_own_cancel():
    table = {
        "owner": order_actions(RoleName.customer, owner=True),
        "support": order_actions(RoleName.support),
        "admin": order_actions(RoleName.admin),
    }

    assert {
        who: {action.value: action in allowed for action in OrderAction}
        for who, allowed in table.items()
    } == EXPECTED
    # Another customer's order: nothing (the API does not even show it: 404).
    assert order_actions(RoleName.customer) == frozenset()
    assert order_actions(None) == frozenset()
    # Staff who ordered for themselves keep an owner's rights to their own order.
    assert order_actions(RoleName.support, owner=True) == {
        OrderAction.move,
        OrderAction.cancel,
        OrderAction.refund,
    }


def test_the_panel_grants_support_the_order_actions_of_the_table_and_no_more():
    granted = {action for identity, action in SUPPORT_GRANTS if identity == "order"}

    assert granted - {"list", "details"} == {
        custom_action(action) for action in order_actions(RoleName.support)
    }
    assert custom_action(OrderAction.refund) not in granted
    assert custom_action(OrderAction.refund_line) not in granted

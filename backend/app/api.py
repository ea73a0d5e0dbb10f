"""Every domain router, mounted under /api/v1."""

from fastapi import APIRouter

from app.auth.router import router as auth_router
from app.cart.router import router as cart_router
from app.catalog.options_router import router as options_router
from app.catalog.router import router as catalog_router
from app.health.router import router as health_router
from app.info.router import router as info_router
from app.orders.router import router as orders_router
from app.payments.providers.testing_page import router as test_provider_router
from app.payments.router import router as payments_router
from app.stores.router import router as stores_router
from app.support.router import router as support_router
from app.users.router import admin_router as users_admin_router
from app.users.router import router as users_router

api_router = APIRouter(prefix="/api/v1")
for router in (
    health_router,
    auth_router,
    users_router,
    users_admin_router,
    catalog_router,
    options_router,
    stores_router,
    info_router,
    cart_router,
    orders_router,
    payments_router,
    test_provider_router,
    support_router,
):
    api_router.include_router(router)

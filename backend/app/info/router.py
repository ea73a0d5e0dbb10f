from fastapi import APIRouter

from app.core.config import settings
from app.core.db import SessionDep
from app.core.schemas import Schema
from app.stores import service as stores_service
from app.stores.schemas import StoreRead

router = APIRouter(tags=["info"])


class Contacts(Schema):
    email: str
    phone: str


class ShopInfo(Schema):
    name: str
    currency: str
    contacts: Contacts
    delivery_terms: str
    pickup_terms: str
    stores: list[StoreRead]


@router.get("/info", response_model=ShopInfo)
async def shop_info(session: SessionDep) -> ShopInfo:
    """The shop's name, contacts, delivery and pickup terms, and every store's address and
    opening hours."""
    stores = await stores_service.active_stores(session)
    return ShopInfo(
        name=settings.project_name,
        currency=settings.currency,
        contacts=Contacts(email=settings.shop_email, phone=settings.shop_phone),
        delivery_terms=settings.delivery_terms,
        pickup_terms=settings.pickup_terms,
        stores=[StoreRead.model_validate(store) for store in stores],
    )

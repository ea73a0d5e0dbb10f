from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile, status
from fastapi.responses import Response
from pydantic import Field, TypeAdapter
from pydantic.json_schema import SkipJsonSchema

from app.auth.dependencies import AdminUser, OptionalUser
from app.auth.errors import InsufficientRole
from app.auth.permissions import is_admin
from app.catalog import service
from app.catalog.errors import (
    CategoryCycle,
    CategoryNotEmpty,
    CategoryNotFound,
    ImageNotFound,
    ImageTooLarge,
    ProductNotFound,
    SlugTaken,
    UnsupportedImage,
)
from app.catalog.repository import CATEGORY_LIST, PRODUCT_LIST, RANK_WINDOW
from app.catalog.schemas import (
    Availability,
    CategoryAdminRead,
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    ImageRead,
    ImageUpdate,
    ProductAdminDetail,
    ProductAdminRead,
    ProductCreate,
    ProductDetail,
    ProductRead,
    ProductUpdate,
)
from app.core.db import SessionDep
from app.core.errors import PayloadTooLarge, Unauthorized, problem_responses
from app.core.language import LanguageDep
from app.core.listing import InvalidListQuery, ListParamsDep, Page
from app.core.responses import revalidated_json
from app.core.types import PathId, TextLimits
from app.models import Category, Product, ProductImage
from app.stores import service as stores_service

router = APIRouter(tags=["catalog"])

CategoryId = PathId
ProductId = PathId
ImageId = PathId
ADMIN = (Unauthorized, InsufficientRole)
PRODUCT_PAGE = TypeAdapter(Page[ProductRead])
PRODUCT = TypeAdapter(ProductDetail)
ADMIN_PRODUCT = TypeAdapter(ProductAdminDetail)
CACHING = " Answers carry an ETag: send it back in If-None-Match to get 304 when nothing changed."
IN_LANGUAGE = (
    " Texts (names, descriptions, attribute values) in the language of `lang` or "
    "Accept-Language (Content-Language says which)."
)


@router.get(
    "/categories",
    response_model=Page[CategoryRead],
    responses=problem_responses(InvalidListQuery),
    description="Categories with their direct children. " + CATEGORY_LIST.describe() + IN_LANGUAGE,
    openapi_extra=CATEGORY_LIST.openapi_extra(),
)
async def list_categories(
    session: SessionDep, params: ListParamsDep, language: LanguageDep
) -> Page[Any]:
    return await service.list_categories(session, params, language)


@router.get(
    "/categories/{category_id}",
    response_model=CategoryRead,
    responses=problem_responses(CategoryNotFound),
    description="A category with its direct children." + IN_LANGUAGE,
)
async def get_category(
    category_id: CategoryId, session: SessionDep, language: LanguageDep
) -> CategoryRead:
    return await service.view_category(session, category_id, language)


@router.post(
    "/categories",
    response_model=CategoryAdminRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(*ADMIN, CategoryNotFound, SlugTaken),
)
async def create_category(data: CategoryCreate, admin: AdminUser, session: SessionDep) -> Category:
    """Create a category; `slug` defaults to one made from the name."""
    return await service.create_category(session, data)


@router.put(
    "/categories/{category_id}",
    response_model=CategoryAdminRead,
    responses=problem_responses(*ADMIN, CategoryNotFound, SlugTaken, CategoryCycle),
)
async def replace_category(
    category_id: CategoryId, data: CategoryCreate, admin: AdminUser, session: SessionDep
) -> Category:
    return await service.update_category(session, category_id, data)


@router.patch(
    "/categories/{category_id}",
    response_model=CategoryAdminRead,
    responses=problem_responses(*ADMIN, CategoryNotFound, SlugTaken, CategoryCycle),
)
async def update_category(
    category_id: CategoryId, data: CategoryUpdate, admin: AdminUser, session: SessionDep
) -> Category:
    return await service.update_category(session, category_id, data)


@router.delete(
    "/categories/{category_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*ADMIN, CategoryNotFound, CategoryNotEmpty),
)
async def delete_category(category_id: CategoryId, admin: AdminUser, session: SessionDep) -> None:
    """Delete an empty category; one that still has products or subcategories answers 409."""
    await service.delete_category(session, category_id)


@router.get(
    "/products",
    response_model=Page[ProductRead],
    responses=problem_responses(InvalidListQuery),
    description=(
        "Active products (admins also see inactive ones). `category_id` includes "
        "subcategories; `store_id` keeps products in stock at that store; `q` searches "
        "names, descriptions, attribute values and the names and search terms of the "
        "product's category and its parent categories (`coffee` finds the single-origin "
        "beans under Coffee), stemmed in English and Russian, matching word prefixes and "
        "mistyped words (`cofee`): name matches first unless `sort` is given, ranked among "
        f"the newest {RANK_WINDOW:,} matches when there are more (`total` still counts them "
        "all); Russian words find Russian names and descriptions. "
        + PRODUCT_LIST.describe()
        + CACHING
        + IN_LANGUAGE
    ),
    openapi_extra=PRODUCT_LIST.openapi_extra(),
)
async def list_products(
    request: Request, params: ListParamsDep, user: OptionalUser, language: LanguageDep
) -> Response:
    page = await service.list_products(params, is_admin=is_admin(user), language=language)
    body = PRODUCT_PAGE.dump_json(PRODUCT_PAGE.validate_python(page, from_attributes=True))
    return revalidated_json(request, body, private=user is not None, language=language)


@router.get(
    "/products/{product_id}",
    response_model=ProductDetail,
    responses=problem_responses(ProductNotFound),
    description="A product by numeric id or by slug (one path with PUT, PATCH and DELETE by "
    "id), with its active `variants` (every product has one at least; `price` is the lowest) "
    "and its `modifier_groups`; admins also get its `translations` (as "
    "ProductAdminDetail)." + CACHING + IN_LANGUAGE,
)
async def get_product(
    product_id: Annotated[
        str, Path(max_length=220, description="The product's numeric id or its slug")
    ],
    request: Request,
    user: OptionalUser,
    language: LanguageDep,
) -> Response:
    key: int | str = (
        int(product_id) if product_id.isdigit() and len(product_id) < 19 else product_id
    )
    admin = is_admin(user)
    product = await service.view_product(key, is_admin=admin, language=language)
    if admin:
        body = ADMIN_PRODUCT.dump_json(ADMIN_PRODUCT.validate_python(product))
    else:
        body = PRODUCT.dump_json(PRODUCT.validate_python(product))
    return revalidated_json(request, body, private=user is not None, language=language)


@router.get(
    "/products/{product_id}/availability",
    response_model=list[Availability],
    responses=problem_responses(ProductNotFound),
)
async def product_availability(
    product_id: ProductId, session: SessionDep, user: OptionalUser
) -> list[Availability]:
    """Quantity in stock at every store (0 where the store does not carry it)."""
    await service.get_product(session, product_id, is_admin=is_admin(user))
    return await stores_service.availability(session, product_id)


@router.post(
    "/products",
    response_model=ProductAdminRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(*ADMIN, CategoryNotFound, SlugTaken),
)
async def create_product(data: ProductCreate, admin: AdminUser, session: SessionDep) -> Product:
    return await service.create_product(session, data)


@router.put(
    "/products/{product_id}",
    response_model=ProductAdminRead,
    responses=problem_responses(*ADMIN, ProductNotFound, CategoryNotFound, SlugTaken),
)
async def replace_product(
    product_id: ProductId, data: ProductCreate, admin: AdminUser, session: SessionDep
) -> Product:
    return await service.update_product(session, product_id, data)


@router.patch(
    "/products/{product_id}",
    response_model=ProductAdminRead,
    responses=problem_responses(*ADMIN, ProductNotFound, CategoryNotFound, SlugTaken),
)
async def update_product(
    product_id: ProductId, data: ProductUpdate, admin: AdminUser, session: SessionDep
) -> Product:
    return await service.update_product(session, product_id, data)


@router.delete(
    "/products/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*ADMIN, ProductNotFound),
)
async def delete_product(product_id: ProductId, admin: AdminUser, session: SessionDep) -> None:
    await service.delete_product(session, product_id)


@router.post(
    "/products/{product_id}/images",
    response_model=ImageRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(
        *ADMIN, ProductNotFound, UnsupportedImage, ImageTooLarge, PayloadTooLarge
    ),
)
async def upload_image(
    product_id: ProductId,
    admin: AdminUser,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="JPEG, PNG or WEBP, at most 5 MiB")],
    alt_text: Annotated[Annotated[str, TextLimits(200)], Form()] = "",
    # Not nullable: a form cannot carry null, so the field is simply left out.
    position: Annotated[
        Annotated[int, Field(ge=0, le=1000)] | SkipJsonSchema[None],
        Form(description="Left out: after the last"),
    ] = None,
) -> ProductImage:
    """Upload an image. The type is read from the bytes; the image is decoded and encoded
    again (metadata dropped) and stored under a random name, served from /media."""
    raw = await file.read()
    return await service.add_image(session, product_id, raw, alt_text=alt_text, position=position)


@router.patch(
    "/products/{product_id}/images/{image_id}",
    response_model=ImageRead,
    responses=problem_responses(*ADMIN, ImageNotFound),
)
async def update_image(
    product_id: ProductId,
    image_id: ImageId,
    data: ImageUpdate,
    admin: AdminUser,
    session: SessionDep,
) -> ProductImage:
    """Change an image's position (ordering) or alt text."""
    return await service.update_image(session, product_id, image_id, data)


@router.delete(
    "/products/{product_id}/images/{image_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*ADMIN, ImageNotFound),
)
async def delete_image(
    product_id: ProductId, image_id: ImageId, admin: AdminUser, session: SessionDep
) -> None:
    await service.delete_image(session, product_id, image_id)

"""What a product is sold as and with (issue 24), as admins write it: variants, shared
modifier groups and their modifiers, the groups a product carries. The rules the database
keeps (a product's price is its lowest active variant's; every product has a variant) are
its triggers' (migration 0015); these add what an admin is told: a SKU taken or reserved,
the last active variant, a group whose choices do not add up."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.catalog.errors import (
    VARIANT_WRITE_CONSTRAINTS,
    InvalidModifierGroup,
    LastVariant,
    ModifierGroupNotFound,
    ModifierNotFound,
    ProductNotFound,
    SkuTaken,
    VariantNotFound,
)
from app.catalog.schemas import (
    ModifierCreate,
    ModifierGroupAdminRead,
    ModifierGroupCreate,
    ModifierGroupUpdate,
    ModifierUpdate,
    VariantCreate,
    VariantUpdate,
)
from app.catalog.translations import write_translations
from app.core.db import savepoint
from app.models import (
    Modifier,
    ModifierGroup,
    ModifierGroupTranslation,
    ModifierKind,
    ModifierTranslation,
    Product,
    ProductModifierGroup,
    ProductVariant,
    ProductVariantTranslation,
)

# --- variants -------------------------------------------------------------------------------


def variant_label(variant: ProductVariant) -> dict[str, Any]:
    """How a problem names a variant: {id, sku, name}."""
    return {"id": variant.id, "sku": variant.sku, "name": variant.name}


async def product_variants(
    session: AsyncSession, product_id: int, *, lock: bool = False
) -> list[ProductVariant]:
    """A product's variants, inactive ones too, in its order; `lock`: until the commit (two
    admins deactivating the last two variants at once are served one after the other)."""
    query = (
        select(ProductVariant)
        .where(ProductVariant.product_id == product_id)
        .order_by(ProductVariant.position, ProductVariant.id)
    )
    if lock:
        query = query.with_for_update()
    return list(await session.scalars(query))


async def get_variant(session: AsyncSession, variant_id: int) -> ProductVariant:
    variant = await session.scalar(
        select(ProductVariant)
        .where(ProductVariant.id == variant_id)
        .options(selectinload(ProductVariant.translations))
        .execution_options(populate_existing=True)
    )
    if variant is None:
        raise VariantNotFound
    return variant


async def _sku_free(session: AsyncSession, sku: str, variant_id: int | None = None) -> None:
    holder = await session.scalar(select(ProductVariant.id).where(ProductVariant.sku == sku))
    if holder is not None and holder != variant_id:
        raise SkuTaken(f"The SKU {sku} is taken by another variant: choose another.")


async def create_variant(
    session: AsyncSession, product_id: int, data: VariantCreate
) -> ProductVariant:
    if await session.get(Product, product_id) is None:
        raise ProductNotFound
    await _sku_free(session, data.sku)
    values = data.model_dump(exclude={"translations"})
    if values["position"] is None:
        siblings = await product_variants(session, product_id)
        values["position"] = max((v.position for v in siblings), default=-1) + 1
    variant = ProductVariant(product_id=product_id, **values, translations={})
    write_translations(variant, data, ProductVariantTranslation)
    async with savepoint(session, VARIANT_WRITE_CONSTRAINTS):
        session.add(variant)
    return await get_variant(session, variant.id)


def _refuse_last(variant: ProductVariant, siblings: list[ProductVariant], doing: str) -> None:
    others = [v for v in siblings if v.is_active and v.id != variant.id]
    if variant.is_active and not others:
        raise LastVariant(
            f"{variant.name or variant.sku} is the product's last active variant: it cannot be "
            f"{doing}. A product is sold as one variant at least: add or activate another "
            "first, or deactivate the product."
        )


async def update_variant(
    session: AsyncSession, variant_id: int, data: VariantUpdate
) -> ProductVariant:
    variant = await get_variant(session, variant_id)
    changes = data.model_dump(exclude_unset=True, exclude={"translations"})
    if changes.get("is_active") is False:
        _refuse_last(
            variant, await product_variants(session, variant.product_id, lock=True), "deactivated"
        )
    if changes.get("sku") is not None:
        await _sku_free(session, changes["sku"], variant.id)
    async with savepoint(session, VARIANT_WRITE_CONSTRAINTS):
        for field, value in changes.items():
            if value is not None:
                setattr(variant, field, value)
        write_translations(variant, data, ProductVariantTranslation)
    return await get_variant(session, variant.id)


async def delete_variant(session: AsyncSession, variant_id: int) -> None:
    """Its stock rows go with it; cart and order lines keep their snapshot (SET NULL)."""
    variant = await get_variant(session, variant_id)
    _refuse_last(variant, await product_variants(session, variant.product_id, lock=True), "deleted")
    await session.delete(variant)
    await session.flush()


# --- modifier groups and modifiers ----------------------------------------------------------


def _group_query() -> Select[ModifierGroup]:
    return select(ModifierGroup).options(
        selectinload(ModifierGroup.translations),
        selectinload(ModifierGroup.modifiers).selectinload(Modifier.translations),
    )


async def _groups_read(
    session: AsyncSession, groups: list[ModifierGroup]
) -> list[ModifierGroupAdminRead]:
    """The groups as admins read them, with the products carrying each (one statement)."""
    carriers: dict[int, list[int]] = {group.id: [] for group in groups}
    if groups:
        rows = await session.execute(
            select(ProductModifierGroup.group_id, ProductModifierGroup.product_id)
            .where(ProductModifierGroup.group_id.in_(list(carriers)))
            .order_by(ProductModifierGroup.product_id)
        )
        for group_id, product_id in rows:
            carriers[group_id].append(product_id)
    return [
        ModifierGroupAdminRead.model_validate(
            {
                **{
                    f: getattr(group, f)
                    for f in ModifierGroupAdminRead.model_fields
                    if f != "product_ids"
                },
                "product_ids": carriers[group.id],
            },
            from_attributes=True,
        )
        for group in groups
    ]


async def _group(session: AsyncSession, group_id: int) -> ModifierGroup:
    group = await session.scalar(
        _group_query().where(ModifierGroup.id == group_id).execution_options(populate_existing=True)
    )
    if group is None:
        raise ModifierGroupNotFound
    return group


async def list_groups(session: AsyncSession) -> list[ModifierGroupAdminRead]:
    groups = list(
        await session.scalars(_group_query().order_by(ModifierGroup.name, ModifierGroup.id))
    )
    return await _groups_read(session, groups)


async def read_group(session: AsyncSession, group_id: int) -> ModifierGroupAdminRead:
    return (await _groups_read(session, [await _group(session, group_id)]))[0]


CHOICES_MAX = 100  # ModifierGroupCreate's bounds of min_choices and max_choices


def choice_problems(kind: str, min_choices: int, max_choices: int | None) -> list[str]:
    """What is wrong with a group's range of choices, in plain words (none: it adds up). The
    CHECKs of migration 0015, told before them; the panel's group form shows them too."""
    problems = []
    if max_choices is not None and min_choices > max_choices:
        problems.append(
            f"Max is less than Min (max_choices {max_choices}, min_choices {min_choices}): "
            "a customer could never choose right."
        )
    if kind == ModifierKind.single and (min_choices > 1 or (max_choices or 1) != 1):
        problems.append(
            "A single choice group chooses one at most: min_choices 0 or 1, max_choices 1 or "
            "empty (null); choose the multiple kind for more."
        )
    return problems


def _check_group(group: ModifierGroup, *, default_set: bool = True) -> None:
    """The group's choices add up, and its default is one of its modifiers and, when it is
    being set, an active one (a required single group falls back on it)."""
    problems = choice_problems(group.kind, group.min_choices, group.max_choices)
    default = next((m for m in group.modifiers if m.id == group.default_modifier_id), None)
    if group.default_modifier_id is not None and default is None:
        problems.append(f"Modifier {group.default_modifier_id} is not one of the group's.")
    elif default is not None and default_set and not default.is_active:
        problems.append(
            f"The default ({default.name}) is not active: activate it or choose another."
        )
    if problems:
        raise InvalidModifierGroup(" ".join(problems), problems=problems)


async def create_group(session: AsyncSession, data: ModifierGroupCreate) -> ModifierGroupAdminRead:
    group = ModifierGroup(
        **data.model_dump(exclude={"translations"}), translations={}, modifiers=[]
    )
    _check_group(group)
    write_translations(group, data, ModifierGroupTranslation)
    session.add(group)
    await session.flush()
    return await read_group(session, group.id)


async def update_group(
    session: AsyncSession, group_id: int, data: ModifierGroupUpdate
) -> ModifierGroupAdminRead:
    group = await _group(session, group_id)
    changes = data.model_dump(exclude_unset=True, exclude={"translations"})
    with session.no_autoflush:
        for field, value in changes.items():
            if value is not None or field in ("max_choices", "default_modifier_id"):
                setattr(group, field, value)
        _check_group(group, default_set="default_modifier_id" in changes)
    write_translations(group, data, ModifierGroupTranslation)
    await session.flush()
    return await read_group(session, group.id)


async def write_group(
    session: AsyncSession,
    group_id: int | None,
    data: ModifierGroupCreate,
    modifiers: Sequence[tuple[int | None, ModifierCreate]],
    default: int | None = None,
) -> ModifierGroupAdminRead:
    """A group and its modifiers in one go (the panel's group page): `group_id` None makes a
    new group; `modifiers` are (id, values), id None a new one (the group's others stay as they
    are); `default` is the index in `modifiers` of the default (an active one), None for none.
    The group is locked meanwhile (two admins' saves follow one another)."""
    group = (
        ModifierGroup(translations={}, modifiers=[])
        if group_id is None
        else await session.scalar(
            _group_query()
            .where(ModifierGroup.id == group_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    if group is None:
        raise ModifierGroupNotFound
    session.add(group)
    with session.no_autoflush:
        for field, value in data.model_dump(
            exclude={"translations", "default_modifier_id"}
        ).items():
            setattr(group, field, value)
        _check_group(group, default_set=False)
    write_translations(group, data, ModifierGroupTranslation)
    await session.flush()
    existing = {modifier.id: modifier for modifier in group.modifiers}
    written: list[Modifier] = []
    for position, (modifier_id, given) in enumerate(modifiers):
        if modifier_id is None:
            modifier = Modifier(translations={})
            group.modifiers.append(modifier)
        elif (found := existing.get(modifier_id)) is not None:
            modifier = found
        else:
            problem = f"{given.name} is not one of this group's modifiers."
            raise InvalidModifierGroup(problem, problems=[problem])
        for field, value in given.model_dump(exclude={"translations"}).items():
            setattr(modifier, field, position if field == "position" and value is None else value)
        write_translations(modifier, given, ModifierTranslation)
        written.append(modifier)
    await session.flush()
    group.default_modifier_id = written[default].id if default is not None else None
    _check_group(group)
    await session.flush()
    return await read_group(session, group.id)


async def delete_group(session: AsyncSession, group_id: int) -> None:
    """The group, its modifiers and every product's link to it."""
    group = await _group(session, group_id)
    await session.delete(group)
    await session.flush()


async def get_modifier(session: AsyncSession, modifier_id: int) -> Modifier:
    modifier = await session.scalar(
        select(Modifier)
        .where(Modifier.id == modifier_id)
        .options(selectinload(Modifier.translations))
        .execution_options(populate_existing=True)
    )
    if modifier is None:
        raise ModifierNotFound
    return modifier


async def create_modifier(session: AsyncSession, group_id: int, data: ModifierCreate) -> Modifier:
    group = await _group(session, group_id)
    values = data.model_dump(exclude={"translations"})
    if values["position"] is None:
        values["position"] = max((m.position for m in group.modifiers), default=-1) + 1
    modifier = Modifier(group_id=group.id, **values, translations={})
    write_translations(modifier, data, ModifierTranslation)
    session.add(modifier)
    await session.flush()
    return await get_modifier(session, modifier.id)


async def update_modifier(
    session: AsyncSession, modifier_id: int, data: ModifierUpdate
) -> Modifier:
    modifier = await get_modifier(session, modifier_id)
    for field, value in data.model_dump(exclude_unset=True, exclude={"translations"}).items():
        if value is not None:
            setattr(modifier, field, value)
    write_translations(modifier, data, ModifierTranslation)
    await session.flush()
    return await get_modifier(session, modifier.id)


async def delete_modifier(session: AsyncSession, modifier_id: int) -> None:
    """A group whose default it was has none after (SET NULL)."""
    modifier = await get_modifier(session, modifier_id)
    await session.delete(modifier)
    await session.flush()


async def set_product_groups(
    session: AsyncSession, product_id: int, group_ids: list[int]
) -> list[ModifierGroupAdminRead]:
    """The groups the product carries, in this order (the ones before are replaced)."""
    if await session.get(Product, product_id) is None:
        raise ProductNotFound
    problems = [
        f"group {gid} is given twice" for gid in sorted(set(group_ids)) if group_ids.count(gid) > 1
    ]
    groups = {
        group.id: group
        for group in await session.scalars(_group_query().where(ModifierGroup.id.in_(group_ids)))
    }
    problems += [f"there is no modifier group {gid}" for gid in group_ids if gid not in groups]
    if problems:
        raise InvalidModifierGroup("; ".join(problems) + ".", problems=problems)
    # Row by row (not one statement): the audit log and the catalog's read cache see them.
    links = {
        link.group_id: link
        for link in await session.scalars(
            select(ProductModifierGroup).where(ProductModifierGroup.product_id == product_id)
        )
    }
    for group_id, link in links.items():
        if group_id not in groups:
            await session.delete(link)
    for position, group_id in enumerate(group_ids):
        if group_id in links:
            links[group_id].position = position
        else:
            session.add(
                ProductModifierGroup(product_id=product_id, group_id=group_id, position=position)
            )
    await session.flush()
    return await _groups_read(session, [groups[gid] for gid in group_ids])


async def active_variant_count(session: AsyncSession, product_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(ProductVariant)
            .where(ProductVariant.product_id == product_id, ProductVariant.is_active)
        )
        or 0
    )

"""A line's configuration (issue 24): the variant and modifiers chosen for a product,
checked against the catalog and priced by the server, never by the client."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import repository
from app.catalog.errors import InvalidOptions, OptionsUnavailable
from app.models import ModifierKind, Product


@dataclass(frozen=True)
class Choice:
    """What the customer sent for one line: `variant_id` None takes the product's first
    active variant, `modifier_ids` None takes each required single group's default."""

    product_id: int
    variant_id: int | None = None
    modifier_ids: Sequence[int] | None = None


@dataclass(frozen=True)
class Configured:
    """A line as the server prices it: the variant's price and the modifiers' changes."""

    product_id: int
    variant_id: int
    variant_name: str
    modifier_ids: tuple[int, ...]  # sorted: the line's identity with the variant
    unit_price: Decimal
    # As bought, for the order line: [{"group", "name", "price_delta"}] (delta as text).
    modifiers: list[dict[str, Any]] = field(default_factory=list, compare=False)

    @property
    def key(self) -> tuple[int, tuple[int, ...]]:
        return self.variant_id, self.modifier_ids


def _configure(
    options: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None,
    choice: Choice,
    name: str,
    store_id: int | None,
) -> tuple[Configured | None, list[str], list[str]]:
    """The line priced, or its problems (422) and the modifiers out at the store (409; none
    when `store_id` is None: a cart is bound to no store); `options`: the product's active
    variants and its groups (repository.products_with_options, repository.product_options)."""
    variants, groups = options or ([], [])
    problems: list[str] = []
    if choice.variant_id is None:
        variant = variants[0] if variants else None
        if variant is None:
            problems.append(f"{name} has no variant for sale")
    else:
        variant = next((v for v in variants if v["id"] == choice.variant_id), None)
        if variant is None:
            problems.append(f"variant {choice.variant_id} is not one of {name}'s for sale")
    group_of = {m["id"]: group for group in groups for m in group["modifiers"]}
    by_group: dict[int, list[dict[str, Any]]] = {group["id"]: [] for group in groups}
    for modifier_id in sorted(set(choice.modifier_ids or ())):
        group = group_of.get(modifier_id)
        if group is None:
            problems.append(f"modifier {modifier_id} is not an option of {name}")
        else:
            by_group[group["id"]] += [m for m in group["modifiers"] if m["id"] == modifier_id]
    for group in groups:
        chosen = by_group[group["id"]]
        default = [m for m in group["modifiers"] if m["id"] == group["default_modifier_id"]]
        single = group["kind"] == ModifierKind.single
        if not chosen and choice.modifier_ids is None and group["required"] and single:
            chosen += default
        least = max(group["min_choices"], 1 if group["required"] else 0)
        most = 1 if single else group["max_choices"]
        if len(chosen) < least:
            problems.append(f"{name}: choose at least {least} of {group['name']}")
        elif most is not None and len(chosen) > most:
            problems.append(f"{name}: choose at most {most} of {group['name']}")
    if problems or variant is None:
        return None, problems, []
    chosen_all = [(group, m) for group in groups for m in by_group[group["id"]]]
    out = [m["name"] for _, m in chosen_all if store_id in m["unavailable_store_ids"]]
    unit_price = Decimal(variant["price"]) + sum(
        (Decimal(m["price_delta"]) for _, m in chosen_all), Decimal(0)
    )
    if unit_price < 0:
        return None, [f"{name}: the options take the price below zero"], []
    return (
        Configured(
            product_id=choice.product_id,
            variant_id=variant["id"],
            variant_name=variant["name"],
            modifier_ids=tuple(sorted(m["id"] for _, m in chosen_all)),
            unit_price=unit_price,
            modifiers=[
                {"group": group["name"], "name": m["name"], "price_delta": m["price_delta"]}
                for group, m in chosen_all
            ],
        ),
        [],
        out,
    )


Options = dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]]


async def products_for_order(
    session: AsyncSession, product_ids: list[int]
) -> tuple[dict[int, Product], Options]:
    """The products ordered, key-share locked until the commit, and their options: one
    statement (repository.products_with_options)."""
    rows = await repository.products_with_options(session, product_ids)
    return (
        {pid: product for pid, (product, _, _) in rows.items()},
        {pid: (variants, groups) for pid, (_, variants, groups) in rows.items()},
    )


def _in_items(index: int) -> list[str | int]:
    return ["body", "items", index]


def configure(
    options: Options,
    choices: Sequence[Choice],
    store_id: int | None,
    names: dict[int, str],
    *,
    loc: Callable[[int], list[str | int]] = _in_items,
) -> list[Configured]:
    """Each choice checked and priced from the catalog of now (`options`, read by
    products_for_order in the checkout's transaction), in order (`names`: the products'
    names for the problems). 422 `invalid_options` listing every line's problems; else 409
    `options_unavailable` naming the modifiers out at the store (never for `store_id` None:
    the cart takes a line whatever the stores have). The 422 also lists each problem in
    `errors` as a validation problem does, where `loc(index)` of the line's choice says."""
    configured: list[Configured] = []
    invalid: list[dict[str, Any]] = []
    out: list[str] = []
    for index, choice in enumerate(choices):
        name = names.get(choice.product_id, f"product {choice.product_id}")
        line, problems, unavailable = _configure(
            options.get(choice.product_id), choice, name, store_id
        )
        if problems:
            invalid.append({"index": index, "product_id": choice.product_id, "problems": problems})
        out += [n for n in unavailable if n not in out]
        if line is not None:
            configured.append(line)
    if invalid:
        raise InvalidOptions(
            "; ".join(p for line in invalid for p in line["problems"]) + ".",
            lines=invalid,
            errors=[
                {"loc": loc(line["index"]), "msg": problem, "type": "invalid_options"}
                for line in invalid
                for problem in line["problems"]
            ],
        )
    if out:
        raise OptionsUnavailable(f"Not available at this store: {', '.join(out)}.", modifiers=out)
    return configured


def check_line(
    options: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None, choice: Choice, name: str
) -> Configured | None:
    """A cart line's configuration priced by the catalog of now, bound to no store; None when
    it no longer fits (a variant or modifier deactivated or deleted since, a group changed)."""
    line, _, _ = _configure(options, choice, name, None)
    return line


def chosen_modifiers(
    groups: list[dict[str, Any]], modifier_ids: Sequence[int]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The (group, modifier) of these ids among the product's active ones, in the product's
    group order and each group's modifier order."""
    wanted = set(modifier_ids)
    return [(group, m) for group in groups for m in group["modifiers"] if m["id"] in wanted]


def out_by_store(groups: list[dict[str, Any]], modifier_ids: Sequence[int]) -> dict[int, list[str]]:
    """The names of these modifiers out at each store, by store id."""
    out: dict[int, list[str]] = {}
    for _, modifier in chosen_modifiers(groups, modifier_ids):
        for store_id in modifier["unavailable_store_ids"]:
            out.setdefault(store_id, []).append(modifier["name"])
    return out

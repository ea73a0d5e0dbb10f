"""Form pieces for a product's options (issue 24): a group's modifiers as rows edited on the
group's page (name in each language, price change, position, active, which is the default),
a variant's stock as one number per store, and an ordered choice (a product's modifier
groups) as numbered select rows. Every input has its own label."""

import dataclasses
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup
from wtforms import Field

from app.admin.forms import language_name
from app.core.language import DEFAULT_LANGUAGE, TRANSLATED
from app.core.money import MONEY_MAX, has_cents_at_most

BLANK_MODIFIER_ROWS = 2
BLANK_CHOICE_ROWS = 2
STOCK_MAX = 1_000_000


@dataclass
class ModifierRow:
    """One modifier as the group's form holds it; `id` None: a new one."""

    id: int | None
    name: str
    names: dict[str, str] = dataclasses.field(default_factory=dict)  # the other languages
    price_delta: Decimal = Decimal("0")
    position: int = 0
    is_active: bool = True
    is_default: bool = False


def _price_change(text: str) -> Decimal | None:
    """+0.40, 0,40 or -0.20 (a discount); None when it is not a price change."""
    raw = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u2212", "-")
    if not raw:
        return Decimal("0")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return None
    if not amount.is_finite() or abs(amount) > MONEY_MAX or not has_cents_at_most(amount):
        return None
    return amount


def _whole(text: str, default: int = 0) -> int | None:
    raw = text.strip()
    if not raw:
        return default
    if raw.lstrip("-").isdigit() and len(raw) <= 7:
        return int(raw)
    return None


class ModifierRowsWidget:
    def __call__(self, field: "ModifierRowsField", **kwargs: Any) -> Markup:
        rows: list[ModifierRow] = list(field.data or [])
        rows += [
            ModifierRow(None, "", price_delta=Decimal("0"), position=len(rows) + i)
            for i in range(BLANK_MODIFIER_ROWS)
        ]
        n = field.name
        default_name = language_name(DEFAULT_LANGUAGE)
        head = [
            Markup('<table class="table table-sm kv-rows" id="{}"><thead><tr>').format(field.id),
            Markup('<th scope="col">Name ({})</th>').format(default_name),
            *(
                Markup('<th scope="col">Name ({})</th>').format(language_name(code))
                for code in TRANSLATED
            ),
            Markup(
                # Narrow number columns: the names (Russian ones are long) get the width.
                '<th scope="col" class="col-1">Price change</th>'
                '<th scope="col" class="col-1">Position</th>'
                '<th scope="col">Active</th><th scope="col">Default</th></tr></thead><tbody>'
            ),
        ]
        body = []
        for i, row in enumerate(rows):
            no = i + 1
            others = Markup("").join(
                Markup(
                    '<td><input class="form-control" name="{n}-{i}-name-{code}" value="{v}" '
                    'maxlength="100" aria-label="Modifier {no} name ({lang})"></td>'
                ).format(
                    n=n,
                    i=i,
                    code=code,
                    v=row.names.get(code, ""),
                    no=no,
                    lang=language_name(code),
                )
                for code in TRANSLATED
            )
            body.append(
                Markup(
                    "<tr>"
                    '<td><input type="hidden" name="{n}-{i}-id" value="{id}">'
                    '<input class="form-control" name="{n}-{i}-name" value="{name}" '
                    'maxlength="100" aria-label="Modifier {no} name ({dl})"></td>{others}'
                    '<td><input class="form-control" name="{n}-{i}-price" value="{price}" '
                    'inputmode="decimal" aria-label="Modifier {no} price change"></td>'
                    '<td><input class="form-control" type="number" name="{n}-{i}-position" '
                    'value="{pos}" min="0" aria-label="Modifier {no} position"></td>'
                    '<td><input class="form-check-input" type="checkbox" name="{n}-{i}-active" '
                    'value="y"{active} aria-label="Modifier {no} active"></td>'
                    '<td><input class="form-check-input" type="radio" name="{n}-default" '
                    'value="{i}"{default} aria-label="Modifier {no} is the default"></td>'
                    "</tr>"
                ).format(
                    n=n,
                    i=i,
                    id=row.id or "",
                    name=row.name,
                    no=no,
                    dl=default_name,
                    others=others,
                    price=f"{row.price_delta:.2f}" if row.id or row.name else "",
                    pos=row.position,
                    active=Markup(" checked") if row.is_active else Markup(""),
                    default=Markup(" checked") if row.is_default else Markup(""),
                )
            )
        body.append(
            Markup(
                '<tr><td colspan="{}"><input class="form-check-input" type="radio" '
                'id="{n}-no-default" name="{n}-default" value=""{}> '
                '<label for="{n}-no-default">No default</label></td></tr>'
            ).format(
                len(TRANSLATED) + 5,
                Markup(" checked") if not any(r.is_default for r in rows) else Markup(""),
                n=n,
            )
        )
        body.append(Markup("</tbody></table>"))
        return Markup("").join([*head, *body])


class ModifierRowsField(Field):
    """A group's modifiers as rows: empty rows are left out; a row is retired by unticking
    Active (a modifier bought before stays on its order lines as it was)."""

    widget = ModifierRowsWidget()

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.data = list(data) if isinstance(data, list) else []
        if formdata is None or f"{self.name}-0-name" not in formdata:
            return
        rows: list[ModifierRow] = []
        default = str(formdata.get(f"{self.name}-default", ""))
        i = 0
        while f"{self.name}-{i}-name" in formdata:

            def get(key: str, i: int = i) -> str:
                return str(formdata.get(f"{self.name}-{i}-{key}", ""))

            raw_id, name = get("id").strip(), get("name").strip()
            names = {code: get(f"name-{code}").strip() for code in TRANSLATED}
            price_text, no = get("price"), i + 1
            i += 1
            if not raw_id and not name and not price_text.strip() and not any(names.values()):
                continue
            if not name:
                self.process_errors.append(
                    f"Modifier {no}: give it a name (untick Active to stop offering it)."
                )
                continue
            if len(name) > 100 or any(len(v) > 100 for v in names.values()):
                self.process_errors.append(f"Modifier {no}: names are 100 characters at most.")
                continue
            price = _price_change(price_text)
            if price is None:
                self.process_errors.append(
                    f"Modifier {no}: a price change such as 0.40, 0,40 or -0.20."
                )
                continue
            position = _whole(get("position"), no - 1)
            if position is None or not 0 <= position <= 10_000:
                self.process_errors.append(f"Modifier {no}: the position is a whole number.")
                continue
            rows.append(
                ModifierRow(
                    id=int(raw_id) if raw_id.isdigit() and len(raw_id) <= 18 else None,
                    name=name,
                    names={code: text for code, text in names.items() if text},
                    price_delta=price,
                    position=position,
                    is_active=get("active") == "y",
                    is_default=default == str(i - 1),
                )
            )
        self.data = rows


class StockRowsWidget:
    def __call__(self, field: "StockRowsField", **kwargs: Any) -> Markup:
        html = [Markup('<table class="table table-sm kv-rows" id="{}"><tbody>').format(field.id)]
        for store_id, store_name in field.stores:
            value = field.raw.get(store_id, "")
            html.append(
                Markup(
                    '<tr><th scope="row"><label for="{n}-{s}">{name}</label></th>'
                    '<td><input class="form-control" type="number" min="0" id="{n}-{s}" '
                    'name="{n}-{s}" value="{v}" placeholder="none"></td></tr>'
                ).format(n=field.name, s=store_id, name=store_name, v=value)
            )
        html.append(
            Markup(
                '</tbody></table><small class="text-muted">Units on the shelf of each store; '
                "left empty: not stocked there (or left as it is).</small>"
            )
        )
        return Markup("").join(html)


class StockRowsField(Field):
    """A variant's stock as a number per store (`stores`: [(id, name)], set by the form)."""

    widget = StockRowsWidget()

    def __init__(
        self, *args: Any, stores: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stores: list[tuple[int, str]] = stores or []
        self.raw: dict[int, str] = {}

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        stored = data if isinstance(data, dict) else {}
        self.data = {int(k): int(v) for k, v in stored.items()}
        self.raw = {k: str(v) for k, v in self.data.items()}
        if formdata is None or not any(k.startswith(f"{self.name}-") for k in formdata):
            return
        values: dict[int, int] = {}
        self.raw = {}
        for key in formdata:
            if not key.startswith(f"{self.name}-"):
                continue
            store = key.removeprefix(f"{self.name}-")
            text = str(formdata.get(key, "")).strip()
            if not store.isdigit() or len(store) > 18:
                continue
            self.raw[int(store)] = text
            if not text:
                continue
            quantity = _whole(text)
            if quantity is None or not 0 <= quantity <= STOCK_MAX:
                self.process_errors.append(
                    f"Stock: a whole number of units from 0 to {STOCK_MAX:,}, not {text!r}."
                )
                continue
            values[int(store)] = quantity
        self.data = values


class OrderedChoicesWidget:
    def __call__(self, field: "OrderedChoicesField", **kwargs: Any) -> Markup:
        chosen = [str(v) for v in (field.data or [])]
        rows = chosen + [""] * BLANK_CHOICE_ROWS
        html = [Markup('<div id="{}">').format(field.id)]
        for i, value in enumerate(rows):
            options = [Markup('<option value="">(none)</option>')]
            options += [
                Markup('<option value="{}"{}>{}</option>').format(
                    key, Markup(" selected") if key == value else Markup(""), text
                )
                for key, text in field.choices
            ]
            html.append(
                Markup(
                    '<div class="row mb-1"><label class="col-sm-3 col-form-label" for="{n}-{i}">'
                    '{label} {no}</label><div class="col-sm-9">'
                    '<select class="form-select" id="{n}-{i}" name="{n}-{i}">{options}</select>'
                    "</div></div>"
                ).format(
                    n=field.name,
                    i=i,
                    label=field.item_label,
                    no=i + 1,
                    options=Markup("").join(options),
                )
            )
        html.append(Markup("</div>"))
        return Markup("").join(html)


class OrderedChoicesField(Field):
    """An ordered list of distinct ids chosen from `choices` ([(id text, label)]), as numbered
    select rows (the first is shown first); "(none)" rows are left out."""

    widget = OrderedChoicesWidget()

    def __init__(
        self,
        *args: Any,
        item_label: str = "Choice",
        choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.item_label = item_label
        self.choices: list[tuple[str, str]] = choices or []

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.data = [int(v) for v in data] if isinstance(data, list) else []
        if formdata is None or f"{self.name}-0" not in formdata:
            return
        known = {key for key, _ in self.choices}
        values: list[int] = []
        i = 0
        while f"{self.name}-{i}" in formdata:
            value = str(formdata.get(f"{self.name}-{i}", "")).strip()
            i += 1
            if not value:
                continue
            if value not in known:
                self.process_errors.append(f"{self.item_label} {i}: choose one of the list.")
                continue
            if int(value) not in values:
                values.append(int(value))
        self.data = values

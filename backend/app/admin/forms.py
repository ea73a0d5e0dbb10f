"""Form pieces of the panel: the API's schemas check every form, and their problems are shown
in plain words next to the field they concern; prices take a decimal comma; attributes and
opening hours are edited as rows, not as raw JSON."""

import json
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from markupsafe import Markup
from pydantic import BaseModel, ValidationError
from wtforms import Field, Form
from wtforms.fields import DecimalField, SelectMultipleField

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
BLANK_ATTRIBUTE_ROWS = 3

# Pydantic's message per error type, said for a shop's staff.
_PLAIN = {
    "missing": "This is required.",
    "string_too_short": "This is required.",
    "string_too_long": "At most {max_length} characters.",
    "string_pattern_mismatch": "Use only the characters allowed here.",
    "greater_than_equal": "At least {ge}.",
    "less_than_equal": "At most {le}.",
    "int_parsing": "A whole number, please.",
    "value_error": "{msg}",
}
# Messages for one field, where the generic one would not say how to fix it.
_FIELD_PLAIN = {
    ("slug", "string_pattern_mismatch"): (
        "Lower-case letters, digits and single dashes only, e.g. house-blend. "
        "Leave it empty to make it from the name."
    ),
    ("price", "money"): "A price such as 12.90 or 12,90 (at most 2 decimals).",
}


def plain_message(field: str, error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if (field, kind) in _FIELD_PLAIN:
        return _FIELD_PLAIN[(field, kind)]
    template = _PLAIN.get(kind)
    context = {**(error.get("ctx") or {}), "msg": error.get("msg", "")}
    if template is None:
        text = str(error.get("msg", "This value is not accepted."))
    else:
        try:
            text = template.format(**context)
        except (KeyError, IndexError):
            text = str(error.get("msg", ""))
    text = text.removeprefix("Value error, ")
    return text[:1].upper() + text[1:] if text else "This value is not accepted."


class SchemaForm(Form):
    """A form whose data must also pass an API input schema (`schema`, from `payload(data)`);
    each problem lands on its field (`field_of` maps schema names to form fields)."""

    schema: ClassVar[type[BaseModel] | None] = None
    field_of: ClassVar[dict[str, str]] = {}
    payload: ClassVar[Callable[[dict[str, Any]], dict[str, Any]] | None] = None

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.schema is None:
            return True
        payload = type(self).payload
        data = payload(self.data) if payload is not None else dict(self.data)
        try:
            self.schema.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = [str(p) for p in error["loc"]]
                # The longest part of the location a field is named for ("translations.ru.name").
                paths = (".".join(loc[:n]) for n in range(len(loc), 0, -1))
                name = next(
                    (self.field_of[path] for path in paths if path in self.field_of),
                    loc[0] if loc else "",
                )
                field = self._fields.get(name)
                message = plain_message(name, error)
                if field is None:
                    self.form_errors.append(message)
                elif message not in field.errors:
                    field.errors = [*field.errors, message]
            return False
        return True


def schema_form(
    schema: type[BaseModel],
    payload: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    field_of: dict[str, str] | None = None,
) -> type[SchemaForm]:
    attrs = {
        "schema": schema,
        "field_of": field_of or {},
        "payload": staticmethod(payload) if payload else None,
    }
    return type(f"{schema.__name__}Form", (SchemaForm,), attrs)


class DecimalCommaField(DecimalField):
    """A price typed as 12.90 or 12,90 (the locale's decimal comma); spaces are ignored."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        raw = str(valuelist[0]).strip().replace(" ", "").replace("\u00a0", "")
        if raw.count(",") == 1 and "." not in raw:
            raw = raw.replace(",", ".")
        try:
            self.data = Decimal(raw)
        except InvalidOperation:
            self.data = None
            raise ValueError("A price such as 12.90 or 12,90.") from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError("A price such as 12.90 or 12,90.")


def _is_word_list(value: Any) -> bool:
    """A list of words (flavour notes, say): edited as "jasmine, bergamot, lemon"."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, str) and "," not in item for item in value)
    )


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if _is_word_list(value):
        return ", ".join(value)
    return json.dumps(value, ensure_ascii=False)


def attribute_text(value: Any) -> str:
    """An attribute's value as the panel shows it: text, "a, b, c" for a list of words."""
    return _value_text(value)


def _value_from_text(text: str) -> Any:
    """What was typed: a number, true/false or JSON list/object when it reads as one, else
    the text itself."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if not isinstance(value, str) else text


LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _parsed(value: str, is_list: bool) -> Any:
    if is_list:
        return [word.strip() for word in value.split(",") if word.strip()]
    return _value_from_text(value)


class KeyValueWidget:
    def __call__(self, field: "KeyValueField", **kwargs: Any) -> Markup:
        translated: list[TranslatedValuesField] = getattr(field, "translated", [])
        rows = [(k, _value_text(v), _is_word_list(v)) for k, v in (field.data or {}).items()]
        rows += [("", "", False)] * BLANK_ATTRIBUTE_ROWS
        invalid = " is-invalid" if field.errors else ""
        value_heading = (
            Markup("Value ({})").format(language_name(field.language))
            if translated
            else Markup("Value")
        )
        html = [
            Markup('<table class="table table-sm kv-rows" id="{}"><thead><tr>').format(field.id),
            Markup('<th scope="col">Name</th><th scope="col">{}</th>').format(value_heading),
            *(
                Markup('<th scope="col">Value ({})</th>').format(language_name(other.language))
                for other in translated
            ),
            Markup("</tr></thead><tbody>"),
        ]
        for i, (key, value, is_list) in enumerate(rows):
            # A list of words stays a list: its row says so, and its words are comma-separated.
            kind = (
                Markup(
                    '<input type="hidden" name="{n}-{i}-kind" value="list">'
                    '<div class="form-hint">Separate the words with commas.</div>'
                ).format(n=field.name, i=i)
                if is_list
                else Markup("")
            )
            cells = [
                Markup(
                    '<td><input class="form-control{inv}" name="{n}-{i}-value-{code}" '
                    'value="{v}" maxlength="500" '
                    'aria-label="Attribute {no} value ({language})"></td>'
                ).format(
                    inv=invalid,
                    n=field.name,
                    i=i,
                    code=other.language,
                    v=_value_text(other.data.get(key, "")) if key else "",
                    no=i + 1,
                    language=language_name(other.language),
                )
                for other in translated
            ]
            label = (
                Markup("Attribute {} value ({})").format(i + 1, language_name(field.language))
                if translated
                else Markup("Attribute {} value").format(i + 1)
            )
            html.append(
                Markup(
                    '<tr><td><input class="form-control{inv}" name="{n}-{i}-key" value="{k}" '
                    'maxlength="100" aria-label="Attribute {no} name"></td>'
                    '<td><input class="form-control{inv}" name="{n}-{i}-value" value="{v}" '
                    'maxlength="500" aria-label="{label}">{kind}</td>{cells}</tr>'
                ).format(
                    inv=invalid,
                    n=field.name,
                    i=i,
                    k=key,
                    v=value,
                    no=i + 1,
                    label=label,
                    kind=kind,
                    cells=Markup("").join(cells),
                )
            )
        html.append(Markup("</tbody></table>"))
        return Markup("").join(html)


class KeyValueField(Field):
    """A JSON object as name and value rows; an empty name drops the row. `language`: the
    language of its values, when translated values (TranslatedValuesField) sit beside them."""

    widget = KeyValueWidget()

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        self.translated: list[TranslatedValuesField] = []

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.data = dict(data) if isinstance(data, dict) else {}
        if formdata is None or not any(k.startswith(f"{self.name}-") for k in formdata):
            return
        values: dict[str, Any] = {}
        i = 0
        while f"{self.name}-{i}-key" in formdata:
            key = str(formdata.get(f"{self.name}-{i}-key", "")).strip()
            value = str(formdata.get(f"{self.name}-{i}-value", "")).strip()
            i += 1
            if not key and not value:
                continue
            if not key:
                self.process_errors.append(f"Row {i}: give the value {value!r} a name.")
                continue
            if key in values:
                self.process_errors.append(f"{key!r} appears twice.")
                continue
            parsed = _parsed(value, formdata.get(f"{self.name}-{i - 1}-kind") == "list")
            try:
                json.dumps(parsed, ensure_ascii=False).encode()
            except UnicodeEncodeError:
                # e.g. ["\ud800"]: JSON that holds no real text.
                self.process_errors.append(f"{key!r}: the value is not valid text.")
                continue
            values[key] = parsed
        self.data = values


class _Unseen:
    """Renders nothing: the field's inputs are drawn by another field's widget."""

    input_type = "hidden"  # SQLAdmin lays out hidden fields without a label or a row

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        return Markup("")


class TranslatedValuesField(Field):
    """The values in `language` of a KeyValueField's rows (`of`), typed in the extra column
    that field's table shows for it; rows without a name or a value are left out."""

    widget = _Unseen()

    def __init__(self, *args: Any, of: str, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.of = of
        self.language = language

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.data = dict(data) if isinstance(data, dict) else {}
        if formdata is None or f"{self.of}-0-key" not in formdata:
            return
        values: dict[str, Any] = {}
        i = 0
        while f"{self.of}-{i}-key" in formdata:
            key = str(formdata.get(f"{self.of}-{i}-key", "")).strip()
            value = str(formdata.get(f"{self.of}-{i}-value-{self.language}", "")).strip()
            is_list = formdata.get(f"{self.of}-{i}-kind") == "list"
            i += 1
            if key and value and key not in values:
                values[key] = _parsed(value, is_list)
        self.data = values


class OpeningHoursWidget:
    def __call__(self, field: "OpeningHoursField", **kwargs: Any) -> Markup:
        hours = field.raw or {}
        invalid = " is-invalid" if field.errors else ""
        html = [
            Markup('<table class="table table-sm" id="{}"><tbody>').format(field.id),
        ]
        for day, label in DAY_NAMES.items():
            html.append(
                Markup(
                    '<tr><th scope="row"><label for="{n}-{d}">{l}</label></th>'
                    '<td><input class="form-control{inv}" id="{n}-{d}" name="{n}-{d}" '
                    'value="{v}" placeholder="closed" maxlength="100"></td></tr>'
                ).format(n=field.name, d=day, l=label, inv=invalid, v=hours.get(day, ""))
            )
        html.append(
            Markup(
                '</tbody></table><small class="text-muted">Times as 08:00-18:00; two '
                "intervals as 08:00-12:00, 13:00-18:00; empty: closed; 22:00-02:00 runs past "
                "midnight.</small>"
            )
        )
        return Markup("").join(html)


class OpeningHoursField(Field):
    """Opening hours, one row per day in week order, as "08:00-12:00, 13:00-18:00"."""

    widget = OpeningHoursWidget()

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        stored = data if isinstance(data, dict) else {}
        self.raw = {
            day: ", ".join(f"{a}-{b}" for a, b in stored.get(day, []))
            for day in DAY_NAMES
            if isinstance(stored.get(day), list)
        }
        self.data = {day: stored.get(day, []) for day in DAY_NAMES}
        if formdata is None or not any(f"{self.name}-{d}" in formdata for d in DAY_NAMES):
            return
        self.raw = {d: str(formdata.get(f"{self.name}-{d}", "")).strip() for d in DAY_NAMES}
        parsed: dict[str, list[list[str]]] = {}
        for day, text in self.raw.items():
            intervals = []
            for part in filter(None, (p.strip() for p in text.split(","))):
                bounds = [b.strip() for b in part.replace("\u2013", "-").split("-")]
                if len(bounds) != 2 or not all(bounds):
                    self.process_errors.append(
                        f"{DAY_NAMES[day]}: write times as 08:00-18:00, not {part!r}."
                    )
                    continue
                intervals.append([_clock(b) for b in bounds])
            parsed[day] = intervals
        self.data = parsed


def _clock(text: str) -> str:
    """ "8" -> "08:00", "8:30" -> "08:30"; anything else is left for the schema to refuse."""
    hour, _, minute = text.partition(":")
    if (
        hour.isdigit()
        and len(hour) <= 2
        and (not minute or (minute.isdigit() and len(minute) == 2))
    ):
        return f"{int(hour):02d}:{minute or '00'}"
    return text


class CheckboxesWidget:
    """A choice of several as one labelled checkbox each (Bootstrap's form-check)."""

    def __call__(self, field: "CheckboxesField", **kwargs: Any) -> Markup:
        if not field.choices:
            return Markup('<p class="form-control-plaintext" id="{}">{}</p>').format(
                field.id, field.empty_text
            )
        html = [Markup('<div id="{}">').format(field.id)]
        for value, text, checked, _ in field.iter_choices():
            html.append(
                Markup(
                    '<div class="form-check"><input class="form-check-input" type="checkbox" '
                    'name="{n}" value="{v}" id="{n}-{v}"{c}>'
                    '<label class="form-check-label" for="{n}-{v}">{t}</label></div>'
                ).format(n=field.name, v=value, c=Markup(" checked") if checked else "", t=text)
            )
        html.append(Markup("</div>"))
        return Markup("").join(html)


class CheckboxesField(SelectMultipleField):
    """Several ids ticked among `choices` ([(id, label)], set by the form); none ticked: []."""

    widget = CheckboxesWidget()

    def __init__(self, *args: Any, empty_text: str = "Nothing to choose.", **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)
        self.empty_text = empty_text

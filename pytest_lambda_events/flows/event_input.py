"""What an EventBridge rule target receives: the matched event itself, or one of the target's
``Input`` (constant JSON text), ``InputPath`` (the part of the event a JSON path selects) or
``InputTransformer`` (an ``InputTemplate`` filled from the event through ``InputPathsMap``).

The rules follow the EventBridge user guide, "Amazon EventBridge input transformation", and
what AWS returned in recorded runs (LocalStack's AWS-validated snapshots of
``test_events_inputs.py``, 2024):

* Up to 100 variables, each a JSON path: ``$`` then ``.name`` (letters, digits, ``_ - /``),
  ``[index]`` or a ``*`` wildcard step. The predefined variables ``aws.events.rule-arn``,
  ``aws.events.rule-name``, ``aws.events.event.ingestion-time``, ``aws.events.event`` (the event
  without ``detail``) and ``aws.events.event.json`` (the whole event) are reserved.
* A template that is a JSON object (surrounded by curly braces) fills a placeholder outside
  quotes with the value as JSON (a string gets its quotes) and one inside a JSON string with the
  bare value: "EventBridge doesn't escape values extracted by Input Path". Any other template is
  text: every placeholder becomes the bare value. A placeholder cannot be an object key, and
  ``aws.events.event``/``aws.events.event.json`` can only be the value of a JSON field.
* A variable whose path matches nothing gives an empty string: ``""`` outside quotes, nothing
  inside them (observed). The JSON passed to the target is minified.
* A placeholder that names no variable is refused when the target is created, as AWS's
  ``PutTargets`` does ("InputTemplate for target ... contains invalid placeholder ...").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import HarnessError
from ..timefmt import iso_ms_z

MAX_INPUT_CHARS = 8192  # Target.Input and InputTransformer.InputTemplate
MAX_PATH_CHARS = 256  # Target.InputPath and each InputPathsMap value
MAX_VARIABLES = 100
EVENT_WITHOUT_DETAIL = "aws.events.event"
WHOLE_EVENT = "aws.events.event.json"
PREDEFINED = (
    "aws.events.rule-arn", "aws.events.rule-name", "aws.events.event.ingestion-time",
    EVENT_WITHOUT_DETAIL, WHOLE_EVENT,
)  # fmt: skip
_JSON_ONLY = (EVENT_WITHOUT_DETAIL, WHOLE_EVENT)
_VARIABLE = re.compile(r"^[A-Za-z0-9_\-]{1,256}$")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_STEP = re.compile(r"\.([A-Za-z0-9_\-/]+|\*)|\[(\d+|\*)\]")
_COMPACT = (",", ":")
_TRANSFORMER_KEYS = ("InputPathsMap", "InputTemplate")


def compact(value: Any) -> str:
    """Minified JSON, as EventBridge passes it to targets."""
    return json.dumps(value, separators=_COMPACT, ensure_ascii=False)


class JsonPath:
    """The JSON path subset EventBridge supports: ``$.detail.items[0].id``, ``$.detail.*``."""

    def __init__(self, path: Any, setting: str, error: type[HarnessError]) -> None:
        if not isinstance(path, str) or not 1 <= len(path) <= MAX_PATH_CHARS:
            raise error(f"{setting}: a JSON path is a string of 1 to {MAX_PATH_CHARS} "
                        f"characters, not {path!r}")  # fmt: skip
        self.text = path
        self.steps: list[str | int] = []
        position = 1 if path.startswith("$") else 0
        while position and position < len(path):
            step = _STEP.match(path, position)
            if step is None:
                break
            key = step.group(1) or step.group(2)
            self.steps.append(int(key) if key.isdigit() and step.group(2) else key)
            position = step.end()
        if position != len(path):
            raise error(
                f"{setting}: {path!r} is not a JSON path EventBridge supports: '$' followed by "
                "'.name' (letters, digits, _ - /), '[index]' or '*' steps, e.g. '$.detail.id'"
            )
        self.wildcard = "*" in self.steps

    def extract(self, document: Any) -> tuple[bool, Any]:
        """``(found, value)``; a wildcard path gives the list of what it matched."""
        matches = [document]
        for step in self.steps:
            matches = [found for value in matches for found in _step(value, step)]
        if not matches:
            return False, None
        return True, matches if self.wildcard else matches[0]


def _step(value: Any, step: str | int) -> list[Any]:
    if step == "*":
        if isinstance(value, Mapping):
            return list(value.values())
        return list(value) if isinstance(value, list) else []
    if isinstance(step, int):
        return [value[step]] if isinstance(value, list) and step < len(value) else []
    return [value[step]] if isinstance(value, Mapping) and step in value else []


@dataclass(frozen=True)
class _Slot:
    """A placeholder and whether it stands inside a JSON string (always, in a text template)."""

    name: str
    quoted: bool


class InputTransformer:
    """``{"InputPathsMap": {"var": "$.path", ...}, "InputTemplate": "..."}``."""

    def __init__(self, transformer: Any, setting: str, error: type[HarnessError]) -> None:
        self.setting, self.error = setting, error
        if not isinstance(transformer, Mapping) or "InputTemplate" not in transformer:
            raise error(f'{setting}: give {{"InputPathsMap": {{"name": "$.path"}}, '
                        f'"InputTemplate": "..."}}, not {transformer!r}')  # fmt: skip
        unknown = [key for key in transformer if key not in _TRANSFORMER_KEYS]
        if unknown:
            raise error(f"{setting}: unknown key {unknown[0]!r}; an InputTransformer has "
                        "InputPathsMap and InputTemplate")  # fmt: skip
        self.paths = self._paths(transformer.get("InputPathsMap") or {})
        template = transformer["InputTemplate"]
        if not isinstance(template, str) or not 1 <= len(template) <= MAX_INPUT_CHARS:
            raise error(f"{setting}: InputTemplate is a string of 1 to {MAX_INPUT_CHARS:,} "
                        "characters")  # fmt: skip
        self.template = template
        self.is_json = template.lstrip().startswith("{")
        self.parts = self._split(template)
        self._check_slots()

    def _paths(self, paths: Any) -> dict[str, JsonPath]:
        where = f"{self.setting} InputPathsMap"
        if not isinstance(paths, Mapping):
            raise self.error(f"{where}: a mapping of variable names to JSON paths")
        if len(paths) > MAX_VARIABLES:
            raise self.error(f"{where}: {len(paths)} variables; AWS allows up to {MAX_VARIABLES}")
        for name in paths:
            if name in PREDEFINED or str(name).lower().startswith("aws."):
                raise self.error(f"{where}: {name!r} is reserved (predefined variables: "
                                 f"{', '.join(PREDEFINED)})")  # fmt: skip
            if not isinstance(name, str) or not _VARIABLE.match(name):
                raise self.error(f"{where}: variable name {name!r}: 1 to 256 of A-Z a-z 0-9 _ -")
        return {name: JsonPath(path, f"{where}[{name!r}]", self.error)
                for name, path in paths.items()}  # fmt: skip

    def _split(self, template: str) -> list[str | _Slot]:
        """The template as literal text and placeholders, each knowing if it is quoted."""
        parts: list[str | _Slot] = []
        start = i = 0
        in_string = string_has_slot = False
        while i < len(template):
            char = template[i]
            if self.is_json and in_string and char == "\\":
                i += 2
                continue
            if self.is_json and char == '"':
                if in_string and string_has_slot:
                    self._not_a_key(template, i + 1)
                in_string, string_has_slot = not in_string, False
            elif char == "<" and (match := _PLACEHOLDER.match(template, i)):
                parts += [template[start:i], _Slot(match.group(1), in_string or not self.is_json)]
                string_has_slot = in_string
                if self.is_json and not in_string:
                    self._not_a_key(template, match.end())
                start = i = match.end()
                continue
            i += 1
        parts.append(template[start:])
        return [part for part in parts if part != ""]

    def _not_a_key(self, template: str, after: int) -> None:
        if template[after:].lstrip().startswith(":"):
            raise self.error(f"{self.setting}: InputTemplate uses a placeholder as an object key; "
                             "AWS allows placeholders as values only")  # fmt: skip

    def _check_slots(self) -> None:
        for slot in self.parts:
            if not isinstance(slot, _Slot):
                continue
            if slot.name not in self.paths and slot.name not in PREDEFINED:
                raise self.error(
                    f"{self.setting}: InputTemplate contains invalid placeholder {slot.name} (AWS: "
                    f"'InputTemplate for target ... contains invalid placeholder {slot.name}.'); "
                    f"define it in InputPathsMap (defined: {', '.join(self.paths) or 'none'}) or "
                    f"use a predefined variable: {', '.join(PREDEFINED)}"
                )
            if slot.name in _JSON_ONLY and slot.quoted:
                raise self.error(f"{self.setting}: <{slot.name}> can only be the value of a JSON "
                                 "field (outside quotes, in a JSON object template): AWS does not "
                                 "escape it")  # fmt: skip
        if self.is_json:
            self._check_json()

    def _check_json(self) -> None:
        filled = "".join(
            part if isinstance(part, str) else ("" if part.quoted else '""') for part in self.parts
        )
        try:
            json.loads(filled)
        except ValueError as exc:
            raise self.error(
                f"{self.setting}: InputTemplate starts with '{{' but is not valid JSON once its "
                f"placeholders are filled ({exc})"
            ) from None

    def render(self, event: Mapping[str, Any], variables: Mapping[str, Any]) -> str:
        """The target's input for ``event``; ``variables`` holds the predefined ones."""
        values = {name: path.extract(event) for name, path in self.paths.items()}
        text = "".join(
            part if isinstance(part, str) else _fill(part, values, variables) for part in self.parts
        )
        if self.is_json:
            try:  # minified, as AWS passes JSON; a bare value with quotes in it spoils the JSON
                return compact(json.loads(text))
            except ValueError:
                return text
        return text


def _fill(slot: _Slot, values: dict[str, tuple[bool, Any]], variables: Mapping[str, Any]) -> str:
    found, value = (True, variables[slot.name]) if slot.name in variables else values[slot.name]
    if not found:
        return "" if slot.quoted else '""'
    if slot.quoted:  # AWS does not escape values it puts inside a string
        return value if isinstance(value, str) else compact(value)
    return compact(value)


class TargetInput:
    """A target's ``Input``, ``InputPath`` or ``InputTransformer`` (at most one), or none: then
    the target gets the matched event itself."""

    def __init__(
        self,
        *,
        input: Any = None,
        input_path: str | None = None,
        input_transformer: Mapping[str, Any] | None = None,
        setting: str,
        error: type[HarnessError],
    ) -> None:
        given = [name for name, value in (("input", input), ("input_path", input_path),
                 ("input_transformer", input_transformer)) if value is not None]  # fmt: skip
        if len(given) > 1:
            raise error(
                f"{setting}: give only one of {' / '.join(given)} (AWS: 'Only one of Input, "
                "InputPath, or InputTransformer must be provided for target ...')"
            )
        self.constant = None if input is None else constant_input(input, f"{setting} input", error)
        self.path = None if input_path is None else JsonPath(input_path, f"{setting} input_path",
                                                             error)  # fmt: skip
        self.transformer = (None if input_transformer is None
                            else InputTransformer(input_transformer, f"{setting} input_transformer",
                                                  error))  # fmt: skip
        self.passthrough = len(given) == 0  # the target gets the matched event itself

    def render(
        self, event: Mapping[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: datetime
    ) -> str:
        """The text the target receives for ``event`` (JSON, unless a text template made it)."""
        if self.constant is not None:
            return self.constant
        if self.path is not None:
            # Approximation: a path that matches nothing sends JSON null (AWS does not say).
            return compact(self.path.extract(event)[1])
        if self.transformer is not None:
            variables = predefined_variables(
                event, rule_arn=rule_arn, rule_name=rule_name, ingestion_time=ingestion_time
            )
            return self.transformer.render(event, variables)
        return compact(event)


def constant_input(value: Any, setting: str, error: type[HarnessError]) -> str:
    """``Input``: valid JSON text (a str), or a dict/list/number/... serialised to it."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            raise error(
                f"{setting}: {value[:80]!r} is not valid JSON text (AWS: 'Input for target ... "
                "is not a valid JSON text.'); pass a dict or JSON text"
            ) from None
        text = value
    else:
        try:
            text = compact(value)
        except (TypeError, ValueError) as exc:
            raise error(f"{setting}: not JSON-serialisable ({exc})") from None
    if not 1 <= len(text) <= MAX_INPUT_CHARS:
        raise error(f"{setting}: {len(text):,} characters; AWS allows 1 to {MAX_INPUT_CHARS:,}")
    return text


def predefined_variables(
    event: Mapping[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: datetime
) -> dict[str, Any]:
    """The reserved variables of an input transformer.

    Approximation: ``ingestion-time`` (and the ``time`` inside ``aws.events.event``) is the
    time the event reached the bus, to the millisecond; ``aws.events.event`` has the keys and
    spelling (``detailType``) AWS returned in a recorded run, without ``detail``.
    """
    ingested = iso_ms_z(ingestion_time)
    return {
        "aws.events.rule-arn": rule_arn,
        "aws.events.rule-name": rule_name,
        "aws.events.event.ingestion-time": ingested,
        EVENT_WITHOUT_DETAIL: {
            "id": event.get("id"),
            "account": event.get("account"),
            "detailType": event.get("detail-type"),
            "time": ingested,
            "source": event.get("source"),
            "region": event.get("region"),
            "resources": event.get("resources"),
            "version": event.get("version"),
        },
        WHOLE_EVENT: event,
    }

"""Association records in both directions and the label registry with HubSpot's type ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stream.emulator.responses import ApiError

HUBSPOT = "HUBSPOT_DEFINED"
USER = "USER_DEFINED"
# (from, to, typeId, label, inverse typeId): HUBSPOT_API.md section 4.3
SEEDED: list[tuple[str, str, int, str | None, int]] = [
    ("0-1", "0-2", 279, None, 280), ("0-1", "0-2", 1, "Primary", 2),
    ("0-3", "0-1", 3, None, 4), ("0-3", "0-2", 341, None, 342), ("0-3", "0-2", 5, "Primary", 6),
    ("0-5", "0-1", 16, None, 15), ("0-5", "0-2", 339, None, 340),
    ("0-5", "0-2", 26, "Primary", 25), ("0-46", "0-1", 202, None, 201),
    ("0-27", "0-1", 204, None, 203),
]
FIRST_ALLOCATED_TYPE_ID = 100


@dataclass(slots=True)
class Label:
    """One association type of one direction."""

    category: str
    type_id: int
    label: str | None
    inverse_type_id: int
    name: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As the labels endpoint and association reads show it."""
        return {"category": self.category, "typeId": self.type_id, "label": self.label}


Pair = tuple[str, str]
Links = dict[str, dict[str, set[tuple[str, int]]]]


class Associations:
    """Associations per (fromType, toType) direction, mirrored on write."""

    def __init__(self) -> None:
        self.links: dict[Pair, Links] = {}
        self.labels: dict[Pair, list[Label]] = {}
        self.next_type_id = FIRST_ALLOCATED_TYPE_ID
        for from_t, to_t, type_id, label, inverse in SEEDED:
            self._register(from_t, to_t, Label(HUBSPOT, type_id, label, inverse),
                           Label(HUBSPOT, inverse, label, type_id))

    def _register(self, from_t: str, to_t: str, forward: Label, backward: Label) -> None:
        self.labels.setdefault((from_t, to_t), []).append(forward)
        if (from_t, to_t) != (to_t, from_t) or forward.type_id != backward.type_id:
            self.labels.setdefault((to_t, from_t), []).append(backward)

    def registry(self, from_t: str, to_t: str) -> list[Label]:
        """Labels of a direction; a default type is allocated for a pair seen first."""
        if (from_t, to_t) not in self.labels:
            forward, backward = self._allocate(), self._allocate()
            self._register(from_t, to_t, Label(HUBSPOT, forward, None, backward),
                           Label(HUBSPOT, backward, None, forward))
        return self.labels[(from_t, to_t)]

    def _allocate(self) -> int:
        self.next_type_id += 1
        return self.next_type_id

    def default_type(self, from_t: str, to_t: str) -> Label:
        """The unlabeled HUBSPOT_DEFINED type of a direction."""
        return next(x for x in self.registry(from_t, to_t) if x.label is None and
                    x.category == HUBSPOT)

    def find_type(self, from_t: str, to_t: str, category: str, type_id: int) -> Label:
        """The label with this id in this direction; 400 if there is none."""
        for label in self.registry(from_t, to_t):
            if label.type_id == type_id and label.category == category:
                return label
        raise ApiError(400, f"{category} association type id {type_id} doesn't exist between "
                       f"{from_t} and {to_t}", "VALIDATION_ERROR")

    def find_by_type_id(self, from_t: str, category: str,
                        type_id: int) -> tuple[str, Label] | None:
        """The target type and label of a type id used from `from_t` (create bodies)."""
        for (source, target), labels in self.labels.items():
            if source != from_t:
                continue
            for label in labels:
                if label.type_id == type_id and category in ("", label.category):
                    return target, label
        return None

    def add(self, from_t: str, from_id: str, to_t: str, to_id: str, types: list[Label]) -> None:
        """Associate with these types (and their inverses); the default type always comes too."""
        default = self.default_type(from_t, to_t)
        forward = self.links.setdefault((from_t, to_t), {}).setdefault(from_id, {})
        backward = self.links.setdefault((to_t, from_t), {}).setdefault(to_id, {})
        for label in [default, *types]:
            forward.setdefault(to_id, set()).add((label.category, label.type_id))
            backward.setdefault(from_id, set()).add((label.category, label.inverse_type_id))

    def remove(self, from_t: str, from_id: str, to_t: str, to_id: str,
               types: list[Label] | None = None) -> None:
        """Remove some labels, or every association of the pair (types None or default)."""
        default = self.default_type(from_t, to_t)
        forward = self.links.get((from_t, to_t), {}).get(from_id, {})
        backward = self.links.get((to_t, from_t), {}).get(to_id, {})
        if types is None or any(t.type_id == default.type_id for t in types):
            forward.pop(to_id, None)
            backward.pop(from_id, None)
            return
        for label in types:
            forward.get(to_id, set()).discard((label.category, label.type_id))
            backward.get(from_id, set()).discard((label.category, label.inverse_type_id))

    def read(self, from_t: str, from_id: str, to_t: str) -> list[dict[str, Any]]:
        """`{toObjectId, associationTypes}` for every associated record, by id."""
        targets = self.links.get((from_t, to_t), {}).get(from_id, {})
        return [{"toObjectId": int(to_id) if to_id.isdigit() else to_id,
                 "associationTypes": [self._type_json(from_t, to_t, c, t)
                                      for c, t in sorted(kinds)]}
                for to_id, kinds in sorted(targets.items(), key=lambda x: _sort_key(x[0]))
                if kinds]

    def _type_json(self, from_t: str, to_t: str, category: str, type_id: int) -> dict[str, Any]:
        for label in self.registry(from_t, to_t):
            if label.type_id == type_id and label.category == category:
                return label.to_json()
        return {"category": category, "typeId": type_id, "label": None}

    def create_label(self, from_t: str, to_t: str, body: dict[str, Any]) -> list[Label]:
        """A USER_DEFINED label pair with allocated ids; returns [forward, backward]."""
        label, inverse = body.get("label"), body.get("inverseLabel") or body.get("label")
        if not label or not body.get("name"):
            raise ApiError(400, "label and name are required", "VALIDATION_ERROR")
        self.registry(from_t, to_t)
        forward = Label(USER, self._allocate(), str(label), 0, str(body["name"]))
        backward = Label(USER, self._allocate(), str(inverse), forward.type_id, str(body["name"]))
        forward.inverse_type_id = backward.type_id
        self._register(from_t, to_t, forward, backward)
        return [forward, backward]

    def delete_label(self, from_t: str, to_t: str, type_id: int) -> None:
        """Remove a USER_DEFINED label and its inverse; 404 if unknown."""
        label = self.find_type(from_t, to_t, USER, type_id)
        self.labels[(from_t, to_t)].remove(label)
        inverse = self.find_type(to_t, from_t, USER, label.inverse_type_id)
        self.labels[(to_t, from_t)].remove(inverse)

    def pairs_json(self, from_t: str, to_t: str) -> list[dict[str, Any]]:
        """Every association of a direction, for the admin API."""
        result = []
        for from_id, _targets in sorted(self.links.get((from_t, to_t), {}).items(),
                                       key=lambda x: _sort_key(x[0])):
            for item in self.read(from_t, from_id, to_t):
                result.append({"fromId": from_id, "toId": str(item["toObjectId"]),
                               "types": item["associationTypes"]})
        return result

    def to_json(self) -> dict[str, Any]:
        """Snapshot form."""
        return {"next_type_id": self.next_type_id,
                "links": [[f, t, fid, tid, [list(k) for k in kinds]]
                          for (f, t), by_from in self.links.items()
                          for fid, targets in by_from.items() for tid, kinds in targets.items()],
                "labels": [[f, t, x.category, x.type_id, x.label, x.inverse_type_id, x.name]
                           for (f, t), labels in self.labels.items() for x in labels]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Associations:
        """Rebuild from `to_json` output."""
        result = cls()
        if not data:
            return result
        result.labels = {}
        for f, t, category, type_id, label, inverse, name in data.get("labels", []):
            result.labels.setdefault((f, t), []).append(Label(category, type_id, label,
                                                              inverse, name))
        for f, t, fid, tid, kinds in data.get("links", []):
            result.links.setdefault((f, t), {}).setdefault(fid, {})[tid] = {
                (c, int(i)) for c, i in kinds}
        result.next_type_id = int(data.get("next_type_id", FIRST_ALLOCATED_TYPE_ID))
        return result


def _sort_key(record_id: str) -> tuple[int, str]:
    return (int(record_id), "") if record_id.isdigit() else (0, record_id)

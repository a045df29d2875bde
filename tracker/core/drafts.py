"""Draft targets of a plan, saved from 目标测算 into the province's own catalogue file, and their adoption (印发).

A draft is a target entry with `drafted` (who, when, why) and no source: it is checked like every other target
but never assessed or shown outside 目标测算 (Catalogue.drafts). Adopting it records the document that issued it
(name, number, issuer, date) as a document of the same file, its clause and wording as the target's source, and
`adopted` (who, when): from then on it is a target like the others, and the next page reassesses the store.

Every change is checked whole before it is written (load_catalogue with the file's new content: a refused change
names the file and the field), written by a rename under a lock, and kept (留痕) in `<file>.changes.jsonl` beside
it: the act, who, when, why, and the entry before and after. Only the province file changes; its other entries
are written back as they were read (comments outside the header are not kept; the entries' previous versions
are, in the log).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import yaml

from tracker.core import outfile, store
from tracker.core.catalogue import Catalogue, CatalogueError, load_catalogue
from tracker.core.clock import BEIJING

ACTS = ("draft", "revise", "adopt", "withdraw")


class DraftRefused(ValueError):
    """The change was not written; `problems` names each wrong field ('indicators-36.yaml: targets[0] x .rule...')."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def province_file(catalogue: Catalogue, province: str) -> Path:
    """The province's own targets file: the one beside the main file that says `province: "<code>"`, else
    `<stem>-<code>.yaml` (created by the first draft)."""
    for path in catalogue.files[1:]:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(raw, dict) and str(raw.get("province")) == province:
            return path
    return catalogue.path.parent / f"{catalogue.path.stem}-{province}.yaml"


def log_file(path: Path) -> Path:
    """Where the changes of a province file are kept."""
    return path.with_suffix(".changes.jsonl")


def now_text() -> str:
    """Now in Beijing time, to the second, ISO 8601."""
    return datetime.now(BEIJING).isoformat(timespec="seconds")


def draft_id(plan: str, area: str, group: str | None, measure: str, value: float) -> str:
    """A draft's id from what it says: fyp15_3611_sr_key_village_tap_water_rate_97 (97.5 → 97_5); the group in it,
    so drafts of one value for different units of an area stay apart."""
    return f"{plan}_{area}_{group + '_' if group else ''}{measure}_{value:g}".replace(".", "_").replace("-", "m")


def _header(path: Path) -> str:
    """The comment lines at the top of the file (kept when it is written again)."""
    if not path.exists():
        return "# The province's own targets (drafts and adopted targets from 目标测算; see tracker/core/drafts.py).\n"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    head = []
    for line in lines:
        if not line.startswith("#"):
            break
        head.append(line)
    return "".join(head)


def _read(path: Path, province: str) -> dict:
    if not path.exists():
        return {"version": 1, "province": province}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {"version": 1, "province": province}


def _write(path: Path, raw: dict) -> None:
    text = _header(path) + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=120)
    with outfile.writing(path, force=True) as part:
        part.write_text(text, encoding="utf-8")


def _check(catalogue: Catalogue, path: Path, raw: dict, regions: set[str] | None) -> Catalogue:
    """The catalogue as it would be with `raw` as the file's content; DraftRefused naming every problem."""
    try:
        return load_catalogue(catalogue.path, catalogue.policy_dir, regions, replaced={path: raw})
    except CatalogueError as e:
        raise DraftRefused(e.problems) from None


def _log(path: Path, act: str, by: str, target: str, why: str, before: dict | None, after: dict | None) -> None:
    record = {"at": now_text(), "act": act, "by": by, "target": target, "why": why, "before": before, "after": after}
    with open(log_file(path), "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _position(raw: dict, target_id: str) -> int | None:
    return next((i for i, entry in enumerate(raw.get("targets") or []) if entry.get("id") == target_id), None)


def save_draft(catalogue: Catalogue, entry: dict, why: str, by: str, regions: set[str] | None = None) -> Catalogue:
    """Save `entry` (a target's fields, without drafted) as a draft in its province's file, or revise the draft of
    the same id; the catalogue as it is now. DraftRefused when the change fails the catalogue's checks, or the id is
    a target already in force."""
    province = str(entry.get("population", {}).get("region", ""))[:2]
    path = province_file(catalogue, province)
    with store.write_lock(path):
        raw = _read(path, province)
        targets = raw.setdefault("targets", [])
        place = _position(raw, entry.get("id", ""))
        before = targets[place] if place is not None else None
        if entry.get("id") in catalogue.targets or (before is not None and "adopted" in before):
            raise DraftRefused([f"{path.name}: targets {entry.get('id')}.id: a target in force has this id; "
                                "a draft takes another"])
        drafted = {"by": by, "at": now_text(), "why": why}
        after = {**entry, "drafted": drafted}
        if place is None:
            targets.append(after)
        else:
            targets[place] = after
        found = _check(catalogue, path, raw, regions)
        _write(path, raw)
        _log(path, "draft" if before is None else "revise", by, after["id"], why, before, after)
    return found


def adopt(catalogue: Catalogue, target_id: str, document: dict, clause: str, quote: str, by: str,
          regions: set[str] | None = None) -> Catalogue:
    """Record that the draft `target_id` was adopted by `document` (zh, en, issuer, number, date): the document is
    added to the province file (once per number), the clause and wording become the target's source."""
    if target_id not in catalogue.drafts:
        raise DraftRefused([f"targets {target_id}: no such draft"])
    path = province_file(catalogue, catalogue.drafts[target_id].population.region[:2])
    with store.write_lock(path):
        raw = _read(path, catalogue.drafts[target_id].population.region[:2])
        documents = raw.setdefault("documents", [])
        known = next((d for d in documents if d.get("number") == document.get("number")), None)
        if known is None:
            digest = hashlib.sha256(str(document.get("number", "")).encode()).hexdigest()[:10]
            known = {"id": f"adopted-{raw['province']}-{digest}", **document,
                     "scope": document.get("scope") or document.get("zh", "")}
            documents.append(known)
        place = _position(raw, target_id)
        before = raw["targets"][place]
        after = {**before, "source": {"document": known["id"], "clause": clause, "quote": quote},
                 "adopted": {"by": by, "at": now_text()}}
        raw["targets"][place] = after
        found = _check(catalogue, path, raw, regions)
        _write(path, raw)
        _log(path, "adopt", by, target_id, f"{document.get('zh', '')}（{document.get('number', '')}）{clause}",
             before, after)
    return found


def withdraw(catalogue: Catalogue, target_id: str, why: str, by: str, regions: set[str] | None = None) -> Catalogue:
    """Remove the draft `target_id` (its versions stay in the log)."""
    if target_id not in catalogue.drafts:
        raise DraftRefused([f"targets {target_id}: no such draft"])
    path = province_file(catalogue, catalogue.drafts[target_id].population.region[:2])
    with store.write_lock(path):
        raw = _read(path, "")
        before = raw["targets"].pop(_position(raw, target_id))
        found = _check(catalogue, path, raw, regions)
        _write(path, raw)
        _log(path, "withdraw", by, target_id, why, before, None)
    return found


def history(catalogue: Catalogue, target_id: str | None = None) -> list[dict]:
    """Every change kept beside the province files, newest first (of one target, when given)."""
    records = []
    for path in catalogue.files[1:]:
        log = log_file(path)
        if log.exists():
            records += [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = [(r["at"], i, r) for i, r in enumerate(records) if target_id is None or r["target"] == target_id]
    return [r for _, _, r in sorted(kept, key=lambda k: k[:2], reverse=True)]

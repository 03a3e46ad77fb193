"""Validate persona files: what ``counterpart persona check`` (``make persona-check``) runs.

Without paths the whole library (``personas/library``) and the type files are checked. Each
error prints as ``file:line: message``.
"""

from __future__ import annotations

from pathlib import Path

from personas.checks import ValidationError
from personas.library import PersonaLibrary


def validate_paths(paths: list[Path] | None = None) -> list[ValidationError]:
    """Validate the given persona files or folders (default: the whole library), plus the type
    files."""
    if not paths:
        return list(PersonaLibrary().errors)
    errors: list[ValidationError] = []
    by_root: dict[Path, list[Path]] = {}
    for path in paths:
        if path.is_dir():
            errors.extend(PersonaLibrary(path).errors)
        else:
            by_root.setdefault(path.resolve().parent, []).append(path.resolve())
    for root, files in by_root.items():
        lib = PersonaLibrary(root)
        wanted = {str(f) for f in files}
        errors.extend(e for e in lib.errors if e.file in wanted or not e.file.startswith(str(root)))
        for f in files:
            if not f.exists():
                errors.append(ValidationError(str(f), 0, "no such file"))
    return errors

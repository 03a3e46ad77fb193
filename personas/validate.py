"""Check persona files: what ``counterpart persona check`` (``make persona-check``) runs.

Without paths the whole library (``personas/library``) and the type files are checked. Each
error prints as ``file:line: message``, each warning as ``file:line: warning: message``, each
draft as ``file: draft: N placeholder lines left``. Only errors fail the check.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from personas.checks import Draft, ValidationError, ValidationWarning
from personas.library import PersonaLibrary


@dataclass
class Report:
    errors: list[ValidationError] = field(default_factory=list)
    warnings: list[ValidationWarning] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)

    def add(self, lib: PersonaLibrary, files: set[str] | None = None) -> None:
        """What ``lib`` found, only for ``files`` when given (type-file errors always: they take
        the files' personas down)."""
        root = str(lib.root.resolve())
        self.errors.extend(
            e for e in lib.errors if files is None or e.file in files or not e.file.startswith(root)
        )
        self.warnings.extend(w for w in lib.warnings if files is None or w.file in files)
        for persona in lib.drafts():
            draft = lib.draft_report(persona.id)
            if draft is not None and (files is None or draft.file in files):
                self.drafts.append(draft)

    def lines(self) -> list[str]:
        """Errors, then warnings, then drafts, each in file and line order; no repeats."""
        found: list[ValidationError | ValidationWarning | Draft] = []
        for kind in (self.errors, self.warnings, self.drafts):
            found.extend(sorted(kind, key=lambda f: (f.file, f.line, str(f))))
        return list(dict.fromkeys(str(f) for f in found))


def check_paths(
    paths: list[Path] | None = None,
    *,
    types_root: str | os.PathLike[str] | None = None,
) -> Report:
    """Check the given persona files or folders (default: the whole library) against the types
    in ``types_root`` (default: the project's), plus the type files themselves."""
    report = Report()
    if not paths:
        report.add(PersonaLibrary(types_root=types_root))
        return report
    by_root: dict[Path, set[str]] = {}
    for path in paths:
        if path.is_dir():
            report.add(PersonaLibrary(path, types_root=types_root))
        elif not path.exists():
            report.errors.append(ValidationError(str(path), 0, "no such file"))
        else:
            by_root.setdefault(path.resolve().parent, set()).add(str(path.resolve()))
    for root, files in by_root.items():
        report.add(PersonaLibrary(root, types_root=types_root), files)
    return report


def validate_paths(paths: list[Path] | None = None) -> list[ValidationError]:
    """The errors of :func:`check_paths` (warnings and drafts left out)."""
    return check_paths(paths).errors

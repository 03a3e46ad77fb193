"""``python -m personas.validate [paths…]``: check persona files, exit 1 on any error.

Without arguments the whole library (``personas/library``) and the type files are checked.
Each error is printed as ``file:line: message``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from personas.checks import SCHEMA_ENGINE, SCHEMA_NOTE, ValidationError
from personas.library import PersonaLibrary


def validate_paths(paths: list[Path] | None = None) -> list[ValidationError]:
    """Validate the given persona files (default: the whole library), plus the type files."""
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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if any(a in ("-h", "--help") for a in args):
        print("usage: python -m personas.validate [persona files or directories]")
        return 0
    if SCHEMA_NOTE:
        print(SCHEMA_NOTE, file=sys.stderr)
    errors = validate_paths([Path(a) for a in args])
    for error in errors:
        print(error)
    if errors:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    count = len(PersonaLibrary().list()) if not args else len(args)
    print(f"ok: {count} persona file(s) valid ({SCHEMA_ENGINE} schema check)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The persona library the batch tools play: ``--personas`` when given, else the one the
rasa runtime's settings name (``PERSONA_LIBRARY_DIR``), as the action server does."""

from __future__ import annotations

from personas import PersonaLibrary


def persona_library(folder: str | None = None) -> PersonaLibrary:
    from rasa_settings import get_settings

    settings = get_settings()
    root = folder or settings.persona_library_dir
    return PersonaLibrary(root, types_root=settings.persona_types_dir)

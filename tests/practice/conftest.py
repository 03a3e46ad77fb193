from __future__ import annotations

import pytest

from personas import Persona, PersonaLibrary


@pytest.fixture(scope="session")
def library() -> PersonaLibrary:
    return PersonaLibrary()


@pytest.fixture(scope="session")
def angry_en(library: PersonaLibrary) -> Persona:
    return library.get("angry_en_vacuum_broken")

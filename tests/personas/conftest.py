from __future__ import annotations

import pytest

from personas import PersonaLibrary


@pytest.fixture(scope="session")
def library() -> PersonaLibrary:
    return PersonaLibrary()

"""Simulated customers: the persona engine and the YAML persona library.

``PersonaLibrary`` loads ``personas/library/<id>.yml`` (re-reading edited files);
``personas.engine`` turns a persona, its JSON state and the trainee's analysed reply into the
customer's next line.
"""

from personas import engine
from personas.checks import ValidationError
from personas.library import PersonaLibrary, UnknownPersonaError
from personas.model import Persona

__all__ = ["Persona", "PersonaLibrary", "UnknownPersonaError", "ValidationError", "engine"]

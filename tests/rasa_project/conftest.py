import sys
from pathlib import Path

# The rasa env's processes import from rasa_project/ (the action server runs in it); the app env
# runs these tests too (`make test-unit`), where that folder is not on sys.path by itself.
RASA_PROJECT = str(Path(__file__).resolve().parents[2] / "rasa_project")
if RASA_PROJECT not in sys.path:
    sys.path.insert(0, RASA_PROJECT)

import sys
from pathlib import Path

# The action server runs from rasa_project/ (`rasa run actions --actions actions`); so do the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "rasa_project"))

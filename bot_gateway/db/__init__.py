"""The gateway database: trainees, practice sessions, turns and scores (SQLAlchemy 2, Alembic)."""

# Rasa server and action server (rasa 3.6 needs Python 3.10). The model is trained at build time,
# so every replica serves the same model.
FROM python:3.10-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY rasa_project/requirements.lock rasa_project/requirements.lock
RUN uv pip install --system --no-cache -r rasa_project/requirements.lock
COPY pyproject.toml README.md ./
COPY practice practice
COPY personas personas
COPY scoring scoring
COPY bot_gateway/__init__.py bot_gateway/__init__.py
RUN uv pip install --system --no-cache --no-deps -e .
COPY rasa_project rasa_project
WORKDIR /app/rasa_project
RUN rasa train --domain domain --fixed-model-name counterpart --out models
RUN useradd --create-home counterpart && chown -R counterpart /app
USER counterpart
EXPOSE 5005 5055
CMD ["python", "serve.py", "run", "--enable-api", "--port", "5005", "--model", "models/counterpart.tar.gz", \
     "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]

# Gateway: web chat, API, Telegram webhook, supervisor tools; also runs the one-shot migrations.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY alembic.ini ./
COPY practice practice
COPY personas personas
COPY scoring scoring
COPY bot_gateway bot_gateway
RUN uv sync --locked --no-dev
RUN useradd --create-home counterpart && chown -R counterpart /app
USER counterpart
EXPOSE 8080
CMD ["counterpart", "serve"]

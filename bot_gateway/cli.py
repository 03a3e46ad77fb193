"""`counterpart`: the command line of Counterpart (the make targets wrap it)."""

from __future__ import annotations

import signal
import time

import typer

from bot_gateway.config import StackSettings, get_settings
from bot_gateway.log import configure_logging

app = typer.Typer(help="Counterpart: simulated customers for customer-service training.")
db_app = typer.Typer(help="Gateway database migrations.")
app.add_typer(db_app, name="db")


@app.command()
def run() -> None:
    """Start the action server, Rasa and the gateway locally; Ctrl-C stops them all."""
    from bot_gateway.db import migrate
    from bot_gateway.runner import LocalStack, StackError

    stack_settings = StackSettings()
    typer.echo("==> migrating the gateway database")
    migrate.upgrade(get_settings().database_url)
    typer.echo("==> starting Counterpart (Rasa takes about 20 s to load its model)")
    stack = LocalStack(stack_settings)
    stopping = False

    def _stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        stack.start(progress=typer.echo)
        url = f"http://{stack_settings.web_host}:{stack_settings.web_port}"
        typer.secho(f"\nCounterpart is running: open {url}  (Ctrl-C stops)", fg="green", bold=True)
        if get_settings().telegram_bot_token:
            typer.echo("Telegram bot: long polling with TELEGRAM_BOT_TOKEN")
        while not stopping:
            if crashed := stack.exited():
                names = ", ".join(f"{s.name} (log: {s.log_path})" for s in crashed)
                typer.secho(f"stopped unexpectedly: {names}", fg="red", err=True)
                raise typer.Exit(1)
            time.sleep(0.5)
    except StackError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from exc
    finally:
        typer.echo("\n==> stopping")
        stack.stop()
        typer.echo("stopped")


@app.command()
def serve() -> None:
    """Run the gateway alone (web chat, API, Telegram) — what `run` and docker-compose start."""
    import uvicorn

    from bot_gateway.web.app import create_app

    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=settings.web_host,
        port=settings.web_port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )


@app.command()
def rescore(
    session: str | None = typer.Option(None, help="only this session id"),
    everything: bool = typer.Option(False, "--all", help="every ended session, not only outdated"),
) -> None:
    """Re-rate stored sessions with the current rubric (default: those rated with another)."""
    import asyncio

    from bot_gateway.db.engine import create_engine, create_sessionmaker
    from bot_gateway.rescore import rescore as run_rescore
    from scoring.rubric import RUBRIC_VERSION

    async def main() -> None:
        engine = create_engine(get_settings().database_url)
        try:
            report = await run_rescore(
                create_sessionmaker(engine),
                session_id=session,
                everything=everything,
                progress=typer.echo,
            )
        finally:
            await engine.dispose()
        typer.echo(
            f"rubric {RUBRIC_VERSION}: {report.sessions} sessions re-rated, "
            f"{report.changed} with a new overall score"
        )

    asyncio.run(main())


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from bot_gateway.db import migrate

    migrate.upgrade(get_settings().database_url, revision)


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="target revision, e.g. base")) -> None:
    """Revert migrations down to REVISION."""
    from bot_gateway.db import migrate

    migrate.downgrade(get_settings().database_url, revision)

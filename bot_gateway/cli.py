"""`counterpart`: the command line of Counterpart (the make targets wrap it)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated

import typer

from bot_gateway.config import Settings, StackSettings
from bot_gateway.config import get_settings as _get_settings
from bot_gateway.log import configure_logging


def get_settings() -> Settings:
    """The settings, or a clear message and exit 1 when they are refused (e.g. a weak key)."""
    from pydantic import ValidationError

    try:
        return _get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            typer.secho(f"error: {where + ': ' if where else ''}{message}", fg="red", err=True)
        raise typer.Exit(1) from exc


app = typer.Typer(help="Counterpart: simulated customers for customer-service training.")
db_app = typer.Typer(help="Gateway database migrations.")
app.add_typer(db_app, name="db")


@app.command()
def run() -> None:
    """Start the action server (unless ACTIONS_IN_PROCESS=true: then Rasa runs the actions),
    Rasa and the gateway locally; Ctrl-C stops them all."""
    from bot_gateway.db import migrate
    from bot_gateway.runner import LocalStack, StackError, StopSignals

    get_settings()  # refuse bad settings before starting anything
    stack_settings = StackSettings()
    stack = LocalStack(stack_settings)
    typer.echo("==> migrating the gateway database")
    migrate.upgrade(stack.database_url)
    typer.echo("==> starting Counterpart (Rasa takes about 20 s to load its model)")
    signals = StopSignals()
    try:
        stack.start(progress=typer.echo)
        url = f"http://{stack_settings.web_host}:{stack_settings.web_port}"
        typer.secho(f"\nCounterpart is running: open {url}  (Ctrl-C stops)", fg="green", bold=True)
        if get_settings().telegram_bot_token:
            typer.echo("Telegram bot: long polling with TELEGRAM_BOT_TOKEN")
        if crashed := signals.wait(stack):
            names = ", ".join(f"{s.name} (log: {s.log_path})" for s in crashed)
            typer.secho(f"stopped unexpectedly: {names}", fg="red", err=True)
            raise typer.Exit(1)
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
    from bot_gateway.web.limits import LimitSettings

    settings = get_settings()
    limits = LimitSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    web_app = create_app(settings, limits)
    # what start-up loaded (the web stack, SQLAlchemy, pydantic, aiogram) lives as long as the
    # process: left out of every later full garbage collection, which walked it all and paused
    # the event loop (rasa_project/serve.py, freeze_startup_heap); here, in the served process
    # only, not in every app a test creates
    gc.collect()
    gc.freeze()
    # and what the first requests load, the sessions' sockets: frozen after each full collection
    from bot_gateway import metrics

    metrics.manage_collections()
    uvicorn.run(
        web_app,
        host=settings.web_host,
        port=settings.web_port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        ws_max_size=limits.ws_max_frame_bytes,  # larger frames: closed (1009), never read whole
        # no permessage-deflate: a turn's few kB are not worth zlib on every frame, nor a
        # compressor's memory kept per open socket
        ws_per_message_deflate=False,
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


# ---------------------------------------------------------------------------- staff (issue 7)

user_app = typer.Typer(help="Staff users of the web app (trainer, supervisor, admin).")
token_app = typer.Typer(help="API tokens for scripted exports.")
persona_app = typer.Typer(help="The trainer's persona workflow.")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(persona_app, name="persona")


def _with_db(work):
    """Run `work(db)` in one transaction on the configured database."""
    import asyncio

    from bot_gateway.db.engine import create_engine, create_sessionmaker

    async def main():
        engine = create_engine(get_settings().database_url)
        try:
            async with create_sessionmaker(engine).begin() as db:
                return await work(db)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@user_app.command("add")
def user_add(
    name: str,
    role: str = typer.Option(..., help="trainee, trainer, supervisor or admin"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    cohort: Annotated[
        list[str] | None, typer.Option(help="invite code of a cohort to supervise (repeatable)")
    ] = None,
) -> None:
    """Create a user who signs in at /staff/login."""
    from bot_gateway.auth import AuthError, create_user

    async def work(db):
        user = await create_user(db, name, role, password, cohort or ())
        return user.id

    try:
        user_id = _with_db(work)
    except AuthError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"user {name} ({role}) created, id {user_id}")


def _fail(exc: Exception) -> typer.Exit:
    typer.secho(f"error: {exc}", fg="red", err=True)
    return typer.Exit(1)


@user_app.command("disable")
def user_disable(name: str) -> None:
    """Disable NAME: no more sign-ins, every current sign-in ends, every API token is revoked."""
    from bot_gateway.auth import AuthError, set_active

    try:
        revoked = _with_db(lambda db: set_active(db, name, False))
    except AuthError as exc:
        raise _fail(exc) from exc
    typer.echo(f"user {name} disabled; sign-ins ended; {revoked} token(s) revoked")


@user_app.command("enable")
def user_enable(name: str) -> None:
    """Let NAME sign in again (revoked tokens stay revoked: make new ones)."""
    from bot_gateway.auth import AuthError, set_active

    try:
        _with_db(lambda db: set_active(db, name, True))
    except AuthError as exc:
        raise _fail(exc) from exc
    typer.echo(f"user {name} enabled")


@token_app.command("create")
def token_create(
    user: str,
    label: str = typer.Option("", help="what the token is for"),
    days: int = typer.Option(90, help="days until the token expires (1-366)"),
) -> None:
    """Print a new API token for USER (shown once; only its hash is stored)."""
    from bot_gateway.auth import AuthError, create_token

    try:
        token = _with_db(lambda db: create_token(db, user, label, days=days))
    except AuthError as exc:
        raise _fail(exc) from exc
    typer.echo(token)


@token_app.command("list")
def token_list(user: Annotated[str | None, typer.Argument(help="only this user's")] = None) -> None:
    """List API tokens: id, user, label, created, expires, last used, revoked."""
    from bot_gateway.auth import list_tokens

    def day(moment) -> str:
        return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"

    rows = _with_db(lambda db: list_tokens(db, user))
    if not rows:
        typer.echo("no tokens")
        return
    for t in rows:
        state = f"revoked {day(t.revoked_at)}" if t.revoked_at else f"expires {day(t.expires_at)}"
        typer.echo(
            f"{t.id:>5}  {t.user:<16} {t.label or '-':<16} created {day(t.created_at)}  "
            f"{state}  last used {day(t.last_used_at)}"
        )


@token_app.command("revoke")
def token_revoke(
    token: Annotated[
        str | None, typer.Argument(help="the token itself, or its id from `token list`")
    ] = None,
    user: str | None = typer.Option(None, "--user", help="revoke every token of this user"),
) -> None:
    """Revoke one API token, or all of a user's with --user; it stops working at once."""
    from bot_gateway.auth import AuthError, revoke_tokens

    if (token is None) == (user is None):
        typer.secho("error: give a token (or its id), or --user NAME", fg="red", err=True)
        raise typer.Exit(2)
    if token is not None and token.isdigit():
        work = lambda db: revoke_tokens(db, token_id=int(token))  # noqa: E731
    elif token is not None:
        work = lambda db: revoke_tokens(db, token=token.strip())  # noqa: E731
    else:
        work = lambda db: revoke_tokens(db, user_name=user)  # noqa: E731
    try:
        revoked = _with_db(work)
    except AuthError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{revoked} token(s) revoked")


@app.command("export")
def export_sessions(
    out: Annotated[Path, typer.Option("--out", "-o", help="file to write")],
    fmt: str = typer.Option("xlsx", "--format", help="xlsx, csv or json"),
    cohort: Annotated[
        list[str] | None, typer.Option(help="cohort invite code or id (repeatable)")
    ] = None,
    since: str | None = typer.Option(None, help="first day, YYYY-MM-DD"),
    until: str | None = typer.Option(None, help="last day, YYYY-MM-DD"),
    trainee: int | None = typer.Option(None, help="trainee id"),
    persona_type: str | None = typer.Option(None, "--type", help="persona type"),
    language: str | None = typer.Option(None, help="zh or en"),
    mode: str | None = typer.Option(None, help="practice or assessment"),
    outcome: str | None = typer.Option(None, help="resolved, escalated, walked_away …"),
) -> None:
    """Export sessions and per-reply scores (every cohort: the command line acts as admin)."""
    import asyncio
    from datetime import date

    from bot_gateway import export
    from bot_gateway.auth import Principal
    from bot_gateway.db.engine import create_engine, create_sessionmaker

    if fmt not in export.FORMATS:
        typer.secho(f"error: --format is one of {', '.join(export.FORMATS)}", fg="red", err=True)
        raise typer.Exit(2)
    try:
        filters = export.ExportFilters(
            since=date.fromisoformat(since) if since else None,
            until=date.fromisoformat(until) if until else None,
            cohorts=tuple(cohort or ()),
            trainee_id=trainee,
            persona_type=persona_type,
            language=language,
            mode=mode,
            outcome=outcome,
        )
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc
    everyone = Principal(0, "cli", "admin", frozenset())

    async def main() -> None:
        engine = create_engine(get_settings().database_url)
        try:
            with out.open("wb") as target:
                async for chunk in export.chunks(
                    fmt, create_sessionmaker(engine), everyone, filters
                ):
                    target.write(chunk)
        finally:
            await engine.dispose()

    asyncio.run(main())
    typer.echo(f"wrote {out}")


@persona_app.command("new")
def persona_new(
    persona_type: str = typer.Option(..., "--type", help="angry, arrogant, doubtful …"),
    lang: str = typer.Option(..., "--lang", help="zh or en"),
    persona_id: str | None = typer.Option(None, "--id", help="default: <type>_<lang>_new_<n>"),
    library: Annotated[
        Path | None, typer.Option(help="persona library folder (default: the configured one)")
    ] = None,
) -> None:
    """Scaffold a draft persona from the type's defaults: rewrite its \\[rewrite] texts
    to publish."""
    from bot_gateway.supervisor.authoring import ScaffoldError, check, scaffold

    settings = get_settings()
    folder = library or settings.persona_library_dir
    try:
        path = scaffold(
            persona_type, lang, persona_id, library=folder, types_root=settings.persona_types_dir
        )
    except ScaffoldError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from exc
    report = check([path], types_root=settings.persona_types_dir)
    for error in report.errors:
        typer.secho(str(error), fg="red", err=True)
    for warning in report.warnings:
        typer.echo(str(warning))
    typer.echo(f"created {path}")
    typer.echo(
        "it is a draft (trainers see it, trainees do not) until every text starting "
        "[rewrite] / 〔待改写〕 is rewritten;"
    )
    typer.echo(f"then: counterpart persona check {path} && make chat PERSONA={path.stem}")
    if report.errors:
        raise typer.Exit(1)


@persona_app.command("check")
def persona_check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="files or folders (default: the configured library)"),
    ] = None,
) -> None:
    """Check persona files: `file:line: what is wrong` per error (exit 1 on any),
    `file:line: warning: …` per warning, `file: draft: …` per unfinished scaffold."""
    from bot_gateway.supervisor.authoring import check

    settings = get_settings()
    report = check(
        list(paths) if paths else [settings.persona_library_dir],
        types_root=settings.persona_types_dir,
    )
    for line in report.lines():
        typer.echo(line)
    if report.errors:
        typer.secho(f"{len(report.errors)} error(s)", fg="red", err=True)
        raise typer.Exit(1)
    if not report.warnings and not report.drafts:
        typer.echo("ok: every persona file is valid")
        return
    notes = []
    if report.warnings:
        notes.append(f"{len(report.warnings)} warning(s)")
    if report.drafts:
        notes.append(f"{len(report.drafts)} draft(s), not offered to trainees")
    typer.echo(f"ok: no errors; {', '.join(notes)}")

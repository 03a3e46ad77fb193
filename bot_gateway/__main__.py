from bot_gateway.cli import app

app()

"""bot_gateway package."""

"""The web chat and the gateway's HTTP API."""

"""The supervisor dashboard, exports over HTTP and the persona library page (issue 7)."""

# Telegram channel: the Node tools of its end-to-end tests (telegram-test-api, a Bot API emulator).
# Included by the Makefile before its `setup` rule; reinstalled only when package-lock.json changes.

NODE_STAMP := $(STAMPS)/node-$(call hash,package-lock.json)
SETUP_EXTRAS += $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@echo "==> node tools (node_modules) from package-lock.json"
	npm ci --no-audit --no-fund
	@mkdir -p $(STAMPS) && rm -f $(STAMPS)/node-* && touch $@

.PHONY: test-telegram
test-telegram: setup $(MODEL) ## Telegram unit tests, then end to end against telegram-test-api
	$(APP_PY) -m pytest tests/bot_gateway/telegram
	$(APP_PY) -m pytest -m integration tests/integration/test_telegram.py

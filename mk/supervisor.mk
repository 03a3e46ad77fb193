# Supervisors and trainers: dashboard users, exports, persona authoring (issue 7).
# Included by the main Makefile, which defines APP_PY, RASA_PY, MODEL and `setup`.

##@ Supervisors and trainers

.PHONY: chat
chat: chat-args setup $(MODEL) ## Play against a persona in the terminal, no servers: make chat PERSONA=<id>
	$(RASA_PY) -m batch.chat "$(PERSONA)" --model "$(abspath $(MODEL))"

# Checked before setup and training, so a wrong call fails at once.
.PHONY: chat-args
chat-args:
	@test -n "$(PERSONA)" || { echo "usage: make chat PERSONA=<persona id>" >&2; exit 2; }

.PHONY: persona-new
persona-new: setup ## Scaffold a valid persona file: make persona-new TYPE=angry LANG_CODE=zh
	.venv/bin/counterpart persona new --type "$(TYPE)" --lang "$(LANG_CODE)"

.PHONY: persona-check
persona-check: setup ## Check every persona and type file (schema, lines, facts); errors as file:line: message
	.venv/bin/counterpart persona check

.PHONY: test-supervisor
test-supervisor: setup ## Unit tests of roles, dashboard, exports and persona authoring
	$(APP_PY) -m pytest -q tests/bot_gateway/supervisor

# Personas: scripted conversations (simulation). The library is checked by `make persona-check`
# (mk/supervisor.mk, through the `counterpart` CLI).
# Included by the main Makefile, which defines APP_PY, RASA_PY, MODEL and `setup`.

##@ Personas

.PHONY: simulate
simulate: simulate-args setup $(MODEL) ## Run scripted conversations: make simulate IN=scripts.jsonl OUT=results.jsonl
	$(RASA_PY) -m batch.simulate --in "$(IN)" --out "$(OUT)" --model "$(abspath $(MODEL))"

# Checked before setup and training, so a wrong call fails at once.
.PHONY: simulate-args
simulate-args:
	@test -n "$(IN)" -a -n "$(OUT)" || { echo "usage: make simulate IN=scripts.jsonl OUT=results.jsonl" >&2; exit 2; }
	@test -r "$(IN)" || { echo "simulate: cannot read $(IN)" >&2; exit 2; }

.PHONY: listen-check
listen-check: setup $(MODEL) ## Does the customer listen? Fact probes and scripted conversations across the library
	$(RASA_PY) -m batch.listen_check --model "$(abspath $(MODEL))" $(LISTEN_ARGS)

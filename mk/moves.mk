# Move analysis (issue 3): batch analysis of trainee replies and its evaluation.
# Included by the main Makefile, which defines RASA_PY, MODEL and `setup`.

MOVES_RUN = $(RASA_PY) -m

.PHONY: moves eval-moves moves-args

moves: moves-args setup $(MODEL) ## Analyse replies into moves: make moves IN=in.jsonl OUT=out.jsonl
	$(MOVES_RUN) batch.moves --model $(MODEL) "$(IN)" "$(OUT)"

# checked before setup and training, so a forgotten argument fails at once
moves-args:
	@if [ -z "$(IN)" ] || [ -z "$(OUT)" ]; then \
		echo "usage: make moves IN=path/in.jsonl OUT=path/out.jsonl" >&2; exit 2; fi

eval-moves: setup $(MODEL) ## Evaluate move analysis (own-data CV + ../shared/eval dev sets) into reports/moves/
	$(MOVES_RUN) batch.eval_moves --model $(MODEL) $(EVAL_MOVES_ARGS)

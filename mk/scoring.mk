# Scoring: whole transcripts -> scorecards, offline (rasa env, NLU in-process, no server).

##@ Scoring

.PHONY: score
score: score-args setup $(MODEL) ## Score transcripts: make score IN=transcripts.jsonl OUT=scorecards.jsonl
	$(RASA_PY) -m batch.score --in "$(IN)" --out "$(OUT)" --model "$(abspath $(MODEL))"

# Checked first, so a missing argument fails before any setup or training starts.
.PHONY: score-args
score-args:
	@test -n "$(IN)" -a -n "$(OUT)" || { echo "usage: make score IN=transcripts.jsonl OUT=scorecards.jsonl" >&2; exit 2; }
	@test -r "$(IN)" || { echo "score: cannot read $(IN)" >&2; exit 2; }

.PHONY: score-calibration
score-calibration: setup ## Show how the rubric agrees with the labelled calibration sets
	$(APP_PY) -m scoring.calibration.report

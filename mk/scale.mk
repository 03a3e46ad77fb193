# Scale-out (issue 17): the production topology as local processes, its failure drills, the soak.
# PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379) run on this machine, as in
# CI; each run creates its own databases and drops them after.

TRAINEES ?= 200
DURATION ?= 180

##@ Scale-out

.PHONY: topology
topology: setup $(MODEL) ## Production topology locally: gateway on PostgreSQL, 2 Rasa (PostgreSQL tracker, Redis lock), 2 action servers
	$(APP_PY) -m bot_gateway.runner

.PHONY: test-drills
test-drills: setup $(MODEL) ## Failure drills on the topology: kill a Rasa server, the action servers, the gateway; restart PostgreSQL; Telegram 429/5xx
	$(APP_PY) -m pytest -m integration tests/drills

.PHONY: soak
soak: setup $(MODEL) ## TRAINEES (200) trainees at a human pace for DURATION s (180) on the topology; writes soak-results.json
	$(APP_PY) benchmarks/soak.py --trainees $(TRAINEES) --duration $(DURATION)

"""Batch tools that run the trained Rasa model in-process (rasa env): NLU, `make moves`,
`make eval-moves`."""

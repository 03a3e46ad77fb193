"""The practice core: one trainee turn as one typed function.

- ``practice.vocabulary``: moves, families, groups, steps, outcomes, limits (one table);
- ``practice.contracts``: what flows through a turn (reply, analysis, reaction, rating, result);
- ``practice.turn``: ``start``, ``play_turn``, ``finish`` — a turn;
- ``practice.transcript``: the one transcript builder.

Rasa-free and pure Python, like ``personas`` and ``scoring``; installed in both environments.
"""

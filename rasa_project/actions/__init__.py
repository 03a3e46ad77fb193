"""Custom actions: thin adapters from Rasa's tracker to the persona engine and the scorer."""

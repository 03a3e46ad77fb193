-- The Rasa tracker store gets its own database next to the gateway's.
CREATE DATABASE rasa;

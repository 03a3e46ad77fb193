"""Labelled calibration sets for the rubric, the agreement measures and their report."""

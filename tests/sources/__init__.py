"""Tests of the event builders, one module per source."""

"""The pytest-lambda-events test suite."""

"""Tests of the harness: functions, flows, topics, buckets, front doors."""

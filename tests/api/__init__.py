"""Tests of the HTTP service, its storage and its jobs."""

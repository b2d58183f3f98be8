"""Helpers and fixtures that several test areas share: import them, don't copy them.

A conftest takes a shared fixture by importing it (``from tests.support.threads import
no_thread_left_behind``); pytest registers what a conftest's namespace holds.
"""

"""Tests of appui.core.io: file parsers and writers, run without a database."""

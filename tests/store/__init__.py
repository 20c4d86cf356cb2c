"""Tests of the school database (mapping.store) on both backends."""

"""Shared by every test: `rappel check` keeps no cache between the checks the
tests run (each test that checks the cache gives it a directory of its own)."""

import os

os.environ["RAPPEL_CACHE_DIR"] = "off"

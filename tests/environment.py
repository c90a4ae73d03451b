"""Loaded as a pytest plugin (-p) before Django is set up: test-run environment defaults.

Tests run the production settings path (DEBUG off, real-length key) over plain HTTP.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SEARCH_RATE_LIMIT", "off")
os.environ.setdefault("STATIC_MANIFEST", "0")

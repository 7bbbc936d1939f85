"""A cheap Argon2 for tests: the personas' passwords are hashed in every test.

It is still Argon2 (stored hashes start with ``argon2``); only the cost differs.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1

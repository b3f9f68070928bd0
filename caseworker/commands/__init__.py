"""Subcommands of the ``caseworker`` command; none of them loads Qt."""

# Each module here has ``register(subparsers)``; cli.py adds them in this order.
COMMANDS: list[str] = ["deadlines"]

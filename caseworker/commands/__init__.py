"""Subcommands of the ``caseworker`` command; none of them loads Qt."""

# Each module here has ``register(subparsers)``; cli.py adds them in this order.
COMMANDS: list[str] = [
    "deadlines",
    "cases",
    "case",
    "letter",
    "attach",
    "documents",
    "import",
    "report",
    "demo",
    "users",
    "audit",
    "backup",
    "restore",
    "upgrade",
    "copy-store",
    "export-person",
    "retention",
    "replica",
    "sync",
    "conflicts",
]

# Commands whose name is a Python keyword live in a module of another name.
MODULES: dict[str, str] = {"import": "import_records", "copy-store": "copy_store"}

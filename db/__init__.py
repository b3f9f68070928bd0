"""The case store: SQLAlchemy models, the engine, migrations and read queries."""

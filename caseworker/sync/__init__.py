"""Offline replicas: the outbox's intents pushed and replayed on the server, changes pulled,
conflicts kept (SITES.md; issue 13)."""

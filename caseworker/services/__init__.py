"""Use cases: one function per user action, taking a Session (owned by the caller) and an Actor."""

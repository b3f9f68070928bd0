"""Data shipped with Caseworker: policies, letter wording, fonts and icons (no code)."""

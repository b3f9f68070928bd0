"""The PySide6 desktop app: the only place Qt lives."""

"""The benchmark suite: Caseworker's speed at a million cases (``python -m bench``)."""

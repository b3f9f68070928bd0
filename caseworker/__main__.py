"""``python -m caseworker``: the same as the ``caseworker`` command."""

import sys

from caseworker.cli import main

sys.exit(main())

"""`python -m sqlrl.cli`: the same as the `sqlrl` command (used by `accelerate launch`)."""

import sys

from sqlrl.cli import main

sys.exit(main())

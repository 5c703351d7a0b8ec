"""``python -m ssekit``: the command line of :mod:`ssekit.cli`, Ctrl-C included from the first line."""

import sys

try:
    from .cli import _interrupted, main
except KeyboardInterrupt:  # Ctrl-C while the (small) command-line module itself is imported
    exec("pass", {})  # see ssekit.cli._interrupted: CPython may have recorded the interrupt as unhandled
    print("ssekit: interrupted (Ctrl-C); no output file was left half-written", file=sys.stderr)
    sys.exit(130)

sys.exit(main())

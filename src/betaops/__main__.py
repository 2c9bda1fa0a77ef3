import sys

from betaops.cli import main

sys.exit(main())

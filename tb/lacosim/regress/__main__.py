import sys

from lacosim.regress.cli import main

sys.exit(main())

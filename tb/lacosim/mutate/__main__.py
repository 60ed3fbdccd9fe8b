import sys

from lacosim.mutate.cli import main

sys.exit(main())

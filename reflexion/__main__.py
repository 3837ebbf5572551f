import sys

from reflexion.cli import main

sys.exit(main())

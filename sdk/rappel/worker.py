"""`python -m rappel.worker`: a worker process of the runtime (docs/operations.md,
"The worker process"). The work is in `rappel._worker`, so that running this module
as `__main__` never defines anything twice."""

import sys

from rappel._worker import main

if __name__ == "__main__":
    sys.exit(main())

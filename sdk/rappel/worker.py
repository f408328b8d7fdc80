"""`python -m rappel.worker`: a worker process of the runtime (docs/operations.md,
"The worker process"). The work is in `rappel._worker`, so that running this module
as `__main__` never defines anything twice."""

import os
import sys

WORKER_GRPC_EXPERIMENTS = "-event_engine_client,-event_engine_listener,-event_engine_for_all_other_endpoints,-event_engine_callback_cq"

# Set before grpc starts (it reads this once). grpc's EventEngine runs the stream's
# reads and writes on threads of its own, so each dispatch and each result crosses
# three threads (EventEngine, grpc.aio's poller, the event loop), and a worker that
# runs one action at a time pays those switches for every action. Without it the
# poller thread reads and the loop's thread writes: a fifth less CPU per action
# (docs/benchmarks.md, "The worker's threads"). An explicit GRPC_EXPERIMENTS, even
# empty, is kept as given.
os.environ.setdefault("GRPC_EXPERIMENTS", WORKER_GRPC_EXPERIMENTS)

from rappel._worker import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

"""Throughput of one `python -m rappel.worker` process for a no-op action, against
a stand-in runtime (grpc.aio, in this process) that keeps the worker's slots full
with dispatches sent `batch` at a time. Figures only, never asserted:

    .venv/bin/python tests/bench/worker_hop.py [--seconds 5] [--slots 256] [--batches 1 8 64]
        [--timeout 300] [--payload 64] [--gap-ms 0]

Each dispatch is what the runtime sends for the benchmarks' no-op action: a string of
`--payload` bytes, and the action's timeout (300 s, the default). The worker's CPU
time (user + system, from /proc) over the measured window gives its cost per action;
actions/s is bounded by that and by the stand-in's own CPU on the same cores.
`--slots 1 --batches 1 --gap-ms 3` is a sequential workflow's worker: one action at a
time, woken from idle for each (the gap stands for the runtime's commit of a step).

Both processes share the machine, as the runtime and its workers will.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import grpc

from rappel._proto import worker_pb2, worker_pb2_grpc
from rrl import codec

APP = """
from rappel import action


@action
async def noop(payload: str) -> None:
    return None
"""


class StandInRuntime(worker_pb2_grpc.WorkerBridgeServicer):
    def __init__(self, batch: int, slots: int, timeout: float, payload: int, gap_seconds: float) -> None:
        self.batch, self.slots, self.gap_seconds = batch, slots, gap_seconds
        self.timeout, self.payload = timeout, payload
        self.completed = 0
        self.errors = 0
        self.batches_received = 0
        self.free_slots = 0
        self.slots_freed = asyncio.Event()
        self.stop = asyncio.Event()

    async def Attach(self, request_iterator, context):
        hello = await request_iterator.__anext__()
        assert hello.WhichOneof("kind") == "hello"
        reader = asyncio.create_task(self._read(request_iterator))
        self._free(self.slots)
        payload = codec.dumps({"payload": "x" * self.payload}).encode()
        sent = 0
        try:
            while not self.stop.is_set():  # never more in flight than the worker's slots
                while self.free_slots < self.batch:
                    self.slots_freed.clear()
                    await self.slots_freed.wait()
                self.free_slots -= self.batch
                if self.gap_seconds:
                    await asyncio.sleep(self.gap_seconds)
                dispatches = [
                    worker_pb2.Dispatch(
                        attempt_id=str(sent + k), module="bench_app", name="noop", kwargs=payload, attempt=1, timeout_seconds=self.timeout
                    )
                    for k in range(self.batch)
                ]
                sent += self.batch
                yield worker_pb2.RuntimeMessage(dispatches=worker_pb2.DispatchBatch(dispatches=dispatches))
            yield worker_pb2.RuntimeMessage(drain=worker_pb2.Drain())
            await reader
        finally:
            reader.cancel()

    async def _read(self, request_iterator) -> None:
        async for message in request_iterator:
            if message.WhichOneof("kind") == "results":
                n = len(message.results.results)
                self.errors += sum(1 for r in message.results.results if r.WhichOneof("outcome") == "error")
                self.completed += n
                self.batches_received += 1
                self._free(n)

    def _free(self, n: int) -> None:
        self.free_slots += n
        self.slots_freed.set()


async def measure(batch: int, slots: int, seconds: float, app_dir: Path, timeout: float, payload: int, gap_seconds: float) -> dict:
    runtime = StandInRuntime(batch, slots, timeout, payload, gap_seconds)
    server = grpc.aio.server()
    worker_pb2_grpc.add_WorkerBridgeServicer_to_server(runtime, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPEL_")}
    env.update(RAPPEL_WORKER_ADDR=f"127.0.0.1:{port}", RAPPEL_USER_MODULE="bench_app", RAPPEL_CONCURRENT_PER_WORKER=str(slots))
    process = await asyncio.create_subprocess_exec(
        sys.executable, *os.environ.get("BENCH_PY_FLAGS", "").split(), "-m", "rappel.worker", cwd=app_dir, env=env
    )
    await asyncio.sleep(1.5)  # start and warm up
    start_count, start_results, started = runtime.completed, runtime.batches_received, time.perf_counter()
    start_cpu = _cpu_seconds(process.pid)
    await asyncio.sleep(seconds)
    elapsed = time.perf_counter() - started
    done = runtime.completed - start_count
    worker_cpu = _cpu_seconds(process.pid) - start_cpu
    runtime.stop.set()
    await asyncio.wait_for(process.wait(), 10)
    await server.stop(grace=None)
    return {
        "batch": batch,
        "actions_per_s": done / elapsed,
        "worker_cpu_us_per_action": 1e6 * worker_cpu / done if done else float("nan"),
        "mean_results_per_message": done / max(1, runtime.batches_received - start_results),
        "exit": process.returncode,
        "errors": runtime.errors,
    }


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--slots", type=int, default=256)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8, 64])
    parser.add_argument("--timeout", type=float, default=300.0, help="each dispatch's timeout_seconds (0: none)")
    parser.add_argument("--payload", type=int, default=64, help="bytes of the action's string argument")
    parser.add_argument("--gap-ms", type=float, default=0.0, help="the stand-in's wait before each dispatch batch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "bench_app.py").write_text(APP)
        print("| dispatch batch | actions/s | worker CPU µs/action | actions per worker CPU-second | results per message | errors | worker exit |")
        print("|---|---|---|---|---|---|---|")
        for batch in args.batches:
            row = await measure(batch, args.slots, args.seconds, Path(scratch), args.timeout, args.payload, args.gap_ms / 1000)
            print(
                f"| {row['batch']} | {row['actions_per_s']:,.0f} | {row['worker_cpu_us_per_action']:.1f} | "
                f"{1e6 / row['worker_cpu_us_per_action']:,.0f} | "
                f"{row['mean_results_per_message']:.1f} | {row['errors']} | {row['exit']} |"
            )


if __name__ == "__main__":
    asyncio.run(main())

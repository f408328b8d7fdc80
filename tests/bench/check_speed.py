"""How long `rappel check` takes: on the whole golden corpus, on one
workflow file, and on one generated 2,000-line module; and what importing a
module of 50 workflows costs a process (`@workflow` compiles on first use).
Run with `make bench`; figures go to docs/benchmarks.md by hand, never into a
timed test.

Four figures for `rappel check`: the command end to end (a fresh process,
imports included, as CI sees it) with `--no-cache`, in one process (`-j 1`)
and in as many as it chooses (one per CPU), then from its check cache (what a
second run over unchanged files costs), and the check itself in a warm
process.
Fresh processes run with their bytecode cached, as installed code does
(PYTHONDONTWRITEBYTECODE is dropped), and their CPU time (their children's
included) is given beside the wall-clock time: on a busy machine it is the
steadier figure, but with several processes the wall-clock time is the one
that tells what was gained.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "golden"


def generated_module(target_lines: int = 2000, workflows: int | None = None) -> str:
    """A realistic module: actions plus workflows with loops, branches,
    fan-out, retries, try/except and helpers, until it has `target_lines`
    (or `workflows` workflows)."""
    header = [
        "import asyncio",
        "from datetime import timedelta",
        "",
        "from pydantic import BaseModel",
        "",
        "from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow",
        "",
        "",
        "class Item(BaseModel):",
        "    id: str",
        "    price: float",
        "    active: bool = True",
        "",
    ]
    lines = list(header)
    i = 0
    while (len(lines) < target_lines) if workflows is None else (i < workflows):
        lines += f'''

@action
async def load_{i}(ids: list[str]) -> list[Item]:
    return [Item(id=x, price=1.0) for x in ids]


@action
async def charge_{i}(item_id: str, amount: float) -> str:
    return f"charged {{item_id}} {{amount}}"


@action
async def notify_{i}(message: str) -> None:
    return None


@workflow
class Batch{i}(Workflow):
    async def run(self, ids: list[str], limit: int = 10) -> dict[str, str]:
        items = await load_{i}(ids)
        active = [item for item in items if item.active and item.price > 0]
        receipts: dict[str, str] = {{}}
        total = 0.0
        for index, item in enumerate(active):
            if index >= limit:
                break
            if item.price > 100:
                continue
            try:
                receipt = await self.run_action(
                    charge_{i}(item.id, item.price),
                    retry=RetryPolicy(attempts=3),
                    backoff=BackoffPolicy(base_delay=2),
                    timeout=timedelta(minutes=2),
                )
            except ValueError as exc:
                await notify_{i}(f"failed {{item.id}}: {{exc}}")
                continue
            receipts[item.id] = receipt
            total += item.price
        summary = self.summarize(total, len(receipts))
        await asyncio.gather(*[notify_{i}(f"{{key}}={{value}}") for key, value in receipts.items()])
        await asyncio.sleep(60)
        await notify_{i}(summary)
        return receipts

    def summarize(self, total: float, count: int) -> str:
        average = total / count if count else 0.0
        return f"{{count}} charges, {{total:.2f}} in all, {{average:.2f}} each"
'''.splitlines()
        i += 1
    return "\n".join(lines) + "\n"


class Samples(list):
    """Wall-clock seconds, with the CPU seconds they took in `.cpu`."""

    cpu: list[float]


def _timed(fn, repeat: int) -> Samples:
    samples, cpu = Samples(), []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    samples.cpu = cpu
    return samples


def _timed_processes(fn, repeat: int) -> Samples:
    samples, cpu = Samples(), []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    samples.cpu = cpu
    return samples


# Fresh processes keep their bytecode, as installed packages do.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _ms(samples: Samples) -> str:
    return f"{statistics.median(samples) * 1000:7.1f} ms (CPU {statistics.median(samples.cpu) * 1000:.1f})"


def _cli(paths: list[Path], cache: Path | None = None, jobs: int | None = None) -> None:
    """`rappel check` in a fresh process: with `--no-cache`, or reusing the check cache at `cache`;
    in as many processes as it chooses (one per CPU), or in `jobs`."""
    flags, env = (["--no-cache"], ENV) if cache is None else ([], {**ENV, "RAPPEL_CACHE_DIR": str(cache)})
    flags += [] if jobs is None else ["-j", str(jobs)]
    result = subprocess.run([sys.executable, "-m", "rappel.cli", "check", *flags, *map(str, paths)], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"rappel check failed:\n{result.stdout}{result.stderr}")


def _in_process(paths: list[Path]) -> None:
    from rappel_compiler import compile_source, source
    from rrl.check import check

    source.clear_cache()  # every run parses and analyses the files again

    for path in paths:
        package = path.name == "__init__.py"  # a case with modules of its own (_as_modules)
        module = path.parent.name if package else path.stem
        result = compile_source(path.read_text(encoding="utf-8"), path=str(path), module=module, is_package=package)
        assert not result.diagnostics, path
        for program in result.programs.values():
            check(program)


def _as_modules(cases: list[Path], directory: Path) -> list[Path]:
    """Copy golden cases into `directory` as golden_compile_<case>.py / golden_run_<case>.py
    (a case with modules of its own as the package golden_<kind>_<case>/__init__.py)."""
    copies = []
    for case in cases:
        kind, name = ("run", case.parent.name) if case.name == "case.py" else ("compile", case.stem)
        copy = directory / f"golden_{kind}_{name}.py"
        if case.with_suffix("").is_dir():  # modules of its own (golden/README.md): a package, as Python imports it
            shutil.copytree(case.with_suffix(""), copy.with_suffix(""))
            copy = copy.with_suffix("") / "__init__.py"
        copy.write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
        copies.append(copy)
    return copies


def _fresh_process(code: str, cwd: Path) -> None:
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=ENV)
    if result.returncode != 0:
        raise SystemExit(f"{code!r} failed:\n{result.stderr}")


def _import_cost(directory: Path, repeat: int) -> None:
    """A fresh process importing a module of 50 workflows, beside one importing
    the same module without its `@workflow` lines: the difference is what the
    workflows' definitions cost. Then the first use of one of them (compiled)."""
    source = generated_module(workflows=50)
    (directory / "fifty_workflows.py").write_text(source, encoding="utf-8")
    (directory / "fifty_classes.py").write_text(source.replace("@workflow\n", ""), encoding="utf-8")
    for name in ("fifty_workflows", "fifty_classes"):
        _fresh_process(f"import {name}", directory)  # writes the .pyc files
    plain = _timed_processes(lambda: _fresh_process("import fifty_classes", directory), repeat)
    full = _timed_processes(lambda: _fresh_process("import fifty_workflows", directory), repeat)
    first_use = _timed_processes(
        lambda: _fresh_process("import fifty_workflows as m\nfrom rappel._workflow import program_of\nprogram_of(m.Batch7)", directory),
        repeat,
    )
    median = statistics.median
    print(
        f"{'import 50 workflows':<28} {len(source.splitlines()):>6} lines   "
        f"without @workflow: median {_ms(plain)}   "
        f"with: median {_ms(full)}, +{(median(full) - median(plain)) * 1000:.1f} ms "
        f"(CPU +{(median(full.cpu) - median(plain.cpu)) * 1000:.1f})   "
        f"and compile one workflow: median {_ms(first_use)}"
    )


def _cpus() -> int:
    from rappel.cli import _cpus

    return _cpus()


def _lines(paths: list[Path]) -> int:
    return sum(len(p.read_text(encoding="utf-8").splitlines()) for p in paths)


def _report(name: str, paths: list[Path], warm: Samples) -> None:
    """The command without its cache (in one process, and in as many as it
    chooses) and with it (filled by the first run), and the check in a warm process."""
    lines, repeat = _lines(paths), len(warm)
    alone = _timed_processes(lambda: _cli(paths, jobs=1), repeat)
    cold = _timed_processes(lambda: _cli(paths), repeat)
    with tempfile.TemporaryDirectory() as cache:
        _cli(paths, Path(cache))
        cached = _timed_processes(lambda: _cli(paths, Path(cache)), repeat)
    print(
        f"{name:<28} {len(paths):>4} files {lines:>6} lines   "
        f"rappel check -j 1: median {_ms(alone)}, -j {_cpus()}: median {_ms(cold)}, from its cache: median {_ms(cached)}   "
        f"in-process: median {_ms(warm)} "
        f"({lines / statistics.median(warm):,.0f} lines/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        # The corpus that compiles, every compile and run case, under the module
        # names the golden harness gives them (case files start with digits,
        # and every run case is a case.py: neither is importable by its own name).
        compile_cases = _as_modules(sorted((GOLDEN / "compile").glob("*.py")), Path(tmp))
        corpus = compile_cases + _as_modules(sorted((GOLDEN / "run").glob("*/case.py")), Path(tmp))
        _in_process(corpus)  # warm imports once
        _report("golden/compile", compile_cases, _timed(lambda: _in_process(compile_cases), args.repeat))
        _report("golden/compile + golden/run", corpus, _timed(lambda: _in_process(corpus), args.repeat))
        one = [c for c in corpus if c.name == "golden_run_26_welcome_email.py"]
        _report("one workflow file", one, _timed(lambda: _in_process(one), args.repeat))

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big_module.py"
        big.write_text(generated_module(2000), encoding="utf-8")
        _report("generated module", [big], _timed(lambda: _in_process([big]), args.repeat))
        _import_cost(Path(tmp), args.repeat)


if __name__ == "__main__":
    main()

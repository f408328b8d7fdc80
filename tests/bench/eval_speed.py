"""How fast the Python reference evaluator (`rrl.evaluate`) runs the simple
pure steps that `runtime-rs/rrl/benches/eval_speed.rs` measures in Rust: each
step evaluated and bound to its target, as a DAG's compute node runs it.
`make bench-core` runs both; the figures go in the notes by hand, never into
a timed test.

    python tests/bench/eval_speed.py [STEPS]   (STEPS per kind, default 20,000)

The reference copies a list or dict on every change (`copy.copy`, its value
semantics), so `items.append(i)` and `d[k] = v` cost in proportion to the
size of the container: their figures fall as STEPS grows.
"""

from __future__ import annotations

import sys
import time

from rrl.evaluate import Evaluator
from rrl.parser import parse_expr

# The step as the program writes it, its target and its value (as in eval_speed.rs).
STEPS = [
    ("total = total + x * 2", "total", "total + x * 2"),
    ('name = f"{a}-{b}"', "name", 'f"{a}-{b}"'),
    ("items.append(i)", None, "items.append(i)"),
    ("d[k] = v", "d[k]", "v"),
    ('ok = n > 3 and name != ""', "ok", 'n > 3 and name != ""'),
]


def variables() -> dict:
    return {"total": 0, "x": 7, "a": "order", "b": 42, "items": [], "i": 0, "d": {}, "k": "k0", "v": 1, "n": 5, "name": "x"}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    evaluator = Evaluator({})
    keys = [f"k{n}" for n in range(1000)]
    print(f"Python reference evaluator, {count} steps of each kind, one core:")
    all_seconds = 0.0
    for shown, target_text, value_text in STEPS:
        target = parse_expr(target_text) if target_text else None
        value = parse_expr(value_text)
        env = variables()
        started = time.perf_counter()
        for n in range(count):
            # The loop's own variables change as a `for` would bind them.
            env["i"] = n % 1000
            env["k"] = keys[n % 1000]
            result = evaluator.eval(value, env)
            if target is not None:
                evaluator.bind(target, result, env)
        seconds = time.perf_counter() - started
        all_seconds += seconds
        print(f"  {shown:<32} {count / seconds:>12.0f} steps/s  ({seconds * 1e9 / count:.0f} ns/step)")
    print(f"  {'all kinds':<32} {len(STEPS) * count / all_seconds:>12.0f} steps/s")


if __name__ == "__main__":
    main()

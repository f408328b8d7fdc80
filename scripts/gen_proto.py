"""Generate the Python gRPC code of `proto/` into `sdk/rappel/_proto/` (`make proto`).

protoc names generated modules after the proto package (`rappel.v1`), which would
collide with the `rappel` package itself, so the generated imports are rewritten to
`rappel._proto`. The descriptors keep their proto paths (`rappel/v1/worker.proto`):
that is what the protobuf runtime and the Rust build agree on.

    python scripts/gen_proto.py [--out DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
PROTO_PACKAGE_DIR = PROTO_ROOT / "rappel" / "v1"
DEFAULT_OUT = ROOT / "sdk" / "rappel" / "_proto"

INIT_TEXT = '''"""Code generated from `proto/rappel/v1/*.proto` by `make proto`
(scripts/gen_proto.py): do not edit by hand."""
'''

_GENERATED_IMPORT = re.compile(r"^from rappel\.v1 import (\w+)", re.MULTILINE)


def generate(out: Path) -> list[Path]:
    """Write the generated modules (and `__init__.py`) into `out`; return them."""
    from grpc_tools import protoc

    protos = sorted(PROTO_PACKAGE_DIR.glob("*.proto"))
    if not protos:
        raise SystemExit(f"error: no .proto files in {PROTO_PACKAGE_DIR}")
    with tempfile.TemporaryDirectory() as scratch:
        include = Path(protoc.__file__).parent / "_proto"
        status = protoc.main(
            [
                "grpc_tools.protoc",
                f"-I{PROTO_ROOT}",
                f"-I{include}",
                f"--python_out={scratch}",
                f"--pyi_out={scratch}",
                f"--grpc_python_out={scratch}",
                *(str(p.relative_to(PROTO_ROOT)) for p in protos),
            ]
        )
        if status != 0:
            raise SystemExit(f"error: protoc failed (exit {status}) on {', '.join(p.name for p in protos)}")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for generated in sorted((Path(scratch) / "rappel" / "v1").iterdir()):
            text = _GENERATED_IMPORT.sub(r"from rappel._proto import \1", generated.read_text())
            target = out / generated.name
            target.write_text(text)
            written.append(target)
    init = out / "__init__.py"
    init.write_text(INIT_TEXT)
    return [init, *written]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.out == DEFAULT_OUT and DEFAULT_OUT.exists():
        # Start clean so a removed .proto leaves no stale module behind.
        shutil.rmtree(DEFAULT_OUT)
    for path in generate(args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run every benchmark script in bench/ in turn (``make bench``)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in {"run_all.py"} and not p.name.startswith("_"))
    failed, started = [], time.perf_counter()
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        t = time.perf_counter()
        if subprocess.call([sys.executable, str(script)], cwd=HERE.parent) != 0:
            failed.append(script.name)
        print(f"=== {script.name}: {time.perf_counter() - t:.0f} s", flush=True)
    print(f"\n{len(scripts)} scripts in {time.perf_counter() - started:.0f} s")
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

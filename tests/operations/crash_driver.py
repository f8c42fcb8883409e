"""Runs real mentorhub code in a process the test kills (crashkit): `scheduler` (the scheduler
loop), `cli ARGS...` (a flask command), `backup PATH` (killed after the dump, before the manifest)."""
from __future__ import annotations

import sys

from crashkit import arm, die

from mentorhub import create_app
from mentorhub.operations import backup
from mentorhub.scheduler.runner import run


def main(mode: str, *args: str) -> int:
    app = create_app()
    arm(app.extensions["db_engine"])
    if mode == "scheduler":
        run(app)
        return 0
    if mode == "backup":
        backup.sha256_file = lambda path: die(f"backup of {path} half done")
        args = ("backup", *args)
    result = app.test_cli_runner().invoke(args=list(args))
    print(result.output)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

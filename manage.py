#!/usr/bin/env python
"""footprint command line: ``python manage.py --help``."""

from __future__ import annotations

import click

from footprint import __version__
from footprint.cli.db import db
from footprint.cli.subject import subject


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="footprint")
def cli() -> None:
    """footprint: find where a subject is exposed online, with evidence for every match.

    Settings come from FOOTPRINT_* environment variables or .env (see .env.example); with none set,
    everything runs in this process on SQLite under ./data.
    """


cli.add_command(db)
cli.add_command(subject)


def _add_optional_commands() -> None:
    from footprint.cli.evaluate import evaluate
    from footprint.cli.report import report
    from footprint.cli.simulate import simulate
    from tasks.cli import flower, scan, worker

    for command in (scan, simulate, evaluate, report, worker, flower):
        cli.add_command(command)


_add_optional_commands()

if __name__ == "__main__":
    cli()

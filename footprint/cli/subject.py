"""``manage.py subject``: register, list and show subjects."""

from __future__ import annotations

from datetime import date

import click
from rich.console import Console
from rich.table import Table

from config.settings import get_settings
from footprint.analysis.identities import mask_email, mask_phone
from footprint.cli.common import database_errors, fail
from footprint.store.engine import session_scope
from footprint.store.subjects import NewSubject, SubjectError, add_subject, get_subject, list_subjects


def _parse_birth_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 1961-08-04") from None


@click.group()
def subject() -> None:
    """Register subjects (the people whose footprint is scanned) and look at them."""


@subject.command("add")
@click.option("--name", "names", multiple=True, required=True,
              help="Full name; repeat for other names the subject goes by. The first is the primary name.")
@click.option("--email", "emails", multiple=True, help="Email address; repeat for several. Checked for syntax (no DNS lookup).")
@click.option("--phone", "phones", multiple=True,
              help="Phone number in international form (+1 312 555 0147) or national form of --region; repeatable.")
@click.option("--address", "addresses", multiple=True,
              help="Postal address 'NUMBER STREET, CITY[, REGION POSTAL][, COUNTRY]'; repeatable.")
@click.option("--birth-date", callback=_parse_birth_date, help="Date of birth as YYYY-MM-DD.")
@click.option("--region", default=None, help="Two-letter ISO 3166 region for national phone numbers [default: FOOTPRINT_DEFAULT_REGION, US].")
@click.option("--employer", "employers", multiple=True, help="Employer name; repeatable. Helps tell the subject from namesakes.")
@click.option("--photo", "photos", multiple=True,
              help="Reference photo path with one clearly visible face; repeat for several photos.")
@database_errors
def add(names, emails, phones, addresses, birth_date, region, employers, photos) -> None:
    """Validate and register a subject; print its id."""
    settings = get_settings()
    new = NewSubject(names=names, emails=emails, phones=phones, addresses=addresses, birth_date=birth_date,
                     region=region or settings.default_region, employers=employers, photos=photos)
    try:
        with session_scope(settings) as session:
            stored = add_subject(session, new, settings)
            subject_id = stored.id
    except SubjectError as error:
        fail(str(error))
    click.echo(f"subject {subject_id} added: {names[0]}")


@subject.command("list")
@database_errors
def list_command() -> None:
    """List registered subjects with masked emails and phones."""
    with session_scope() as session:
        rows = list_subjects(session)
        table = Table("id", "name", "emails", "phones", "photos", "created (UTC)")
        for row in rows:
            table.add_row(
                str(row.id), row.full_name, ", ".join(mask_email(e.email) for e in row.emails),
                ", ".join(mask_phone(p.e164) for p in row.phones), str(len(row.photos)),
                row.created_at.strftime("%Y-%m-%d %H:%M"),
            )
    if not rows:
        click.echo("no subjects yet; add one with 'python manage.py subject add --name ...'")
        return
    Console().print(table)


@subject.command("show")
@click.argument("subject_id", type=int)
@click.option("--unmasked", is_flag=True, help="Show emails and phones in full (they are masked by default).")
@database_errors
def show(subject_id: int, unmasked: bool) -> None:
    """Show everything known about subject SUBJECT_ID."""
    with session_scope() as session:
        try:
            row = get_subject(session, subject_id)
        except SubjectError as error:
            fail(str(error))
        email = (lambda value: value) if unmasked else mask_email
        phone = (lambda value: value) if unmasked else mask_phone
        click.echo(f"subject {row.id}: {row.full_name}")
        click.echo(f"  names:      {', '.join(n.name for n in row.names)}")
        click.echo(f"  emails:     {', '.join(email(e.email) for e in row.emails) or '-'}")
        click.echo(f"  phones:     {', '.join(phone(p.e164) for p in row.phones) or '-'}")
        click.echo(f"  addresses:  {'; '.join(a.one_line for a in row.addresses) or '-'}")
        click.echo(f"  birth date: {row.birth_date.isoformat() if row.birth_date else '-'}")
        click.echo(f"  region:     {row.region}")
        click.echo(f"  employers:  {', '.join(e.name for e in row.employers) or '-'}")
        click.echo(f"  photos:     {len(row.photos)}")
        for photo in row.photos:
            click.echo(f"    {photo.path} (sha256 {photo.sha256[:12]}...)")

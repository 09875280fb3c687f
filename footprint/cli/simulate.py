"""``manage.py simulate``: write a simulated world around one or more subjects."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email

from config.settings import get_settings
from footprint.cli.common import database_errors, init_logging
from footprint.simulate import (
    DEMO_SUBJECT,
    FacePoolError,
    SpeechError,
    SubjectSpec,
    WorldExistsError,
    generate_world,
    load_subject_specs,
    parse_address,
)
from footprint.simulate.identifiers import parse_phone
from footprint.simulate.world import MAX_MEDIA_SCALE, MAX_PEOPLE
from footprint.subject import Address


def _birth_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 1961-08-04") from None


def _emails(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    for value in values:
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as error:
            raise click.BadParameter(f"{value!r} is not a valid email address: {error}") from None
    return list(values)


def _phones(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    region = get_settings().default_region
    for value in values:
        try:
            parse_phone(value, region)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
    return list(values)


def _addresses(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[Address]:
    addresses = []
    for value in values:
        try:
            addresses.append(parse_address(value))
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
    return addresses


def _subject_from_options(name, emails, phones, city, addresses, birth_date, employer, photos) -> SubjectSpec | None:
    given = {
        "--subject-email": emails, "--subject-phone": phones, "--subject-city": city,
        "--subject-address": addresses, "--subject-birth-date": birth_date, "--subject-employer": employer,
        "--subject-photo": photos,
    }
    if not name:
        used = [option for option, value in given.items() if value]
        if used:
            raise click.UsageError(f"{', '.join(used)} given without --subject-name: name the subject too")
        return None
    addresses = list(addresses)
    if city and not any(address.city.lower() == city.lower() for address in addresses):
        addresses.append(Address(city=city))
    return SubjectSpec(
        full_name=name.strip(),
        emails=emails,
        phones=phones,
        addresses=addresses,
        birth_date=birth_date,
        employer=employer,
        photos=[Path(photo) for photo in photos],
    )


@click.command()
@click.option("--people", type=click.IntRange(0, MAX_PEOPLE), default=100, show_default=True,
              help="Base people in the world (persons), besides the subjects and their namesakes, look-alikes and "
                   "neighbours.")
@click.option("--seed", type=click.IntRange(0), default=7, show_default=True,
              help="Seed of every random draw; the same seed gives the same files byte for byte.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="World directory to write [default: DATA_DIR/worlds/seedSEED-peoplePEOPLE].")
@click.option("--subject-name", help="Full name of the subject to plant in the world. Without any subject option, "
                                     "the demo subject (Barack Obama) is used.")
@click.option("--subject-email", "subject_emails", multiple=True, callback=_emails,
              help="Email address of the subject; repeatable, primary first.")
@click.option("--subject-phone", "subject_phones", multiple=True, callback=_phones,
              help="Phone number of the subject, international (+1 312 555 0147) or national form of "
                   "FOOTPRINT_DEFAULT_REGION; repeatable.")
@click.option("--subject-city", help="City of the subject, when no --subject-address gives it.")
@click.option("--subject-address", "subject_addresses", multiple=True, callback=_addresses,
              help="Postal address 'NUMBER STREET, CITY, REGION POSTCODE, COUNTRY'; repeatable, home first.")
@click.option("--subject-birth-date", callback=_birth_date, help="Date of birth of the subject, YYYY-MM-DD.")
@click.option("--subject-employer", help="Employer of the subject.")
@click.option("--subject-photo", "subject_photos", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Reference photo of the subject's face (JPEG or PNG); repeatable.")
@click.option("--subject-id", "subject_ids", type=int, multiple=True,
              help="Id of a subject registered in the database to plant in the world; repeatable.")
@click.option("--faces", "faces_dir", type=click.Path(path_type=Path),
              help="Folder of face photos (one frontal face each) for everyone but the subjects "
                   "[default: the bundled public-domain photos].")
@click.option("--locale", default="en_US", show_default=True, help="Faker locale of names and addresses, e.g. de_DE.")
@click.option("--media-scale", type=click.FloatRange(0, MAX_MEDIA_SCALE, min_open=True), default=1.0,
              show_default=True, help="Factor on the number of distinct videos and scenery pictures rendered "
                                      "for base people (1.0: about 3 videos per square root of the population).")
@click.option("--force", is_flag=True, help="Replace the world in a non-empty --out folder.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar [default: when stderr is a terminal].")
@database_errors
def simulate(people, seed, out_dir, subject_name, subject_emails, subject_phones, subject_city, subject_addresses,
             subject_birth_date, subject_employer, subject_photos, subject_ids, faces_dir, locale, media_scale, force,
             progress) -> None:
    """Write a simulated world: platforms, search engines, media files and the ground truth.

    The world contains the subjects, for each of them namesakes, a look-alike and neighbours, and
    PEOPLE base people. See docs/world-format.md for the files and docs/simulate.md for the cases.
    """
    init_logging()
    settings = get_settings()
    subjects: list[SubjectSpec] = []
    spec_from_options = _subject_from_options(subject_name, subject_emails, subject_phones, subject_city,
                                              subject_addresses, subject_birth_date, subject_employer, subject_photos)
    if spec_from_options is not None:
        subjects.append(spec_from_options)
    if subject_ids:
        try:
            subjects.extend(load_subject_specs(list(subject_ids)))
        except LookupError as error:
            raise click.BadParameter(str(error), param_hint="--subject-id") from None
    if not subjects:
        click.echo(f"no subject given: using the demo subject {DEMO_SUBJECT.full_name}")
        subjects.append(DEMO_SUBJECT)

    out = out_dir or settings.data_dir / "worlds" / f"seed{seed}-people{people}"
    show_progress = sys.stderr.isatty() if progress is None else progress
    try:
        summary = generate_world(out, people=people, seed=seed, subjects=subjects, faces_dir=faces_dir, locale=locale,
                                 progress=show_progress, media_scale=media_scale, overwrite=force,
                                 phone_region=settings.default_region)
    except WorldExistsError as error:
        raise click.BadParameter(str(error), param_hint="--out") from None
    except FacePoolError as error:
        hint = "--faces" if "face pool" in str(error) else "--subject-photo"
        raise click.BadParameter(str(error), param_hint=hint) from None
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except SpeechError as error:
        raise click.ClickException(str(error)) from None

    click.echo(f"world written to {summary.path} in {summary.elapsed_s:.1f} s")
    click.echo(f"  people: {summary.population} ({summary.people} base), media files: {summary.media_count}")
    for name, count in summary.files.items():
        click.echo(f"  {name}: {count} records")
    for subject in summary.subjects:
        click.echo(f"  subject {subject['person_id']}: {subject['full_name']} (database id {subject['subject_id']})")

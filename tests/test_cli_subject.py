"""``manage.py`` help and ``subject add`` validation, through click's runner on the real database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from footprint.store import migrate
from tests.conftest import FACES

import manage


@pytest.fixture
def runner(settings):
    migrate.upgrade(settings)
    return CliRunner()


def _add(runner, *args):
    return runner.invoke(manage.cli, ["subject", "add", "--name", "Barack Obama", *args])


def test_every_command_has_help():
    runner = CliRunner()
    commands = [[], ["db"], ["db", "upgrade"], ["subject"], ["subject", "add"], ["subject", "list"], ["subject", "show"],
                ["scan"], ["scan", "status"], ["scan", "list"], ["simulate"], ["evaluate"], ["report"], ["worker"], ["flower"]]
    for command in commands:
        result = runner.invoke(manage.cli, [*command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage:" in result.output


def test_add_valid_subject_then_list_masks(runner):
    result = _add(runner, "--email", "Barack.Obama@Example.org", "--phone", "(312) 555-0147",
                  "--address", "5046 S Greenwood Ave, Chicago, IL 60615, US", "--birth-date", "1961-08-04",
                  "--photo", str(FACES / "obama.jpg"))

    assert result.exit_code == 0, result.output
    assert "subject 1 added" in result.output
    listing = runner.invoke(manage.cli, ["subject", "list"])
    assert "Barack Obama" in listing.output
    assert "Barack.Obama@Example.org" not in listing.output
    assert "555-0147" not in listing.output
    shown = runner.invoke(manage.cli, ["subject", "show", "1", "--unmasked"])
    assert "+13125550147" in shown.output
    assert "Chicago" in shown.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--email", "not-an-email"], "invalid email 'not-an-email'"),
        (["--email", "a@b"], "invalid email 'a@b'"),
        (["--phone", "12"], "invalid phone '12'"),
        (["--phone", "+1 000 000 0000"], "invalid phone '+1 000 000 0000'"),
        (["--birth-date", "04/08/1961"], "'04/08/1961' is not a date"),
        (["--region", "USA"], "invalid region 'USA'"),
        (["--photo", "/nonexistent/face.jpg"], "photo not found: '/nonexistent/face.jpg'"),
    ],
)
def test_invalid_input_named_in_error(runner, args, expected):
    result = _add(runner, *args)

    assert result.exit_code != 0
    assert expected in result.output


def test_photo_that_is_not_an_image_rejected(runner, tmp_path):
    fake = tmp_path / "notes.jpg"
    fake.write_text("plain text, not a picture")

    result = _add(runner, "--photo", str(fake))

    assert result.exit_code != 0
    assert f"invalid photo '{fake}'" in result.output


def test_photo_without_face_rejected(runner, tmp_path):
    from PIL import Image

    blank = tmp_path / "sky.png"
    Image.new("RGB", (400, 300), (90, 140, 220)).save(blank)

    result = _add(runner, "--photo", str(blank))

    assert result.exit_code != 0
    assert f"invalid photo '{blank}'" in result.output
    assert "no face" in result.output


def test_nothing_stored_after_rejection(runner):
    _add(runner, "--email", "not-an-email")

    listing = runner.invoke(manage.cli, ["subject", "list"])
    assert "no subjects yet" in listing.output


def test_show_unknown_subject(runner):
    result = runner.invoke(manage.cli, ["subject", "show", "42"])

    assert result.exit_code != 0
    assert "subject 42 not found" in result.output


def test_db_upgrade_on_empty_sqlite(settings):
    result = CliRunner().invoke(manage.cli, ["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert "at revision 0001" in result.output

"""The README documents every setting and every command."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_setting_is_in_the_readme():
    config = (ROOT / "platform/mentorhub/config.py").read_text()
    readme = (ROOT / "README.md").read_text()
    names = set(re.findall(r'_(?:env|int|bool)\("([A-Z_]+)"', config)) | {"SECRET_KEY"}
    assert len(names) > 50
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert not missing, f"settings missing from README.md: {missing}"


def test_every_cli_command_is_in_the_readme(app):
    readme = (ROOT / "README.md").read_text()
    ours = {name for name, cmd in app.cli.commands.items()}
    ours -= {"routes", "run", "shell", "limiter"}  # Flask's and Flask-Limiter's own
    missing = sorted(n for n in ours if f"`{n}" not in readme)
    assert not missing, f"commands missing from README.md: {missing}"

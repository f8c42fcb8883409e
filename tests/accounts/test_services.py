"""Plain checks of accounts.passwords that need no app (a bare Flask app carries the setting)."""
from flask import Flask
from werkzeug.security import check_password_hash

from mentorhub.accounts import passwords
from mentorhub.config import Config, ProductionConfig, TestConfig


def _settings(method: str) -> Flask:
    app = Flask(__name__)
    app.config["PASSWORD_HASH_METHOD"] = method
    return app


def test_dummy_hash_costs_what_a_real_password_hash_costs():
    # Unknown emails are checked against _DUMMY_HASH so both paths take the same time: it must use
    # the very scrypt parameters hash_password uses, and be a valid hash.
    method = passwords.DUMMY_HASH.split("$", 1)[0]
    with _settings(Config.PASSWORD_HASH_METHOD).app_context():
        assert method == passwords.hash_password("anything").split("$", 1)[0]
        assert passwords.dummy_hash() == passwords.DUMMY_HASH
    assert check_password_hash(passwords.DUMMY_HASH, "not-a-real-password-0000")
    assert not check_password_hash(passwords.DUMMY_HASH, "")


def test_production_keeps_the_full_hash_cost_and_the_dummy_follows_a_lower_one():
    assert Config.PASSWORD_HASH_METHOD == ProductionConfig.PASSWORD_HASH_METHOD == "scrypt:32768:8:1"
    with _settings(TestConfig.PASSWORD_HASH_METHOD).app_context():
        method = passwords.dummy_hash().split("$", 1)[0]
        assert method == passwords.hash_password("anything").split("$", 1)[0] == TestConfig.PASSWORD_HASH_METHOD
        assert check_password_hash(passwords.dummy_hash(), "not-a-real-password-0000")
        assert not check_password_hash(passwords.dummy_hash(), "")

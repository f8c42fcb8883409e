"""Plain checks of accounts.passwords that need no app."""
from werkzeug.security import check_password_hash

from mentorhub.accounts import passwords


def test_dummy_hash_costs_what_a_real_password_hash_costs():
    # Unknown emails are checked against _DUMMY_HASH so both paths take the same time: it must use
    # the very scrypt parameters hash_password uses, and be a valid hash.
    method = passwords.DUMMY_HASH.split("$", 1)[0]
    assert method == passwords.hash_password("anything").split("$", 1)[0]
    assert check_password_hash(passwords.DUMMY_HASH, "not-a-real-password-0000")
    assert not check_password_hash(passwords.DUMMY_HASH, "")

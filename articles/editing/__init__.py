"""Editors' correction services. Each runs in one transaction and keeps every word and contribution.

Every service takes the acting `user` and a `reason`; both go into the history entries it writes.
"""


class CorrectionError(ValueError):
    """A correction that can't be made; the message is for the editor."""


def stamp(obj, user=None, reason: str = ""):
    """Attach who and why to the next history entry simple-history writes for `obj`."""
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user
    obj._change_reason = reason[:100]  # simple-history's change-reason column is 100 characters
    return obj

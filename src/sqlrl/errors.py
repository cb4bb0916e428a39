"""The one exception type for mistakes a user can fix (bad input, missing files, bad config).

The CLI prints a `UserError` as one paragraph without a traceback (`--debug` shows it);
anything else is a bug and keeps its traceback.
"""


class UserError(Exception):
    """An error caused by user input; the message says what is wrong and how to fix it."""

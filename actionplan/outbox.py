"""Enqueue the follow-up e-mails once the change that calls for them is committed.

The follow-up rules (followup.py) call these when entries are transmitted to
the Caf or sent back to their writers, whatever page, import or command made
the change. Each call enqueues the e-mail task of the entry's convention and
quarter; the task tells each person, in one e-mail, every entry of that quarter
not yet told to them (notifications.py), so the entries transmitted together
make one e-mail, and the further tasks of the same transmission find them told
and send nothing.
"""

from django.db import transaction


def transmitted(entry):
    """An entry was handed to the Caf: its advisers are told."""
    # Imported here: tasks.py imports the follow-up rules, which import this module.
    from actionplan.tasks import send_transmission_emails

    _after_commit(send_transmission_emails, entry)


def sent_back(entry):
    """An entry was sent back (or a validated one reopened): its writers are told."""
    from actionplan.tasks import send_sent_back_emails

    _after_commit(send_sent_back_emails, entry)


def _after_commit(task, entry):
    arguments = (entry.action_sheet.convention_id, entry.year, entry.quarter)

    # robust: the change is committed; a broker that cannot take the task must not turn
    # the person's saved work into an error page (the digest still tells it next morning).
    def enqueue():
        task.delay(*arguments)

    # A plain function, not a partial: Django names a failing callback by its __qualname__.
    transaction.on_commit(enqueue, robust=True)

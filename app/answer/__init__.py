"""The read path: how Hearth answers a question from the user's own data.

A question is a read, never an action. The answer's facts come from the sources: calendar
questions from the events' own fields, contact questions from the cards, everything else from the
passages that matched, quoted when the model cannot be trusted to phrase them. Every specific in
an answer (a number, a date, a time, an amount, a code, a phone number, an address, a name) is
checked against the cited passages, the question and the conversation before it is shown.

Modules: :mod:`.questions` (what is asked), :mod:`.timerange`, :mod:`.lookups` (the read-only
lookups, each one visible as a :class:`app.events.LookupStep`), :mod:`.passages`,
:mod:`.calendar`, :mod:`.contacts`, :mod:`.extractive`, :mod:`.specifics` and
:mod:`.grounding` (the check), :mod:`.guard` (runaway and markup), :mod:`.phrase` (the model),
:mod:`.compose` (markers and citations) and :mod:`.reader`, which runs a question's turn.
"""

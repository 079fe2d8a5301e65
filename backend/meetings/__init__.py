"""Meetings (议事会议): one module per workflow, each a set of plain async functions taking an
`AsyncSession` and a `Principal` (none imports strawberry).

- `lifecycle`: create (draft), announce, start, close and seal the record, publish it.
- `participants`: invitations, registration, check-in (签到), who is eligible to vote.
- `materials`: meeting materials and a 座谈会's lead-time warnings.
- `agenda`: agenda items and their speech timers; `timers` fires the due warnings.
- `polls`: polls (表决) and the durable vote path through the group-commit writer.
- `scoring`: anonymous evaluations (测评票), ballots mixed in batches of at least k.
- `comments`: live comments and questions, moderation, answers and hand-overs.
- `speaking`: the speaking queue (发言排队).
- `minutes`: the minutes (会议纪要).
- `access`: loading a meeting, who hosts it, who sees drafts, the states an action needs.
- `stream`: the meeting's event stream and appending one event to it.
- `visibility`: who may watch the stream and what each viewer sees of each event.
- `record/`: the consultation record (`build`, JSON and the sealed content; `docx`, Word).
- `models`, `errors`: the tables and the error codes.
"""

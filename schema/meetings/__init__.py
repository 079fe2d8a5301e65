"""The meetings API: `types` (GraphQL types), `queries`, `subscriptions` (meetingLive),
`mutations/<workflow>` (the same workflows as `backend.meetings`), and `http` (the Word
record at /meetings/<id>/record.docx)."""

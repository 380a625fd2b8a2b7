"""Everything the product sends (SPEC §10), in one home: `outbox.py` (a row per message,
claimed, sent, retried; the delivery tasks beside it), `channels.py` (email, Web Push),
`messages.py` (every message kind's words, made when it is sent), `links.py` (the links
messages carry). Services decide only *who* and *when*, and queue through the outbox."""

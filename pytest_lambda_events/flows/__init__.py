"""The flows: how AWS moves events from a source to a function (push, poll, schedule)."""

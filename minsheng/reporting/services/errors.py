from __future__ import annotations


class ReportingError(ValueError):
    """A write the rules refuse; the message is for people (Chinese)."""


class ConflictError(ReportingError):
    """Someone else changed the record since it was loaded (HTTP 409)."""


class SubmissionInvalid(ReportingError):
    """Validation failed; `errors` maps form fields to Chinese messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for ms in errors.values() for m in ms))
        self.errors = errors

"""Errors shown to users. Each carries its exit code; the CLI is the one place that prints them."""

from __future__ import annotations


class GenError(Exception):
    """Anything the user must fix: one line, naming the file and field. Exit code 2."""

    exit_code = 2


class UsageError(GenError):
    """A bad command line: an unknown environment or color, a flag that does not apply."""


class CatalogError(GenError):
    """A catalog file is missing, unreadable or breaks a rule."""


class KustomizeError(GenError):
    """kustomize refused an overlay (a broken hand patch, most often)."""


class RenderError(GenError):
    """The rendered output cannot be written as asked (two objects would share one file)."""


class RenderedFileError(GenError):
    """A committed rendered file that is not one Kubernetes object (or two that clash)."""


class EnvironmentFailure(GenError):
    """The machine failed gen, not the input: disk full, permission, a missing or broken kubectl or
    Node, an unusable TMPDIR, another gen holding the project. Exit code 3."""

    exit_code = 3


class ValidationFailed(GenError):
    """A render whose objects fail `gen validate`: nothing is written. Exit code 1."""

    exit_code = 1

    def __init__(self, message: str, report: object) -> None:
        super().__init__(message)
        self.report = report


class Refused(GenError):
    """A release step that would break or skip a rule of the blue-green model: nothing is changed. Exit code 1."""

    exit_code = 1

"""`gen validate`: strict offline schemas, policy rules and capacity fit, per environment."""

from generator.validation.run import EnvReport, Report, validate, validate_docs

__all__ = ["EnvReport", "Report", "validate", "validate_docs"]

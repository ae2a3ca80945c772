"""The rule framework lives in the engine (`looplint.engine.rule`); this name is kept for rule modules."""

from ..engine.rule import DOCS_URL, Invalid, Rule, RuntimeExample, Symptom, Valid

__all__ = ["DOCS_URL", "Invalid", "Rule", "RuntimeExample", "Symptom", "Valid"]

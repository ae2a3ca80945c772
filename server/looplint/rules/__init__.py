"""The rule registry: one line per rule module, grouped by family.

Each listed module defines exactly one `Rule` subclass. Adding a rule means
writing its module and adding its line here; tests and docs pick it up.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from ..engine.rule import Rule

RULE_MODULES = (
    # unittest structure
    "ut001_async_test_on_sync_testcase",
    "ut002_async_def_sync_hook",
    "ut003_sync_def_async_hook",
    "ut004_async_hook_on_sync_testcase",
    "ut005_async_class_or_module_hook",
    "ut006_async_callable_in_sync_cleanup",
    "ut007_assert_raises_async_callable",
    "ut008_pytest_feature_on_unittest",
    "ut009_asyncio_run_in_sync_hook_of_isolated_case",
    # event-loop management
    "lp001_asyncio_run_in_running_loop",
    "lp002_run_until_complete_in_running_loop",
    "lp003_get_event_loop_in_sync_context",
    "lp004_unclosed_new_event_loop",
    "lp005_loop_at_class_or_module_level",
    "lp006_loop_bound_object_shared_across_loops",
    "lp007_test_closes_or_unsets_loop",
    "lp008_event_loop_policy_usage",
    "lp009_get_running_loop_in_sync_context",
    # coroutine misuse
    "co001_unawaited_coroutine_call",
    "co002_coroutine_used_as_value_in_assertion",
    "co003_dangling_task",
    "co004_blocking_call_in_async_test",
    "co005_mock_async_mismatch",
    "co006_async_generator_test",
    # pytest-asyncio
    "pa001_missing_async_marker",
    "pa002_async_fixture_with_pytest_fixture",
    "pa003_event_loop_fixture_override",
    "pa004_event_loop_fixture_requested",
    "pa005_asyncio_mark_on_sync_function",
    "pa006_asyncio_mark_bad_arguments",
    "pa007_mark_on_fixture",
    "pa008_fixture_loop_scope_narrower_than_cache_scope",
    "pa009_fixture_test_loop_scope_mismatch",
    # configuration
    "cf001_default_fixture_loop_scope_unset",
    "cf002_invalid_asyncio_config_value",
    "cf003_asyncio_config_in_ignored_location",
    "cf004_anyio_and_asyncio_auto_modes",
    # anyio
    "ay001_anyio_wide_scope_fixture_without_backend",
    # work-around anti-patterns
    "ap001_nest_asyncio_in_tests",
    "ap002_sync_bridge_helper",
    "ap003_test_environment_sniffing",
    # Python versions
    "py001_syntax_of_newer_python",
)


@lru_cache(maxsize=1)
def _rule_classes() -> tuple[type[Rule], ...]:
    classes = []
    for module_name in RULE_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        found = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__
        ]
        if len(found) != 1:
            raise RuntimeError(f"rule module {module_name} must define exactly one Rule subclass, found {len(found)}")
        classes.append(found[0])
    codes = [cls.code for cls in classes]
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate rule codes: {sorted(duplicates)}")
    return tuple(sorted(classes, key=lambda cls: cls.code))


def all_rules() -> list[Rule]:
    """Fresh instances of every registered rule, sorted by code."""
    return [cls() for cls in _rule_classes()]


def rule_by_code(code: str) -> Rule | None:
    for cls in _rule_classes():
        if cls.code == code.upper():
            return cls()
    return None

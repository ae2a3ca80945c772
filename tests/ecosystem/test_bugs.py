"""The bug corpus (ecosystem/bugs.toml): a pinned subset must be found in its buggy version and not in
its fixed one; the full report, with the bugs looplint still misses, is `make ecosystem-bugs`."""

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

ECOSYSTEM = Path(__file__).resolve().parents[2] / "ecosystem"
sys.path.insert(0, str(ECOSYSTEM))

import bugs  # noqa: E402

#: bugs main's looplint catches; grow this as the engine learns the ones in ecosystem/bugs-missed.md
PINNED = [
    "orionbelt-evict-idle",
    "mergify-functional-base",
    "ag2-sync-test-async-call",
    "taskmate-storage-fixture",
    "vllm-mlx-sync-test",
    "connectonion-lost-class-mark",
    "aiorpcx-proxy-fixture",
    "nemotron-sleep-in-async-test",
    "aiohttp-socks-event-loop",
    "vdirsyncer-event-loop-fixtures",
    # silent when checked inside this repository (looplint's own pyproject.toml sets asyncio_mode): the
    # harness must check each tree on a copy outside it
    "open-ace-unmarked-ui-tests",
    "tortoise-orm-async-setup",
    "pymongo-create-user-global",
    "falcon-mcp-ngsiem-testcase",
    "aiohttp-connector-close",
    "honeybadger-asgi-client",
]

CORPUS = {bug.id: bug for bug in bugs.load_bugs()}


@pytest.mark.parametrize("bug_id", PINNED)
def test_pinned_bug_found_in_buggy_and_absent_in_fixed(bug_id):
    outcome = bugs.check_bug(CORPUS[bug_id])
    assert not outcome.error, outcome.error
    assert outcome.found, f"{bug_id}: want {outcome.bug.rules} at {outcome.bug.lines}, got {outcome.buggy_hits}"
    assert outcome.clean, f"{bug_id}: reported in the fixed version: {outcome.fixed_hits}"


def test_corpus_is_large_and_varied():
    assert len(CORPUS) >= 40
    assert len({bug.project for bug in CORPUS.values()}) >= 0.9 * len(CORPUS), "spread over many projects"
    assert len({code for bug in CORPUS.values() for code in bug.rules}) >= 6


@pytest.mark.parametrize("bug_id", sorted(b.id for b in CORPUS.values() if b.check == "repro"))
def test_reproduction_has_both_versions_and_the_file(bug_id):
    bug = CORPUS[bug_id]
    buggy, fixed = bugs.project_roots(bug)
    assert (buggy / bug.file).is_file()
    assert (fixed / bug.file_in_fixed).is_file()
    def files(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(buggy) != files(fixed), "the fix must change something (the file, or its config)"


@pytest.mark.parametrize("bug_id", sorted(b.id for b in CORPUS.values() if b.check == "repro"))
def test_listed_lines_hold_code(bug_id):
    # A listed line that is blank or a comment can never be reported: the entry would count as missed forever.
    bug = CORPUS[bug_id]
    buggy, _ = bugs.project_roots(bug)
    lines = (buggy / bug.file).read_text().splitlines()
    for number in bug.lines:
        assert 1 <= number <= len(lines), f"{bug.file} has no line {number}"
        text = lines[number - 1].strip()
        assert text and not text.startswith("#"), f"{bug.file}:{number} holds no code: {text!r}"


def test_a_rule_that_is_not_reported_counts_as_missed():
    # The checker itself must be able to fail: ask for a rule the buggy file does not trigger.
    bug = replace(CORPUS["orionbelt-evict-idle"], rules=("CO004",))
    outcome = bugs.check_bug(bug)
    assert not outcome.error and not outcome.found and outcome.clean


def test_a_finding_left_in_the_fixed_version_counts_against_it():
    # Compare the buggy reproduction with itself: the finding is still there "after the fix".
    bug = CORPUS["orionbelt-evict-idle"]
    buggy_only = replace(bug, fixed_file=bug.file)
    outcome = bugs.check_bug(buggy_only)
    assert outcome.found  # sanity
    roots = bugs.project_roots
    try:
        bugs.project_roots = lambda b: (roots(b)[0], roots(b)[0])
        outcome = bugs.check_bug(buggy_only)
    finally:
        bugs.project_roots = roots
    assert outcome.found and not outcome.clean and outcome.fixed_hits


def test_report_states_the_target(capsys):
    outcomes = [bugs.Outcome(CORPUS["orionbelt-evict-idle"], found=True, clean=True),
                bugs.Outcome(CORPUS["procrastinate-listen-fixture"], found=False, clean=True)]
    assert bugs.report(outcomes) is False
    out = capsys.readouterr().out
    assert "found in the buggy version: 1/2 (50%, target >= 85%)" in out
    assert "MISSED" in out


def test_bad_entries_are_refused(tmp_path):
    path = tmp_path / "bugs.toml"
    path.write_text('[[bug]]\nid = "x"\nproject = "p"\nupstream = "u"\nkind = "k"\nrules = ["UT001"]\n'
                    'check = "sdist"\nfile = "f.py"\nlines = [1]\n')
    with pytest.raises(bugs.CorpusError, match="an sdist check needs"):
        bugs.load_bugs(path)


def test_trees_are_checked_on_a_copy_outside_the_repository():
    bug = CORPUS["open-ace-unmarked-ui-tests"]
    buggy, _ = bugs.project_roots(bug)
    copy = bugs.staged(buggy)
    assert not copy.resolve().is_relative_to(bugs.REPO)
    assert bugs.staged(buggy) == copy, "one copy per tree and run"
    original = {p.relative_to(buggy): p.read_bytes() for p in buggy.rglob("*") if p.is_file()}
    assert {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*") if p.is_file()} == original


def test_staging_refuses_a_temporary_directory_below_a_pytest_config(tmp_path, monkeypatch):
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    below = tmp_path / "tmp"
    below.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(below))
    project = tmp_path / "elsewhere" / "project"
    project.mkdir(parents=True)
    with pytest.raises(RuntimeError, match="holds pytest.ini"):
        bugs.staged(project)

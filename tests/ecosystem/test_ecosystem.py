"""The ecosystem check's pinned subset (projects marked `quick = true` in ecosystem/projects.toml).

Each project's sdist is downloaded (cached under .cache/ecosystem/), looplint checks the whole tree with
JSON output, and what it reports must be exactly the reviewed baseline (ecosystem/baseline/<name>.json):
no new finding, none gone, none unreviewed. `make ecosystem` runs every project the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from ecosystem.fetch import load_projects  # noqa: E402
from ecosystem.run import baseline_path, check_project, describe, load_baseline  # noqa: E402

PROJECTS = load_projects()
QUICK = [project for project in PROJECTS if project.quick]


def test_the_subset_is_varied():
    assert len(QUICK) >= 10
    assert len({project.suite for project in QUICK}) >= 7


@pytest.mark.parametrize("project", QUICK, ids=lambda project: project.name)
def test_looplint_reports_exactly_the_reviewed_baseline(project):
    result = check_project(project)
    assert not result.error, result.error
    assert result.census.total > 0, "the pinned test folders hold no test files"
    assert result.ok, f"{project.name} {project.version} differs from its baseline:\n{describe(result)}"


def test_every_project_has_a_judged_baseline():
    """`make ecosystem` itself fails on unjudged findings; this catches a baseline left half reviewed."""
    for project in PROJECTS:
        if project.blocked and not baseline_path(project).is_file():
            continue  # looplint crashes on it (a failure of `make ecosystem` once the crash is gone)
        assert baseline_path(project).is_file(), f"{project.name}: no baseline (make ecosystem-update)"
        findings = load_baseline(project)
        unjudged = [f for f in findings if not isinstance(f.verdict, bool)]
        assert not unjudged, f"{project.name}: {len(unjudged)} findings unreviewed"
        assert all(f.reason for f in findings), f"{project.name}: a verdict without a reason"

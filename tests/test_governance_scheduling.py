"""The plan's graph algorithms: cycles are never accepted, and the critical path of plain
CPM is a chain of driving tasks whose length is the project's span."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samla.governance.scheduling import (
    CycleError,
    DatedActivity,
    Link,
    Task,
    critical_path,
    find_cycle,
    schedule_dates,
    topological_order,
    would_create_cycle,
)


def reachable(n: int, edges: list[tuple[int, int]]) -> list[set[int]]:
    """Transitive closure by brute force, to check the algorithms against."""
    reach = [set() for _ in range(n)]
    for a, b in edges:
        reach[a].add(b)
    changed = True
    while changed:
        changed = False
        for a in range(n):
            extra = set().union(*(reach[b] for b in reach[a])) - reach[a] if reach[a] else set()
            if extra:
                reach[a] |= extra
                changed = True
    return reach


edge_lists = st.integers(min_value=1, max_value=9).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=20, unique=True),
    )
)


@given(edge_lists)
@settings(max_examples=300, deadline=None)
def test_cycles_are_found_exactly_when_there_are_some(
    case: tuple[int, list[tuple[int, int]]],
) -> None:
    n, edges = case
    links = [Link(a, b) for a, b in edges]
    has_cycle = any(a in reach for a, reach in enumerate(reachable(n, edges)))
    cycle = find_cycle(range(n), links)
    assert (cycle is not None) == has_cycle
    if cycle is not None:
        assert cycle[0] == cycle[-1]
        assert all((a, b) in edges for a, b in zip(cycle, cycle[1:], strict=False))
        with pytest.raises(CycleError):
            topological_order(range(n), links)
    else:
        order = topological_order(range(n), links)
        position = {key: index for index, key in enumerate(order)}
        assert sorted(order) == list(range(n))
        assert all(position[a] < position[b] for a, b in edges)


@given(edge_lists)
@settings(max_examples=300, deadline=None)
def test_adding_links_one_by_one_never_accepts_a_cycle(
    case: tuple[int, list[tuple[int, int]]],
) -> None:
    n, edges = case
    accepted: list[Link[int]] = []
    for a, b in edges:
        cycle = would_create_cycle(accepted, a, b)
        would_cycle = (
            a == b or a in reachable(n, [(x.predecessor, x.successor) for x in accepted])[b]
        )
        assert (cycle is not None) == would_cycle
        if cycle is None:
            accepted.append(Link(a, b))
        else:
            # The loop the new link closes: a, b, …, back to a.
            assert cycle[0] == cycle[-1] == a and cycle[1] == b
            existing = {(link.predecessor, link.successor) for link in accepted}
            assert all(step in existing for step in zip(cycle[1:], cycle[2:], strict=False))
    assert find_cycle(range(n), accepted) is None
    topological_order(range(n), accepted)


dags = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 30), min_size=n, max_size=n),
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 5)),
            max_size=25,
        ).map(lambda raw: {(min(a, b), max(a, b)): lag for a, b, lag in raw if a != b}),
    )
)


@given(dags)
@settings(max_examples=400, deadline=None)
def test_critical_path_spans_the_project(
    case: tuple[list[int], dict[tuple[int, int], int]],
) -> None:
    durations, edges = case
    tasks = [Task(key, duration) for key, duration in enumerate(durations)]
    links = [Link(a, b, lag) for (a, b), lag in edges.items()]
    schedule = critical_path(tasks, links)
    assert schedule.start == 0
    assert schedule.finish == max(t.early_finish for t in schedule.tasks.values())
    for link in links:
        predecessor, successor = schedule.tasks[link.predecessor], schedule.tasks[link.successor]
        assert successor.early_start >= predecessor.early_finish + link.lag
        assert predecessor.late_finish <= successor.late_start - link.lag
    assert all(task.slack >= 0 for task in schedule.tasks.values())
    path = schedule.critical_path
    assert path, "a project always has a critical path"
    assert all(schedule.tasks[key].critical for key in path)
    total = sum(durations[key] for key in path) + sum(
        edges[(a, b)] for a, b in zip(path, path[1:], strict=False)
    )
    assert total == schedule.span
    assert schedule.tasks[path[0]].early_start == schedule.start
    assert schedule.tasks[path[-1]].early_finish == schedule.finish
    assert all((a, b) in edges for a, b in zip(path, path[1:], strict=False))


def test_textbook_example() -> None:
    # A(3) -> B(2) -> D(4); A -> C(5) -> D: the path A, C, D of 12 days is critical.
    tasks = [Task("A", 3), Task("B", 2), Task("C", 5), Task("D", 4)]
    links = [Link("A", "B"), Link("A", "C"), Link("B", "D"), Link("C", "D")]
    schedule = critical_path(tasks, links)
    assert schedule.critical_path == ("A", "C", "D")
    assert schedule.span == 12
    assert schedule.tasks["B"].slack == 3
    assert schedule.critical == {"A", "C", "D"}


def test_critical_path_refuses_a_cycle() -> None:
    with pytest.raises(CycleError) as error:
        critical_path([Task(1, 1), Task(2, 1)], [Link(1, 2), Link(2, 1)])
    assert set(error.value.cycle) == {1, 2}


def test_dated_schedule_counts_both_days_and_flags_conflicts() -> None:
    march = datetime.date(2026, 3, 1)
    activities = [
        DatedActivity("mandat", march, datetime.date(2026, 3, 10)),
        DatedActivity("analyse", datetime.date(2026, 3, 11), datetime.date(2026, 3, 31)),
        # Planned to start before the mandate is done: a conflict, pushed to 11 March.
        DatedActivity("temadag", datetime.date(2026, 3, 5), datetime.date(2026, 3, 6)),
    ]
    links = [Link("mandat", "analyse"), Link("mandat", "temadag")]
    schedule = schedule_dates(activities, links)
    assert schedule is not None
    assert schedule.critical_path == ("mandat", "analyse")
    assert schedule.finish == datetime.date(2026, 3, 31)
    assert schedule.conflicts == {"temadag"}
    assert schedule.early_start["temadag"] == datetime.date(2026, 3, 11)
    assert schedule.slack_days["temadag"] == 19
    assert schedule_dates([], []) is None

"""Plans as graphs: cycle detection and the critical path (CPM) of activities linked
finish-to-start.

Pure Python, no Django import: frozen dataclasses in, frozen dataclasses out, so the pages,
the API and the Gantt chart all use one tested implementation.

Time is counted in whole days from an origin (day 0). A task with ``duration`` d that starts
on day s occupies days s … s + d − 1 and *finishes* at s + d (exclusive), so a successor
linked finish-to-start with lag l may start on day s + d + l at the earliest. An activity
from 1 to 10 March is a task of duration 10; its successor may start on 11 March.

The forward pass gives every task its early start — the later of its own earliest start
(the date it was planned for) and the finishes of its predecessors plus lags — and early
finish. The backward pass from the project's finish gives late starts and finishes; the
slack is late start − early start, and the critical tasks are those without slack. The
critical path returned is one chain of critical tasks, each driving the next, ending at
the project's finish. When no task is held back by its own planned start (plain CPM), the
path starts at the project's start and its length is the project's span.
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class CycleError(ValueError):
    """The links contain a cycle; ``cycle`` lists its tasks in order."""

    def __init__(self, cycle: Sequence[Hashable]) -> None:
        super().__init__(f"cycle: {' -> '.join(map(str, cycle))}")
        self.cycle = list(cycle)


@dataclass(frozen=True)
class Task(Generic[K]):
    key: K
    duration: int
    earliest_start: int = 0

    def __post_init__(self) -> None:
        if self.duration < 0:
            raise ValueError(f"task {self.key!r}: negative duration")


@dataclass(frozen=True)
class Link(Generic[K]):
    """Finish-to-start: ``successor`` starts ``lag`` days after ``predecessor`` finishes."""

    predecessor: K
    successor: K
    lag: int = 0


@dataclass(frozen=True)
class ScheduledTask(Generic[K]):
    key: K
    duration: int
    early_start: int
    early_finish: int
    late_start: int
    late_finish: int

    @property
    def slack(self) -> int:
        return self.late_start - self.early_start

    @property
    def critical(self) -> bool:
        return self.slack == 0


@dataclass(frozen=True)
class Schedule(Generic[K]):
    tasks: Mapping[K, ScheduledTask[K]]
    start: int
    finish: int
    critical_path: tuple[K, ...]

    @property
    def span(self) -> int:
        return self.finish - self.start

    @property
    def critical(self) -> frozenset[K]:
        return frozenset(key for key, task in self.tasks.items() if task.critical)


def _adjacency(keys: Iterable[K], links: Iterable[Link[K]]) -> dict[K, list[Link[K]]]:
    successors: dict[K, list[Link[K]]] = {key: [] for key in keys}
    for link in links:
        if link.predecessor not in successors or link.successor not in successors:
            raise KeyError(f"link {link.predecessor!r} -> {link.successor!r}: unknown task")
        successors[link.predecessor].append(link)
    return successors


def find_cycle(keys: Iterable[K], links: Iterable[Link[K]]) -> list[K] | None:
    """A cycle of the graph as a list of tasks (first repeated at the end), or None."""
    successors = _adjacency(keys, links)
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(successors, white)
    for root in successors:
        if colour[root] != white:
            continue
        path: list[K] = [root]
        stack = [iter(successors[root])]
        colour[root] = grey
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                colour[path.pop()] = black
                continue
            nxt = step.successor
            if colour[nxt] == grey:
                return path[path.index(nxt) :] + [nxt]
            if colour[nxt] == white:
                colour[nxt] = grey
                path.append(nxt)
                stack.append(iter(successors[nxt]))
    return None


def topological_order(keys: Iterable[K], links: Iterable[Link[K]]) -> list[K]:
    """Tasks so that every predecessor comes before its successors (Kahn's algorithm,
    stable in the order given); raises CycleError."""
    key_list = list(keys)
    link_list = list(links)
    successors = _adjacency(key_list, link_list)
    indegree = dict.fromkeys(key_list, 0)
    for link in link_list:
        indegree[link.successor] += 1
    queue = deque(key for key in key_list if indegree[key] == 0)
    order: list[K] = []
    while queue:
        key = queue.popleft()
        order.append(key)
        for link in successors[key]:
            indegree[link.successor] -= 1
            if indegree[link.successor] == 0:
                queue.append(link.successor)
    if len(order) != len(key_list):
        cycle = find_cycle(key_list, link_list)
        raise CycleError(cycle or [])
    return order


def would_create_cycle(links: Iterable[Link[K]], predecessor: K, successor: K) -> list[K] | None:
    """The cycle that adding ``predecessor -> successor`` would close, or None: a list that
    starts with the new link and returns along existing links to ``predecessor``.

    The new link closes a cycle exactly when ``predecessor`` is already reachable from
    ``successor`` (or they are the same task)."""
    if predecessor == successor:
        return [predecessor, successor]
    successors: dict[K, list[K]] = {}
    for link in links:
        successors.setdefault(link.predecessor, []).append(link.successor)
    came_from: dict[K, K] = {}
    seen = {successor}
    queue = deque([successor])
    while queue:
        key = queue.popleft()
        for nxt in successors.get(key, ()):
            if nxt in seen:
                continue
            seen.add(nxt)
            came_from[nxt] = key
            if nxt == predecessor:
                path = [predecessor]
                while path[-1] != successor:
                    path.append(came_from[path[-1]])
                path.reverse()
                return [predecessor, *path]
            queue.append(nxt)
    return None


def critical_path(tasks: Iterable[Task[K]], links: Iterable[Link[K]]) -> Schedule[K]:
    """Forward and backward pass over the tasks; raises CycleError."""
    task_list = list(tasks)
    by_key = {task.key: task for task in task_list}
    if len(by_key) != len(task_list):
        raise ValueError("duplicate task keys")
    link_list = list(links)
    if not task_list:
        return Schedule(tasks={}, start=0, finish=0, critical_path=())
    order = topological_order(by_key, link_list)
    predecessors: dict[K, list[Link[K]]] = {key: [] for key in by_key}
    successors: dict[K, list[Link[K]]] = {key: [] for key in by_key}
    for link in link_list:
        predecessors[link.successor].append(link)
        successors[link.predecessor].append(link)

    early_start: dict[K, int] = {}
    early_finish: dict[K, int] = {}
    for key in order:
        task = by_key[key]
        start = max(
            [task.earliest_start]
            + [early_finish[link.predecessor] + link.lag for link in predecessors[key]]
        )
        early_start[key] = start
        early_finish[key] = start + task.duration
    project_start = min(task.earliest_start for task in task_list)
    project_finish = max(early_finish.values())

    late_start: dict[K, int] = {}
    late_finish: dict[K, int] = {}
    for key in reversed(order):
        finish = min(
            [project_finish] + [late_start[link.successor] - link.lag for link in successors[key]]
        )
        late_finish[key] = finish
        late_start[key] = finish - by_key[key].duration

    scheduled = {
        key: ScheduledTask(
            key=key,
            duration=by_key[key].duration,
            early_start=early_start[key],
            early_finish=early_finish[key],
            late_start=late_start[key],
            late_finish=late_finish[key],
        )
        for key in order
    }
    # One chain, walked back from a critical task that ends the project: at each step the
    # critical predecessor whose finish (plus lag) sets this task's start.
    ends = [key for key in order if early_finish[key] == project_finish and scheduled[key].critical]
    path: list[K] = []
    if ends:
        key = ends[0]
        path.append(key)
        while True:
            driving = [
                link.predecessor
                for link in predecessors[key]
                if early_finish[link.predecessor] + link.lag == early_start[key]
                and scheduled[link.predecessor].critical
            ]
            if not driving:
                break
            key = driving[0]
            path.append(key)
        path.reverse()
    return Schedule(
        tasks=scheduled, start=project_start, finish=project_finish, critical_path=tuple(path)
    )


# --- Dates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatedActivity(Generic[K]):
    key: K
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class DatedSchedule(Generic[K]):
    """The schedule in dates. ``conflicts`` are activities planned to start before their
    predecessors (plus lags) allow; ``early_start`` shows when they could start."""

    origin: datetime.date
    schedule: Schedule[K]
    early_start: Mapping[K, datetime.date]
    early_end: Mapping[K, datetime.date]
    slack_days: Mapping[K, int]
    critical_path: tuple[K, ...]
    conflicts: frozenset[K]

    @property
    def critical(self) -> frozenset[K]:
        return self.schedule.critical

    @property
    def finish(self) -> datetime.date:
        """The last day of the project (inclusive)."""
        return self.origin + datetime.timedelta(days=self.schedule.finish - 1)


def schedule_dates(
    activities: Iterable[DatedActivity[K]], links: Iterable[Link[K]]
) -> DatedSchedule[K] | None:
    """CPM over dated activities (both dates inclusive); None when there are none."""
    activity_list = list(activities)
    if not activity_list:
        return None
    for activity in activity_list:
        if activity.end < activity.start:
            raise ValueError(f"activity {activity.key!r} ends before it starts")
    origin = min(activity.start for activity in activity_list)
    tasks = [
        Task(
            key=activity.key,
            duration=(activity.end - activity.start).days + 1,
            earliest_start=(activity.start - origin).days,
        )
        for activity in activity_list
    ]
    schedule = critical_path(tasks, links)

    def day(offset: int) -> datetime.date:
        return origin + datetime.timedelta(days=offset)

    planned = {activity.key: activity.start for activity in activity_list}
    return DatedSchedule(
        origin=origin,
        schedule=schedule,
        early_start={key: day(task.early_start) for key, task in schedule.tasks.items()},
        early_end={key: day(task.early_finish - 1) for key, task in schedule.tasks.items()},
        slack_days={key: task.slack for key, task in schedule.tasks.items()},
        critical_path=schedule.critical_path,
        conflicts=frozenset(
            key for key, task in schedule.tasks.items() if day(task.early_start) > planned[key]
        ),
    )

"""Background work for business cases (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_monte_carlo(run_id: int) -> None:
    """A large Monte Carlo simulation, run by the task worker."""
    from samla.cases.services import monte_carlo_execute

    monte_carlo_execute(run_id=run_id)

"""The benefits' objects of the authorisation matrix: a benefit owned by ``owner`` (in alfa
B's editor) that accrues to ``own`` (A), linked to the governance project, with an indicator
(an intermediate target on 1 January 2027) and a measurement for ``own``; a benefit map of the
project with a challenge, a benefit node and a link between them.

URL arguments: ``benefit_id``, ``indicator_id``, ``measurement_id``, ``benefit_map_id``,
``map_node_id``, ``map_link_id``; an intermediate target is addressed by its date."""

from __future__ import annotations

import datetime
from decimal import Decimal

from samla.benefits import services as benefits
from samla.organisations.models import Organisation, User
from tests.authz.objects import Objects


def build_benefits(
    objects: Objects, own: Organisation, other: Organisation, *, owner: User
) -> None:
    collaboration, mark, things = objects.collaboration, objects.mark, objects.things
    things["benefit"] = benefit = benefits.benefit_create(
        collaboration=collaboration,
        title=f"Gevinst {mark}",
        benefit_class="budget",
        owner=owner,
        project=things.get("project"),
        organisations=[own],
    )
    things["indicator"] = indicator = benefits.indicator_create(
        benefit=benefit,
        name=f"Indikator {mark}",
        unit="hours",
        baseline_value=Decimal(1000),
        baseline_date=datetime.date(2026, 1, 1),
        target_value=Decimal(600),
        target_date=datetime.date(2028, 1, 1),
        kroner_per_unit=Decimal(650),
    )
    things["indicator_target"] = benefits.indicator_target_set(
        indicator=indicator, date=datetime.date(2027, 1, 1), value=Decimal(800)
    )
    things["measurement"] = benefits.measurement_create(
        indicator=indicator,
        measured_on=datetime.date(2026, 6, 1),
        value=Decimal(900),
        organisation=own,
    )
    things["benefit_map"] = benefit_map = benefits.map_create(
        collaboration=collaboration, name=f"Gevinstkart {mark}", project=things.get("project")
    )
    challenge = benefits.map_node_create(
        benefit_map=benefit_map, kind="challenge", title=f"Utfordring {mark}"
    )
    things["map_node"] = node = benefits.map_node_create(
        benefit_map=benefit_map, kind="benefit", title=f"Gevinstelement {mark}", benefit=benefit
    )
    things["map_link"] = benefits.map_link_create(
        benefit_map=benefit_map, source=challenge, target=node
    )

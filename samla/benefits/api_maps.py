"""API: benefit maps (challenges → objectives → changes/enablers → benefits), their nodes
and the links between them. Everyone with a role reads; managers change them.

A node of kind ``benefit`` may name a benefit of the register, a node of kind ``change`` the
project that delivers it; a link joins two different nodes of the same map, once.
"""

from __future__ import annotations

from typing import Any

from ninja import Router

from samla.benefits import services
from samla.benefits.api_common import BENEFIT_MAP, MAP_LINK, MAP_NODE
from samla.benefits.models import BenefitMap, MapLink, MapNode
from samla.governance.api_common import Shape, crud, input_schema
from samla.organisations.access import CollaborationAccess

router = Router()


def _managers(access: CollaborationAccess, _parent: Any) -> None:
    access.require_manager()


MAP_OUT = Shape(
    "BenefitMapOut",
    BenefitMap,
    services.MAP_FIELDS,
    extras={
        "node_count": (int, lambda benefit_map: benefit_map.nodes.count()),
        "link_count": (int, lambda benefit_map: benefit_map.links.count()),
    },
)
crud(
    router,
    BENEFIT_MAP,
    MAP_OUT,
    listing=lambda access, _p, _f: BenefitMap.objects.filter(
        collaboration=access.collaboration
    ).select_related("programme", "project"),
    may_create=_managers,
    create=lambda access, _p, f: services.map_create(collaboration=access.collaboration, **f),
    create_in=input_schema("BenefitMapIn", BenefitMap, services.MAP_FIELDS),
    update=lambda _a, obj, f: services.map_update(benefit_map=obj, **f),
    update_in=input_schema("BenefitMapPatch", BenefitMap, services.MAP_FIELDS, partial=True),
    delete=lambda _a, obj: services.map_delete(benefit_map=obj),
    text={
        "list": "The collaboration's benefit maps.",
        "create": "A benefit map of a programme or a project (not both), or of neither (managers).",
        "delete": "Deletes the map with its nodes and links (managers).",
    },
)

NODE_OUT = Shape("BenefitMapNodeOut", MapNode, ("map", *services.NODE_FIELDS))
crud(
    router,
    MAP_NODE,
    NODE_OUT,
    listing=lambda _a, benefit_map, _f: benefit_map.nodes.select_related(
        "map", "benefit", "project"
    ).order_by("order", "pk"),
    may_create=_managers,
    create=lambda _a, benefit_map, f: services.map_node_create(benefit_map=benefit_map, **f),
    create_in=input_schema("BenefitMapNodeIn", MapNode, services.NODE_FIELDS),
    update=lambda _a, obj, f: services.map_node_update(node=obj, **f),
    update_in=input_schema("BenefitMapNodePatch", MapNode, services.NODE_FIELDS, partial=True),
    delete=lambda _a, obj: services.map_node_delete(node=obj),
    text={
        "list": "The map's nodes: ``kind`` is the column (challenge, objective, change, "
        "benefit), ``order`` the place within it.",
        "create": "Add a node (managers). Only a benefit node names a benefit of the register, "
        "only a change names the project that delivers it.",
        "delete": "Deletes the node with its links (managers).",
    },
)

LINK_OUT = Shape("BenefitMapLinkOut", MapLink, ("map", "source", "target"))
crud(
    router,
    MAP_LINK,
    LINK_OUT,
    listing=lambda _a, benefit_map, _f: benefit_map.links.select_related(
        "map", "source", "target"
    ).order_by("pk"),
    may_create=_managers,
    create=lambda _a, benefit_map, f: services.map_link_create(benefit_map=benefit_map, **f),
    create_in=input_schema("BenefitMapLinkIn", MapLink, ("source", "target")),
    delete=lambda _a, obj: services.map_link_delete(link=obj),
    text={
        "list": "The map's links: ``source`` leads to ``target``.",
        "create": "Link two different nodes of the map, once (managers).",
        "delete": "Managers.",
    },
)

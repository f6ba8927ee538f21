"""Access helpers for surveys. Same rules as the foundation's: 404 across collaborations,
403 for changes the role does not allow.

Who may do what:
- questionnaires and campaigns (create, change, send out, close, remind, accept results):
  administrators and the programme office;
- user groups and their invitations: the programme office for every member, and an editor
  for their own organisation, until the campaign closes;
- tracking and aggregated results (under the anonymity thresholds): everyone with a role;
- raw answers: the programme office, and only in campaigns that are not anonymous.
Respondents never log in: their link is their only access (``services.link_resolve``).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from samla.organisations.access import CollaborationAccess, _parse_uuid
from samla.organisations.models import Organisation
from samla.surveys.models import Campaign, Question, Questionnaire, Section, UserGroup


def access_questionnaire(
    access: CollaborationAccess, questionnaire_id: str | uuid.UUID, *, for_change: bool = False
) -> Questionnaire:
    questionnaire = Questionnaire.objects.filter(
        uuid=_parse_uuid(questionnaire_id), collaboration=access.collaboration
    ).first()
    if questionnaire is None:
        raise Http404
    if for_change:
        access.require_manager()
    return questionnaire


def access_section(
    access: CollaborationAccess, section_id: str | uuid.UUID, *, for_change: bool = False
) -> Section:
    section = (
        Section.objects.select_related("questionnaire")
        .filter(uuid=_parse_uuid(section_id), questionnaire__collaboration=access.collaboration)
        .first()
    )
    if section is None:
        raise Http404
    if for_change:
        access.require_manager()
    return section


def access_question(
    access: CollaborationAccess, question_id: str | uuid.UUID, *, for_change: bool = False
) -> Question:
    question = (
        Question.objects.select_related("questionnaire", "section")
        .filter(uuid=_parse_uuid(question_id), questionnaire__collaboration=access.collaboration)
        .first()
    )
    if question is None:
        raise Http404
    if for_change:
        access.require_manager()
    return question


def access_campaign(
    access: CollaborationAccess, campaign_id: str | uuid.UUID, *, for_change: bool = False
) -> Campaign:
    campaign = (
        Campaign.objects.select_related("questionnaire", "category")
        .filter(uuid=_parse_uuid(campaign_id), collaboration=access.collaboration)
        .first()
    )
    if campaign is None:
        raise Http404
    if for_change:
        access.require_manager()
    return campaign


def may_manage_groups(access: CollaborationAccess, organisation: Organisation | None = None) -> bool:
    """The programme office for everyone; an editor for their own organisation."""
    if access.is_manager:
        return True
    own = access.editable_organisation_id
    return own is not None and (organisation is None or organisation.pk == own)


def require_group_manager(access: CollaborationAccess, organisation: Organisation | None = None) -> None:
    if not may_manage_groups(access, organisation):
        raise PermissionDenied("Du kan bare endre brukergrupper for din egen organisasjon.")


def access_user_group(
    access: CollaborationAccess, group_id: str | uuid.UUID, *, for_change: bool = False
) -> UserGroup:
    group = (
        UserGroup.objects.select_related("campaign", "organisation", "product")
        .filter(uuid=_parse_uuid(group_id), campaign__collaboration=access.collaboration)
        .first()
    )
    if group is None:
        raise Http404
    if for_change:
        require_group_manager(access, group.organisation)
    return group


def may_see_raw_answers(access: CollaborationAccess, campaign: Campaign) -> bool:
    return access.is_manager and not campaign.anonymous


def require_raw_answers(access: CollaborationAccess, campaign: Campaign) -> None:
    if not may_see_raw_answers(access, campaign):
        raise PermissionDenied("Enkeltsvar vises bare for programkontoret i undersøkelser som ikke er anonyme.")

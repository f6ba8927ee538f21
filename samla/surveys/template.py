"""The shipped system-evaluation questionnaire, in bokmål with English alongside.

Built on what Digitale Asker asked user groups before choosing each system (functional
fit, usability, stability, integrations, vendor support, training), in the order a user
thinks about a system: what it does, how it feels, how it runs, who helps.
A collaboration gets its own editable copy (``questionnaire_create_from_template``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TemplateQuestion:
    kind: str
    text: str
    text_en: str
    required: bool = False
    measures: str = ""
    help_text: str = ""
    help_text_en: str = ""
    options: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class TemplateSection:
    title: str
    title_en: str
    questions: tuple[TemplateQuestion, ...] = field(default_factory=tuple)


NAME = "Evaluering av fagsystem"
NAME_EN = "System evaluation"
INTRODUCTION = (
    "Vi ber deg vurdere systemet du bruker i arbeidet ditt. Svarene brukes når kommunene "
    "velger felles system. Det tar om lag fem minutter. Svar «vet ikke» der du ikke har "
    "grunnlag for å mene noe."
)
INTRODUCTION_EN = (
    "Please rate the system you use in your work. The answers inform the municipalities' "
    "choice of a common system. It takes about five minutes. Answer “don't know” where you "
    "have no basis for an opinion."
)

_L = "likert"
SECTIONS: tuple[TemplateSection, ...] = (
    TemplateSection(
        "Om deg",
        "About you",
        (
            TemplateQuestion(
                "single",
                "Hvor ofte bruker du systemet?",
                "How often do you use the system?",
                required=True,
                options=(
                    ("Daglig", "Daily"),
                    ("Ukentlig", "Weekly"),
                    ("Månedlig", "Monthly"),
                    ("Sjeldnere", "Less often"),
                ),
            ),
            TemplateQuestion(
                "single",
                "Hvilken rolle har du i systemet?",
                "What is your role in the system?",
                options=(
                    ("Saksbehandler / fagbruker", "Case officer / professional user"),
                    ("Leder", "Manager"),
                    ("Superbruker / systemansvarlig", "Super user / system owner"),
                    ("Annet", "Other"),
                ),
            ),
        ),
    ),
    TemplateSection(
        "Funksjonalitet",
        "Functionality",
        (
            TemplateQuestion(
                _L,
                "Systemet dekker de oppgavene jeg skal løse.",
                "The system covers the tasks I need to do.",
                required=True,
                measures="functional_fit",
            ),
            TemplateQuestion(
                _L,
                "Systemet støtter arbeidsprosessene våre uten omveier og dobbeltarbeid.",
                "The system supports our work processes without workarounds or duplicate work.",
                measures="functional_fit",
            ),
            TemplateQuestion(
                _L,
                "Rapporter og uttrekk gir meg den informasjonen jeg trenger.",
                "Reports and extracts give me the information I need.",
                measures="functional_fit",
            ),
        ),
    ),
    TemplateSection(
        "Brukervennlighet",
        "Usability",
        (
            TemplateQuestion(
                _L,
                "Systemet er enkelt å bruke.",
                "The system is easy to use.",
                required=True,
                measures="functional_fit",
            ),
            TemplateQuestion(
                _L,
                "Nye medarbeidere lærer seg systemet raskt.",
                "New staff learn the system quickly.",
            ),
        ),
    ),
    TemplateSection(
        "Stabilitet og ytelse",
        "Stability and speed",
        (
            TemplateQuestion(
                _L,
                "Systemet er tilgjengelig når jeg trenger det.",
                "The system is available when I need it.",
                required=True,
                measures="technical_fit",
            ),
            TemplateQuestion(
                _L,
                "Systemet svarer raskt.",
                "The system responds quickly.",
                measures="technical_fit",
            ),
        ),
    ),
    TemplateSection(
        "Integrasjoner",
        "Integrations",
        (
            TemplateQuestion(
                _L,
                "Systemet utveksler data med andre systemer uten manuell overføring.",
                "The system exchanges data with other systems without manual transfer.",
                measures="technical_fit",
                help_text="For eksempel sak/arkiv, folkeregisteret eller økonomisystemet.",
                help_text_en="For example the records system, the population register or the finance system.",
            ),
        ),
    ),
    TemplateSection(
        "Leverandør og opplæring",
        "Vendor and training",
        (
            TemplateQuestion(
                _L,
                "Leverandøren gir god brukerstøtte og retter feil raskt.",
                "The vendor gives good support and fixes errors quickly.",
                measures="technical_fit",
            ),
            TemplateQuestion(
                _L,
                "Jeg har fått nok opplæring i systemet.",
                "I have had enough training in the system.",
            ),
            TemplateQuestion(
                "multiple",
                "Hvilken opplæring ville hjulpet deg?",
                "What training would help you?",
                options=(
                    ("Kurs med instruktør", "Instructor-led course"),
                    ("E-læring", "E-learning"),
                    ("Brukerveiledning", "User guide"),
                    ("Hjelp fra superbruker", "Help from a super user"),
                    ("Ingen behov", "No need"),
                ),
            ),
            TemplateQuestion(
                "number",
                "Omtrent hvor mange timer i måneden bruker du på omveier eller feil i systemet?",
                "About how many hours a month do you spend on workarounds or errors in the system?",
                minimum=0,
                maximum=200,
            ),
        ),
    ),
    TemplateSection(
        "Samlet vurdering",
        "Overall",
        (
            TemplateQuestion(
                _L,
                "Alt i alt er jeg fornøyd med systemet.",
                "Overall, I am satisfied with the system.",
                required=True,
            ),
            TemplateQuestion(
                "text", "Hva er systemets sterkeste sider?", "What are the system's strengths?"
            ),
            TemplateQuestion(
                "text", "Hva er systemets svakeste sider?", "What are the system's weaknesses?"
            ),
        ),
    ),
)

"""The typed model of a workbook, format version 1 (see docs/workbook-format.md).

The model checks each value on its own; rules.py checks what needs the whole workbook
(references, languages, uniqueness).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from ..languages import LANGUAGE_TAGS

FORMAT = "agreement-workbook/1"
ALL_MUNICIPALITIES = "all-municipalities"

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
# Goals, measures and indicators are numbered by people: T1, T1.3, T1-I1.
ITEM_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$"

# A version is a folder name in the output (OUTPUT/<agreement id>/<version>/) and a part of
# every file name: one path segment, never `..` or an absolute path.
VERSION_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$"

Language = Literal["fi", "sv"]
LANGUAGES: tuple[str, ...] = ("fi", "sv")
# Localized text may also carry Sámi and English forms (names of Sámi-area municipalities).
TEXT_LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_TAGS)


class LocalizedText:
    """A text in one or more languages: a plain string, or a map of language code to string."""

    __slots__ = ("plain", "texts")

    def __init__(self, texts: dict[str, str], plain: str | None = None) -> None:
        self.texts = texts
        self.plain = plain

    def get(self, language: str) -> str:
        """The text in `language`; a plain string serves every language."""
        if self.plain is not None:
            return self.plain
        return self.texts[language]

    def has(self, language: str) -> bool:
        return self.plain is not None or language in self.texts

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, LocalizedText)
            and self.texts == other.texts
            and self.plain == other.plain
        )

    def __hash__(self) -> int:
        return hash((self.plain, tuple(sorted(self.texts.items()))))

    def __repr__(self) -> str:
        return (
            f"LocalizedText({self.plain!r})"
            if self.plain is not None
            else f"LocalizedText({self.texts!r})"
        )

    @classmethod
    def _validate(cls, value: Any) -> LocalizedText:
        if isinstance(value, LocalizedText):
            return value
        # Surrounding white space carries no meaning (YAML's `|` adds a final newline, a
        # spreadsheet cell may keep a trailing space): the model holds the text without it.
        if isinstance(value, str):
            if not value.strip():
                raise PydanticCustomError("empty_text", "must not be empty")
            return cls({}, value.strip())
        if isinstance(value, dict):
            texts: dict[str, str] = {}
            for language, text in value.items():
                if language not in TEXT_LANGUAGES:
                    raise PydanticCustomError(
                        "text_language",
                        "unknown language '{language}': use {valid}",
                        {"language": str(language), "valid": ", ".join(TEXT_LANGUAGES)},
                    )
                if not isinstance(text, str) or not text.strip():
                    raise PydanticCustomError(
                        "text_value",
                        "the '{language}' text must be non-empty text",
                        {"language": language},
                    )
                texts[language] = text.strip()
            if not texts:
                raise PydanticCustomError("empty_text", "must name at least one language")
            return cls(texts)
        raise PydanticCustomError(
            "localized_type",
            "must be text, or a map of language to text such as {fi: ..., sv: ...}",
        )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(cls._validate)

    # The JSON Schema: the plain forms it takes, besides the map of language to text.
    _PLAIN_FORMS: ClassVar[tuple[JsonSchemaValue, ...]] = (
        {
            "type": "string",
            "minLength": 1,
            "description": "Allowed only when the agreement has one language.",
        },
    )
    _DESCRIPTION: ClassVar[str] = (
        "Text in each of the agreement's languages, e.g. {fi: ..., sv: ...}"
    )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                *(dict(form) for form in cls._PLAIN_FORMS),
                {
                    "type": "object",
                    "propertyNames": {"enum": list(TEXT_LANGUAGES)},
                    "additionalProperties": {"type": "string", "minLength": 1},
                    "minProperties": 1,
                },
            ],
            "description": cls._DESCRIPTION,
        }


class AnyLanguageText(LocalizedText):
    """A localized text whose plain form serves every language even in a bilingual agreement:
    an indicator's baseline, target and source are often a number or a name (`31 %`, `THL`)
    and sometimes words (`{fi: ei tietoa, sv: uppgift saknas}`). A bare number is its text."""

    __slots__ = ()

    @classmethod
    def _validate(cls, value: Any) -> LocalizedText:
        return super()._validate(_number_as_text(value))

    _PLAIN_FORMS = ({"type": "string", "minLength": 1}, {"type": "number"})
    _DESCRIPTION = (
        "Text (or a number) for every language, or a map of language to text such as "
        "{fi: ..., sv: ...}"
    )


def _number_as_text(value: Any) -> Any:
    """Baselines, targets and schedules are often written as bare numbers (`31`, `2027`)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _normalize_business_id(value: Any) -> Any:
    # One published source writes business IDs with an en dash; store the hyphen.
    return value.replace("–", "-").strip() if isinstance(value, str) else value


class AsWritten:
    """Marks a free-text field: a plain YAML scalar there is the characters written, even where
    YAML 1.1 would read a number, a date or true/false (`1:20` is not 80, `0.50` not 0.5)."""

    def __repr__(self) -> str:
        return "AS_WRITTEN"


AS_WRITTEN = AsWritten()
Text = Annotated[str, AS_WRITTEN]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
ItemId = Annotated[str, Field(pattern=ITEM_ID_PATTERN)]
Reference = Annotated[str, Field(pattern=ID_PATTERN)]
NumberText = Annotated[
    str,
    AS_WRITTEN,
    BeforeValidator(_number_as_text),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}]}),
]


class Strict(BaseModel):
    # Surrounding white space carries no meaning in any text (a spreadsheet cell may keep a
    # trailing space): the model holds texts without it, whatever file they came from.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Period(Strict):
    start: dt.date = Field(description="First day of the strategy period (YYYY-MM-DD).")
    end: dt.date = Field(description="Last day of the strategy period (YYYY-MM-DD).")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise PydanticCustomError(
                "period_order",
                "the period ends ({end}) before it starts ({start}): swap them or fix a year",
                {"end": self.end.isoformat(), "start": self.start.isoformat()},
            )
        return self


class Contact(Strict):
    name: Text = Field(min_length=1, description="Full name.")
    title: LocalizedText | None = Field(None, description="Job title, e.g. {fi: kunnanjohtaja}.")
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: Text | None = None


class Agreement(Strict):
    id: Id = Field(description="Used in output paths, e.g. lappi-yhteistyosopimus.")
    title: LocalizedText
    languages: list[Language] = Field(
        min_length=1, description="Languages the agreement is issued in; the first is the main one."
    )
    period: Period
    version: Text = Field(
        pattern=VERSION_PATTERN,
        description='Version shown on every page and used in output paths, e.g. "0.3".',
    )
    status: Literal["draft", "final"]
    date: dt.date
    diary_number: Text | None = Field(None, description="Kept as written, e.g. 948/00.01.02/2022.")
    preparer: Contact | None = None
    purpose: LocalizedText
    title_genitive: Text | None = Field(
        None,
        min_length=1,
        description="The Finnish title in the genitive (Lapin hyvinvointialueen ja kuntien "
        "strategisen yhteistyösopimuksen 2027–2029), for a decision that names the agreement; "
        "without it the decision says 'the cooperation agreement of attachment 1'. Swedish "
        "needs no form.",
    )
    party_order: Literal["alphabetical", "as-listed"] = Field(
        "alphabetical",
        description=(
            "How documents list the parties: the wellbeing area first, then the municipalities "
            "and then the other parties, each in the alphabetical order of the document's "
            "language (alphabetical), or as the workbook lists them (as-listed)."
        ),
    )


class CooperationPlan(Strict):
    """The two-document form: the goals, measures and indicators are a plan of their own (the
    yhdyspintasuunnitelma / samarbetsplan), approved and revised apart from the agreement."""

    version: Text = Field(
        pattern=VERSION_PATTERN,
        description='The version of the plan, e.g. "2026.1": its documents go into '
        "OUTPUT/<agreement id>/plan-<version>/.",
    )
    status: Literal["draft", "final"] = Field(description="draft or final (approved).")
    date: dt.date = Field(description="The plan's date (YYYY-MM-DD).")
    title: LocalizedText | None = Field(
        None, description="The plan's title; by default the catalog's (yhdyspintasuunnitelma)."
    )


class Decision(Strict):
    body: LocalizedText = Field(description="The body that decided, e.g. {fi: kunnanvaltuusto}.")
    date: dt.date | None = None
    section: NumberText | None = Field(None, description="The §, e.g. 233 (printed § 233).")
    diary_number: Text | None = None
    version: Text | None = Field(
        None,
        pattern=VERSION_PATTERN,
        description='The version of the agreement the decision approved, e.g. "0.3". The '
        "documents count a decision for this version only when it names it (or, naming none, "
        "was made on or after this version's date).",
    )


class Signatory(Strict):
    position: LocalizedText = Field(
        description="The signatory's position, e.g. {fi: kunnanjohtaja, sv: kommundirektör}."
    )
    name: Text | None = Field(None, min_length=1, description="Full name, when known.")


def _business_id_valid(value: str) -> bool:
    digits = [int(c) for c in value[:7]]
    remainder = sum(d * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return False
    check = 0 if remainder == 0 else 11 - remainder
    return check == int(value[-1])


class Party(Strict):
    id: Id
    business_id: Annotated[str, BeforeValidator(_normalize_business_id)] | None = Field(
        None,
        pattern=r"^[0-9]{7}-[0-9]$",
        description="Finnish business ID (y-tunnus), 0164308-3.",
        # The file may use an en dash, which the model turns into a hyphen.
        json_schema_extra={"pattern": "^[0-9]{7}[-–][0-9]$"},
    )
    address: Text | None = None
    name: LocalizedText
    approver: LocalizedText = Field(description="The approving body, e.g. {fi: kunnanvaltuusto}.")
    plan_approver: LocalizedText | None = Field(
        None,
        description="In the two-document form (`plan:`), the body that approves the plan, "
        "when it is not the approver, e.g. {fi: kunnanhallitus}.",
    )
    contact: Contact | None = Field(None, description="The party's responsible person.")
    decision: Decision | None = Field(None, description="The approving decision once made.")
    board_decision: Decision | None = Field(
        None,
        description="Where a council approves: the executive board's handling that proposed "
        "it (shown under Aikaisempi käsittely / Tidigare behandling in the council's item).",
    )
    board: LocalizedText | None = Field(
        None,
        description="The executive board that prepares what the approver decides, when the "
        "templates do not know it (kunnanvaltuusto → kunnanhallitus is known). A party whose "
        "approver is itself a board decides at one stage.",
    )
    diary_number: Text | None = Field(
        None, description="The party's own diary number for the matter (Dnro), kept as written."
    )
    preparer: Contact | None = Field(
        None,
        description="Who prepares the party's agenda item (Valmistelija); else its contact.",
    )
    presenter: LocalizedText | None = Field(
        None,
        description="The board's presenter by position (Esittelijä), e.g. {fi: kunnanjohtaja}; "
        "else the manager's position from the party's kind.",
    )
    signatories: list[Signatory] | None = Field(
        None,
        min_length=1,
        max_length=4,
        description="Who signs for the party, by position (and name when known), at most "
        "four; else the manager's position from the party's kind.",
    )

    @field_validator("business_id")
    @classmethod
    def _check_digit(cls, value: str | None) -> str | None:
        if value is not None and not _business_id_valid(value):
            raise PydanticCustomError(
                "business_id_check",
                "business ID '{value}' has a wrong check digit: check it in the YTJ register",
                {"value": value},
            )
        return value


class WellbeingArea(Party):
    pass


class OtherParty(Party):
    pass


class Municipality(Party):
    code: str = Field(
        pattern=r"^[0-9]{3}$",
        description='Official municipality code, three digits, quoted: "047".',
    )
    languages: list[Language] = Field(
        min_length=1, description="Official languages, main one first."
    )


class Theme(Strict):
    id: Id
    title: LocalizedText


class SotkanetReference(Strict):
    """An indicator of THL's Sotkanet indicator bank, whose values `indicators fetch` gets."""

    id: int = Field(gt=0, description="The indicator's number in Sotkanet, e.g. 186.")


class Indicator(Strict):
    id: ItemId
    name: LocalizedText
    baseline: AnyLanguageText | None = None
    target: AnyLanguageText
    source: AnyLanguageText | None = Field(
        None, description="e.g. Sotkanet, hyvinvointikertomus; localized where it has words."
    )
    sotkanet: SotkanetReference | None = Field(
        None, description="The indicator in Sotkanet: `indicators fetch` gets its values."
    )


class Measure(Strict):
    id: ItemId
    text: LocalizedText
    responsible: list[Reference] = Field(
        min_length=1, description="Party ids or all-municipalities; the first is the lead."
    )
    schedule: NumberText | None = Field(None, description='e.g. "2026–2027".')
    indicators: list[ItemId] = Field(default_factory=list)
    municipalities: list[Reference] = Field(
        default_factory=list, description="The measure concerns only these municipalities."
    )


class Goal(Strict):
    id: ItemId
    theme: Reference | None = None
    title: LocalizedText
    description: LocalizedText | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    measures: list[Measure] = Field(min_length=1)


class Forum(Strict):
    id: Id
    name: LocalizedText
    members: LocalizedText
    meets: LocalizedText | None = None
    tasks: LocalizedText


class Report(Strict):
    when: LocalizedText
    what: LocalizedText
    responsible: list[Reference] = Field(default_factory=list)


class Monitoring(Strict):
    text: LocalizedText
    reports: list[Report] = Field(default_factory=list)


# The chapters the templates make, in order; a free section may be placed after any of them.
CHAPTERS: tuple[str, ...] = ("parties", "purpose", "goals", "forums", "monitoring")
# The clauses every agreement needs; a section says which of them it states (`covers`).
CLAUSES: tuple[str, ...] = ("validity", "entry-into-force", "disputes")
Clause = Literal["validity", "entry-into-force", "disputes"]


class Section(Strict):
    id: Id
    title: LocalizedText
    body: LocalizedText
    after: Reference | None = Field(
        None,
        description=(
            "Where the section goes: after a chapter (parties, purpose, goals, forums, "
            "monitoring) or after another section (its id). Without it, after monitoring, "
            "before the approval chapter, in the workbook's order."
        ),
    )
    covers: list[Clause] = Field(
        default_factory=list,
        description=(
            "The standard clauses the section states: validity (validity and amendment), "
            "entry-into-force, disputes. The templates then leave out their own wording of it."
        ),
    )


# Where an indicator value was measured: a party (the area or a municipality) or the country.
COUNTRY = "country"


class IndicatorValue(Strict):
    """A value of an indicator entered by hand (one outside Sotkanet: the school health
    survey, TEAviisari, an own register)."""

    indicator: ItemId = Field(description="The indicator's id.")
    year: int = Field(ge=1900, le=2100, description="The year the value describes.")
    region: Reference = Field(
        description="Where it was measured: the wellbeing area's or a municipality's id, "
        "or `country`."
    )
    value: float = Field(description="The value, a number (e.g. 37.5 for 37,5 %).")


# How a measure stands in a follow-up year.
MeasureStatus = Literal["not-started", "in-progress", "done", "delayed", "dropped"]
MEASURE_STATUSES: tuple[str, ...] = ("not-started", "in-progress", "done", "delayed", "dropped")


class MunicipalityStatus(Strict):
    """How a measure stands in one municipality, where that differs from the whole."""

    municipality: Reference = Field(description="A municipality the measure concerns.")
    status: MeasureStatus
    account: LocalizedText | None = Field(None, description="A short account of where it is.")


class MeasureFollowUp(Strict):
    measure: ItemId = Field(description="The measure's id.")
    status: MeasureStatus = Field(description="not-started, in-progress, done, delayed or dropped.")
    account: LocalizedText | None = Field(None, description="A short account of where it is.")
    municipalities: list[MunicipalityStatus] = Field(
        default_factory=list,
        description="For a measure that concerns several municipalities: those that differ.",
    )


class FollowUpYear(Strict):
    """The follow-up of one year: how each measure stands."""

    year: int = Field(ge=2000, le=2100, description="The year followed up, e.g. 2027.")
    measures: list[MeasureFollowUp] = Field(default_factory=list)


class Workbook(Strict):
    """A whole workbook: everything the agreement says that the templates do not."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        title="Strategic cooperation agreement workbook",
        json_schema_extra={"$id": "agreement-workbook.schema.json"},
    )
    SCHEMA_URL: ClassVar[str] = "https://json-schema.org/draft/2020-12/schema"

    format: Literal["agreement-workbook/1"]
    agreement: Agreement
    plan: CooperationPlan | None = Field(
        None,
        description="The two-document form: the goals, measures and indicators are a separate "
        "plan with its own version, status and approval (absent: one document).",
    )
    wellbeing_area: WellbeingArea
    municipalities: list[Municipality] = Field(min_length=1)
    other_parties: list[OtherParty] = Field(default_factory=list)
    themes: list[Theme] = Field(default_factory=list)
    goals: list[Goal] = Field(min_length=1)
    forums: list[Forum] = Field(default_factory=list)
    monitoring: Monitoring | None = None
    sections: list[Section] = Field(default_factory=list)
    indicator_values: list[IndicatorValue] = Field(
        default_factory=list, description="Indicator values entered by hand."
    )
    follow_up: list[FollowUpYear] = Field(
        default_factory=list, description="The yearly follow-up: how each measure stands."
    )

    @property
    def parties(self) -> list[Party]:
        """Every party in the order the agreement lists them: area, municipalities, others."""
        return [self.wellbeing_area, *self.municipalities, *self.other_parties]

    def measures(self) -> list[tuple[Goal, Measure]]:
        return [(goal, measure) for goal in self.goals for measure in goal.measures]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the workbook format, for editors and external checks."""
    schema = Workbook.model_json_schema()
    return {"$schema": Workbook.SCHEMA_URL, **schema}

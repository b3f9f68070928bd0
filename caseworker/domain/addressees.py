"""Who gets which letter: residents, representatives, copies, and who must get nothing."""

from __future__ import annotations

from dataclasses import dataclass

from caseworker.domain.errors import RuleBroken
from caseworker.domain.letters import Addressee, AddresseeRole
from caseworker.domain.vocab import LetterKind, RecordKind


@dataclass(frozen=True)
class PartyFacts:
    """What the addressee rules need to know about one person on a case."""

    person_id: str
    role: str  # complainant | representative
    name: str
    salutation: str
    address: str
    postcode: str
    relationship: str = ""
    raised_it: bool = False
    joined_later: bool = False
    may_be_told: bool = False  # authorised and covering this matter, or elected
    do_not_contact: bool = False

    @property
    def is_elected(self) -> bool:
        return self.relationship in ("mp", "councillor")

    def addressee(self, role: AddresseeRole) -> Addressee:
        lines = tuple(
            line.strip() for line in self.address.replace(",", "\n").splitlines() if line.strip()
        )
        return Addressee(self.name, self.salutation, lines, self.postcode, role)


@dataclass(frozen=True)
class Recipient:
    """One copy of a letter: who it is addressed to and on whose behalf."""

    person_id: str
    addressee: Addressee
    for_resident: str  # the complainant the letter is about
    copy_to: tuple[str, ...] = ()


def _rep_role(rep: PartyFacts) -> AddresseeRole:
    return AddresseeRole.ELECTED_REPRESENTATIVE if rep.is_elected else AddresseeRole.REPRESENTATIVE


def recipients(
    kind: LetterKind, record_kind: RecordKind, parties: tuple[PartyFacts, ...]
) -> list[Recipient]:
    """Every copy of a letter to make, by DOMAIN.md's addressee rules.

    - An MP or councillor enquiry reply goes to the elected representative.
    - The blank authorisation form goes to each resident, to sign.
    - Otherwise, one letter per complainant of a group: to the representative who
      raised the complaint for them when they may be told, else to the resident;
      representatives who joined later and may be told (elected representatives
      always may) get a copy. Nobody marked do-not-contact gets anything, and no
      representative gets personal details without a valid authorisation.

    Raises:
        RuleBroken: when nobody may receive the letter, saying why.
    """
    complainants = [p for p in parties if p.role == "complainant"]
    reps = [p for p in parties if p.role == "representative" and not p.do_not_contact]
    if record_kind.is_enquiry and kind is LetterKind.ENQUIRY_REPLY:
        elected = [r for r in reps if r.is_elected] or [r for r in reps if r.raised_it]
        if not elected:
            raise RuleBroken(
                "An enquiry reply goes to the MP or councillor: add them to the case first"
            )
        about = complainants[0].name if complainants else ""
        return [Recipient(r.person_id, r.addressee(_rep_role(r)), about) for r in elected]

    out: list[Recipient] = []
    skipped: list[str] = []
    copied: set[str] = set()
    copies = [r for r in reps if r.joined_later and r.may_be_told]
    for resident in complainants:
        if kind is LetterKind.AUTHORISATION_FORM:
            if resident.do_not_contact:
                skipped.append(resident.name)
                continue
            out.append(
                Recipient(
                    resident.person_id, resident.addressee(AddresseeRole.RESIDENT), resident.name
                )
            )
            continue
        acting = next(
            (r for r in reps if r.raised_it and not r.joined_later and r.may_be_told), None
        )
        copy_names = tuple(c.name for c in copies)
        if acting is not None:
            main = Recipient(
                acting.person_id, acting.addressee(_rep_role(acting)), resident.name, copy_names
            )
        elif not resident.do_not_contact:
            main = Recipient(
                resident.person_id,
                resident.addressee(AddresseeRole.RESIDENT),
                resident.name,
                copy_names,
            )
        else:
            skipped.append(resident.name)
            continue
        out.append(main)
        for c in copies:
            # One copy each, even for a group complaint's several letters.
            if c.person_id != main.person_id and c.person_id not in copied:
                copied.add(c.person_id)
                out.append(Recipient(c.person_id, c.addressee(AddresseeRole.COPY), resident.name))
    if not out:
        if skipped:
            raise RuleBroken(
                f"Nobody can be sent this letter: {', '.join(skipped)} (marked do not contact)"
            )
        raise RuleBroken("Nobody can be sent this letter: no resident is recorded on the case")
    return out

"""`brewline contacts import`: CSVs as organisers really save them, into contacts in bulk."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from brewline.people.importing import quick_normalise
from brewline.people.models import Consent, Contact, Tag
from brewline.people.phones import BadNumber, dialable
from tests.events.fixtures import add_contact, count


def write(tmp_path, text: str, name: str = "people.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def contacts(runtime) -> dict[str, Contact]:
    with runtime.store.transaction() as session:
        return {c.phone: c for c in session.scalars(select(Contact))}


def test_a_spreadsheet_with_a_bom_crlf_and_a_quoted_newline_is_imported(cli, runtime, tmp_path):
    path = write(tmp_path, "\ufeffphone,name,language,invites\r\n"
                           "07700 900123,\"Ann\r\nSmith\",en,yes\r\n"
                           "07700 900124,Bob,cy,no\r\n")
    result = cli("contacts", "import", path)
    assert result.exit_code == 0, result.output
    assert "2 contact(s) added" in result.output and "0 row(s) rejected" in result.output
    people = contacts(runtime)
    assert people["+447700900123"].name == "Ann\r\nSmith"
    assert (people["+447700900124"].language, people["+447700900124"].source) == ("cy", "import")
    with runtime.store.transaction() as session:
        consents = {c.contact_id: (c.granted, c.source) for c in session.scalars(select(Consent))}
    assert consents == {people["+447700900123"].id: (True, "import"),
                        people["+447700900124"].id: (False, "import")}


def test_one_number_written_many_ways_is_one_contact_and_the_rest_are_duplicates(
        cli, runtime, tmp_path):
    path = write(tmp_path, "phone,name,language,invites\n"
                           "07700 900123,A,en,yes\n+44 (0)7700 900123,B,en,yes\n"
                           "00447700900123,C,en,yes\n+447700900123,D,en,yes\n")
    result = cli("contacts", "import", path)
    assert result.exit_code == 0
    assert list(contacts(runtime)) == ["+447700900123"]
    assert result.output.count("duplicate of line 2") == 3


def test_letters_twenty_digits_and_blanks_are_rejected_with_their_line_and_reason(
        cli, runtime, tmp_path):
    path = write(tmp_path, "phone,name,language,invites\n"
                           "call me maybe,A,en,yes\n12345678901234567890,B,en,yes\n"
                           ",C,en,yes\n07700 900126,F,,\n")
    result = cli("contacts", "import", path)
    assert result.exit_code == 0
    assert "1 contact(s) added" in result.output and "3 row(s) rejected" in result.output
    assert "line 2: not a phone number: 'call me maybe'" in result.output
    assert "line 3: too long to be a phone number: '12345678901234567890'" in result.output
    assert "line 4: blank number" in result.output
    assert contacts(runtime)["+447700900126"].language == "en"
    assert count(runtime, Consent) == 0


def test_numbers_that_cannot_be_rung_are_refused_and_never_invited(cli, runtime, tmp_path):
    path = write(tmp_path, "phone,name,language,invites\n"
                           "12345,Local,en,yes\n0770090013,Short,en,yes\n"
                           "07700 9001234,Long,en,yes\n07400 123456,Real,en,yes\n")
    result = cli("contacts", "import", path)

    assert "1 contact(s) added" in result.output and "3 row(s) rejected" in result.output
    assert "line 2: too short: a local number needs its area code: '12345'" in result.output
    assert ("line 3: not a number in use: check for a missing or extra digit: '0770090013'"
            in result.output)
    assert "line 4: " in result.output and "'07700 9001234'" in result.output
    assert list(contacts(runtime)) == ["+447400123456"]


def test_ofcoms_drama_numbers_are_taken_though_no_one_has_them(cli, runtime, tmp_path):
    path = write(tmp_path, "phone,name,language,invites\n"
                           "07700 900000,A,en,yes\n07700 900999,B,en,yes\n"
                           "01632 960123,C,en,yes\n020 7946 0123,D,en,yes\n"
                           "07700 901000,E,en,yes\n")
    result = cli("contacts", "import", path)

    assert "4 contact(s) added" in result.output and "1 row(s) rejected" in result.output
    assert "line 6: not a number in use" in result.output
    assert sorted(contacts(runtime)) == ["+441632960123", "+442079460123", "+447700900000",
                                         "+447700900999"]


def test_a_maybe_under_invites_keeps_the_person_with_no_answer_and_says_so(
        cli, runtime, tmp_path):
    path = write(tmp_path, "phone,name,language,invites\n"
                           "07700 900125,E,en,Maybe\n07700 900126,F,en,yes\n")
    result = cli("contacts", "import", path)

    assert "2 contact(s) added" in result.output and "0 row(s) rejected" in result.output
    assert "1 row(s) kept with no invite answer recorded" in result.output
    assert ("line 2: 'Maybe' under invites is not yes or no, so the person was kept but no "
            "invite answer was recorded") in result.output
    people = contacts(runtime)
    with runtime.store.transaction() as session:
        answered = session.scalars(select(Consent.contact_id)).all()
    assert answered == [people["+447700900126"].id]
    assert people["+447700900125"].name == "E"


def test_blank_lines_and_rows_of_empty_cells_are_skipped_silently(cli, runtime, tmp_path):
    path = write(tmp_path, "phone,name,language,invites\n\n07700 900125,E,en,yes\n"
                           ",,,\n   ,  ,\n\r\n07700 900126,F,en,no\n\n")
    result = cli("contacts", "import", path)

    assert "2 contact(s) added" in result.output and "0 row(s) rejected" in result.output
    assert "line" not in result.output


def test_a_file_separated_by_semicolons_is_refused_with_a_clear_reason(cli, runtime, tmp_path):
    path = write(tmp_path, "phone;name;language;invites\n07700 900123;Ann;en;yes\n")
    result = cli("contacts", "import", path)
    assert result.exit_code == 2
    assert "separated by semicolons, not commas" in result.output
    assert count(runtime, Contact) == 0


def test_a_file_without_a_phone_column_or_empty_is_refused(cli, runtime, tmp_path):
    assert "no 'phone' column" in cli("contacts", "import", write(tmp_path, "name\nAnn\n")).output
    assert "the file is empty" in cli("contacts", "import", write(tmp_path, "", "e.csv")).output
    assert count(runtime, Contact) == 0


def test_a_windows_1252_file_from_excel_keeps_its_accents(cli, runtime, tmp_path):
    path = write(tmp_path, "phone,name,language,invites\n07700 900123,Zoë,en,yes\n",
                 encoding="cp1252")
    assert cli("contacts", "import", path).exit_code == 0
    assert contacts(runtime)["+447700900123"].name == "Zoë"


def test_a_list_never_says_yes_for_someone_who_said_no_themselves(cli, runtime, tmp_path):
    said_no = add_contact(runtime, "+447700900123", invites=False)
    said_yes = add_contact(runtime, "+447700900124", invites=True)
    path = write(tmp_path, "phone,name,language,invites\n"
                           "07700900123,A,en,yes\n07700900124,B,en,no\n")
    result = cli("contacts", "import", path)
    assert ("0 contact(s) added, 2 already known (2 with a new name or language), "
            "1 invite answer(s) recorded") in result.output
    with runtime.store.transaction() as session:
        imported = session.scalars(select(Consent).where(Consent.source == "import")).all()
    assert [(c.contact_id, c.granted) for c in imported] == [(said_yes, False)]
    assert said_no not in [c.contact_id for c in imported]


def test_a_corrected_name_or_language_replaces_ours_and_a_blank_cell_changes_nothing(
        cli, runtime, tmp_path):
    first = write(tmp_path, "phone,name,language,invites\n"
                            "07700900123,Mrs Smyth,en,\n07700900124,Ali,cy,\n07700900125,Jo,en,\n")
    assert cli("contacts", "import", first).exit_code == 0
    again = write(tmp_path, "phone,name,language,invites\n"
                            "07700900123,Mrs Smith,,\n07700900124,,,\n07700900125,Jo,en,\n",
                  name="again.csv")
    result = cli("contacts", "import", again)

    assert "3 already known (1 with a new name or language)" in result.output
    people = contacts(runtime)
    assert (people["+447700900123"].name, people["+447700900123"].language) == ("Mrs Smith", "en")
    assert (people["+447700900124"].name, people["+447700900124"].language) == ("Ali", "cy")


def test_a_tag_labels_everyone_in_the_file_once_even_when_imported_twice(cli, runtime, tmp_path):
    path = write(tmp_path, "phone,name,language,invites\n"
                           "07700900123,A,en,yes\n07700900124,B,en,yes\n")
    assert cli("contacts", "import", path, "--tag", "North Tyneside").exit_code == 0
    assert cli("contacts", "import", path, "--tag", "north-tyneside").exit_code == 0
    assert count(runtime, Tag, Tag.name == "north-tyneside") == 2
    assert count(runtime, Contact) == 2


def test_a_tag_that_cannot_be_a_label_is_refused(cli, runtime, tmp_path):
    path = write(tmp_path, "phone\n07700900123\n")
    result = cli("contacts", "import", path, "--tag", "north/tyneside!")
    assert result.exit_code == 2 and "a tag is letters, digits and dashes" in result.output
    assert count(runtime, Contact) == 0


def test_fifty_thousand_rows_are_imported_in_one_go(cli, runtime, tmp_path):
    lines = ["phone,name,language,invites"] + [
        f"07700 {900000 + i % 1000:06d}{'' if i < 1000 else ''},P{i},en,yes" for i in range(1000)]
    lines += [f"+4420{7000_0000 + i},Q{i},en,{'yes' if i % 2 else 'no'}" for i in range(49_000)]
    result = cli("contacts", "import", write(tmp_path, "\n".join(lines) + "\n"))
    assert result.exit_code == 0, result.output
    assert "50000 contact(s) added" in result.output
    assert count(runtime, Contact) == 50_000
    assert count(runtime, Consent, Consent.granted.is_(True)) == 1000 + 24_500


def outcome(work):
    try:
        return work()
    except BadNumber as exc:
        return f"refused: {exc}"


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[1-9][0-9]{9}", fullmatch=True),
       st.sampled_from(["0{}", "+44{}", "0044{}", "+44 {}", "0{} ", "(0{})"]),
       st.sampled_from([" ", "-", ""]))
def test_the_quick_uk_shortcut_gives_the_same_answer_as_phonenumbers(digits, form, spacer):
    raw = form.format(digits[:4] + spacer + digits[4:])
    assert outcome(lambda: quick_normalise(raw, "GB")) == outcome(lambda: dialable(raw, "GB"))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["7400", "7700", "7911", "2079", "1632", "1134"]),
       st.from_regex(r"[0-9]{6}", fullmatch=True))
def test_the_shortcut_agrees_on_mobiles_london_and_drama_ranges_too(start, rest):
    raw = "0" + start + rest
    assert outcome(lambda: quick_normalise(raw, "GB")) == outcome(lambda: dialable(raw, "GB"))

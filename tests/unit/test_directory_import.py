"""The directory file: reading (encodings, line ends, quotes, delimiters), every row checked
with its row and column, the diff against what is stored (add, change, deactivate; nothing
the second time), scope, leavers, and the files written (template, export, escaping)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from functions.adapters.firestore.base import valid_id
from functions.domain.directory.administrators import Administrator
from functions.domain.directory.changes import Action, Plan, plan
from functions.domain.directory.importing import cells, writing
from functions.domain.directory.importing.reading import Table, read_table
from functions.domain.directory.importing.rows import read_file
from functions.domain.directory.importing.snapshot import Directory
from functions.domain.directory.models import Centre, Contact, Region, person_key

ROOT = Path(__file__).parents[2]
SAMPLE = (ROOT / "infra/demo/directory.csv").read_text(encoding="utf-8")
NETWORK = Administrator(email="admin@ecd.example.org", name="Demo network administrator")
NOMSA = Administrator(
    email="admin.gauteng@ecd.example.org", name="Nomsa Dlamini", region_id="gauteng"
)
HEADER = "kind,id,name,region,centre,email,phone,hours,languages,active\n"


def demo() -> Directory:
    """The demo seed: its regions, centres and administrators (functions/devtools/seed.py)."""
    data = json.loads((ROOT / "infra/demo/demo_data.json").read_text())
    admins = [NETWORK] + [
        Administrator(
            email=r["administrator"]["email"],
            name=r["administrator"]["name"],
            region_id=r["region_id"],
        )
        for r in data["regions"]
    ]
    return Directory(
        [Region.model_validate(r) for r in data["regions"]],
        [Centre.model_validate(c) for c in data["centres"]],
        admins,
    )


def planned(
    text: str | bytes, current: Directory | None = None, caller=NETWORK, full: bool = True
) -> Plan:
    """The plan of a file that must read without errors."""
    current = current or demo()
    table = read_table(text)
    assert isinstance(table, Table), table
    found, errors = read_file(table, current, caller)
    assert errors == [], errors
    result = plan(found, current, caller, full)
    assert result.errors == [], result.errors
    return result


def errors_of(
    text: str | bytes, current: Directory | None = None, caller=NETWORK, full: bool = True
) -> list[tuple]:
    """(row, column, message) of every error, from reading, checking or planning."""
    current = current or demo()
    table = read_table(text)
    if not isinstance(table, Table):
        return [tuple(e) for e in table]
    found, errors = read_file(table, current, caller)
    if not errors:
        errors = plan(found, current, caller, full).errors
    return [tuple(e) for e in errors]


def where(text, **kwargs) -> list[tuple]:
    return [(row, column) for row, column, _ in errors_of(text, **kwargs)]


def applied(current: Directory, result: Plan) -> Directory:
    """The directory as it is once the plan is written."""
    regions = {r.region_id: r for r in current.regions.values()}
    centres = {c.centre_id: c for c in current.centres.values()}
    admins = {a.key: a for a in current.administrators.values()}
    regions |= {r.region_id: r for r in result.regions}
    centres |= {c.centre_id: c for c in result.centres}
    admins |= {a.key: a for a in result.administrators}
    return Directory(list(regions.values()), list(centres.values()), list(admins.values()))


def sample_without(*needles: str, text: str = SAMPLE) -> str:
    rows = csv.reader(io.StringIO(text, newline=""))
    out = io.StringIO()
    csv.writer(out).writerows(r for r in rows if not any(n in ",".join(r) for n in needles))
    return out.getvalue()


# ------------------------------------------------------------------------------ reading


def test_the_sample_file_reads_and_changes_only_what_it_adds_to_the_demo_seed():
    result = planned(SAMPLE)
    assert {(e.action, e.kind.value) for e in result.entries} == {(Action.CHANGE, "centre")}
    assert result.count(Action.CHANGE) == 5 and not result.leavers


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t.encode("utf-8-sig"),  # Excel's "CSV UTF-8": a byte-order mark
        lambda t: t.replace("\n", "\r\n").encode(),  # CRLF, also inside the quoted address
        lambda t: "\ufeff" + t,
    ],
)
def test_byte_order_marks_and_line_ends_read_as_the_same_file(variant):
    current = applied(demo(), planned(SAMPLE))
    result = planned(variant(SAMPLE), current)
    assert result.entries == []


def test_a_semicolon_file_reads_like_a_comma_one():
    rows = list(csv.reader(io.StringIO(SAMPLE, newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    assert planned(out.getvalue()).entries == planned(SAMPLE).entries


def test_a_quoted_line_break_stays_in_its_row_and_rows_keep_their_numbers():
    text = (
        HEADER + 'centre,new-centre,"New\ncentre",gauteng\n'
        'staff,,"Broken\nname",,new-centre,not-an-address,,,,\n'
    )
    assert where(text) == [(3, "email")]  # row 3, though it starts on line 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(None, None)]),
        ("   \n\n", [(None, None)]),
        (HEADER, [(None, None)]),  # a header, no rows
        (b"kind,name\nstaff,Zo\xeb\n", [(None, None)]),  # Windows-1252, not UTF-8
        ("kind,name\nstaff,a\x00b\n", [(None, None)]),
        ('kind,name,email\nstaff,"unclosed,x@example.org\n', [(2, None)]),
        ('kind,name,email\nstaff,"Zo"e,x@example.org\n', [(2, None)]),
        ("kind,name,surname\nstaff,Zoe,Smith\n", [(1, "surname")]),  # unknown column
        ("kind,name,Name\nstaff,Zoe,Zoe\n", [(1, "name")]),  # twice
        ("name,email\nZoe,z@example.org\n", [(1, "kind")]),  # no kind column
        ("kind,name\nstaff,Zoe,extra\n", [(2, None)]),  # a cell under no column
    ],
)
def test_files_that_cannot_be_read_say_why_and_where(text, expected):
    assert where(text) == expected


def test_an_empty_file_says_it_is_empty():
    assert "empty" in errors_of("")[0][2]


# ---------------------------------------------------------------------------- each row


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("person,,Zoe,,sunflower-soweto,z@example.org", "kind"),
        ("centre,Bad Id,Bad,gauteng", "id"),
        ("centre,../x,Bad,gauteng", "id"),
        ("centre,__x__,Bad,gauteng", "id"),
        ("centre,new-one,,gauteng", "name"),
        ("centre,new-one,New,nowhere", "region"),
        ("centre,new-one,New,gauteng,,,082 123", "phone"),
        ("centre,new-one,New,gauteng,,,+44 20 7946 0958", "phone"),
        ("centre,new-one,New,gauteng,,,,fri-mon 07:00-17:00", "hours"),
        ("centre,new-one,New,gauteng,,,,mon-fri 17:00-07:00", "hours"),
        ("centre,new-one,New,gauteng,,,,mon-fri", "hours"),
        ("centre,new-one,New,gauteng,,,,,klingon", "languages"),
        ("centre,new-one,New,gauteng,,,,,,maybe", "active"),
        ("centre,new-one,New,gauteng,sunflower-soweto", "centre"),  # not used by a centre row
        ("staff,,Zoe,,sunflower-soweto,zoe@", "email"),
        ("staff,,Zoe,,sunflower-soweto,zoé@example.org", "email"),
        ("staff,,Zoe,,sunflower-soweto,", "email"),
        ("staff,,Zoe,,nowhere,zoe@example.org", "centre"),
        ("staff,,,,sunflower-soweto,zoe@example.org", "name"),
        ("staff,x,Zoe,,sunflower-soweto,zoe@example.org", "id"),
        ("principal,,Zoe,,sunflower-soweto,zoe@example.org,,,,no", "active"),
        ("administrator,,Zoe,nowhere,,zoe@example.org", "region"),
        ("region,North West,North West", "id"),
    ],
)
def test_each_wrong_cell_is_named_by_its_row_and_column(row, column):
    assert where(HEADER + row + "\n", full=False) == [(2, column)]


def test_every_error_of_every_row_is_reported_not_only_the_first():
    text = (
        HEADER
        + "centre,Bad Id,,nowhere\n"
        + "staff,,Zoe,,nowhere,zoe@\n"
        + "staff,,Ann,,sunflower-soweto,ann@example.org,,,,sometimes\n"
    )
    assert where(text, full=False) == [(2, "id"), (2, "name"), (3, "email"), (4, "active")]


def test_duplicates_name_the_row_they_repeat():
    text = HEADER + (
        "staff,,Zoe,,sunflower-soweto,zoe@example.org\n"
        "staff,,Zoe Again,,little-stars-tembisa,ZOE@example.org\n"
        "centre,sunflower-soweto,A,gauteng\ncentre,sunflower-soweto,B,gauteng\n"
    )
    found = errors_of(text, full=False)
    assert [(r, c) for r, c, _ in found] == [(3, "email"), (5, "id")]
    assert "also on row 2" in found[0][2] and "also on row 4" in found[1][2]


def test_one_principal_a_centre():
    text = HEADER + (
        "principal,,Ann,,sunflower-soweto,ann@example.org\n"
        "principal,,Ben,,sunflower-soweto,ben@example.org\n"
    )
    assert where(text, full=False) == [(3, "kind")]


def test_a_new_centre_needs_its_principal_and_a_full_file_lists_every_centre_of_its_people():
    assert where(HEADER + "centre,new-one,New,gauteng\n", full=False) == [(2, "id")]
    assert (2, "centre") in where(HEADER + "staff,,Zoe,,sunflower-soweto,zoe@example.org\n")


def test_a_header_without_a_column_its_rows_need_is_one_error_not_one_a_row():
    text = "kind,name,centre\n" + "".join(f"staff,P{i},sunflower-soweto\n" for i in range(50))
    assert where(text, full=False) == [(1, "email")]


# ------------------------------------------------------------------------------ the diff


def test_adds_changes_and_deactivates_then_nothing_the_second_time():
    text = sample_without("bongani@", "ubuntu")  # a staff member left; a centre closed
    text = text.replace("Kagiso Molefe", "Kagiso Molefe-Dube")
    text += "staff,,Naledi Dube,,sunflower-soweto,naledi@sunflower.example.org,,,,,,,,\n"
    current = demo()
    first = planned(text, current)
    lines = {(e.action, e.kind.value, e.id) for e in first.entries}
    assert (Action.ADD, "staff", "naledi@sunflower.example.org") in lines
    assert (Action.CHANGE, "staff", "kagiso@littlestars.example.org") in lines
    assert (Action.DEACTIVATE, "staff", "bongani@sunflower.example.org") in lines
    assert (Action.DEACTIVATE, "centre", "ubuntu-umlazi") in lines
    assert [leaver.centre_id for leaver in first.leavers] == ["sunflower-soweto"]
    ubuntu = next(c for c in first.centres if c.centre_id == "ubuntu-umlazi")
    assert not ubuntu.active and len(ubuntu.staff) == 2  # a closed centre keeps its team
    sunflower = next(c for c in first.centres if c.centre_id == "sunflower-soweto")
    assert [p.email for p in sunflower.staff] == [
        "lerato@sunflower.example.org",
        "naledi@sunflower.example.org",
    ]
    assert [(p.email, p.active) for p in sunflower.former_staff] == [
        ("bongani@sunflower.example.org", False)
    ]
    assert [m.email for m in sunflower.members()] == [
        "principal@sunflower.example.org",
        "lerato@sunflower.example.org",
        "naledi@sunflower.example.org",
    ]
    second = planned(text, applied(current, first))
    assert second.entries == [] and second.leavers == []


def test_without_full_the_file_only_adds_and_changes():
    text = HEADER + "staff,,Naledi Dube,,sunflower-soweto,naledi@sunflower.example.org\n"
    result = planned(text, full=False)
    assert [(e.action, e.id) for e in result.entries] == [
        (Action.ADD, "naledi@sunflower.example.org")
    ]


def test_a_new_principal_replaces_the_old_who_leaves_unless_listed_as_staff():
    new = HEADER + "principal,,Naledi Dube,,sunflower-soweto,naledi@sunflower.example.org\n"
    replaced = planned(new, full=False)
    assert [leaver.name for leaver in replaced.leavers] == ["Thandi Mokoena"]
    kept = planned(
        new + "staff,,Thandi Mokoena,,sunflower-soweto,principal@sunflower.example.org\n",
        full=False,
    )
    assert kept.leavers == []
    (centre,) = kept.centres
    assert centre.principal.email == "naledi@sunflower.example.org"
    assert "principal@sunflower.example.org" in [p.email for p in centre.staff]


def test_moving_a_person_to_another_centre_hands_back_their_cases_at_the_first():
    text = HEADER + "staff,,Lerato Khumalo,,little-stars-tembisa,lerato@sunflower.example.org\n"
    result = planned(text, full=False)
    (line,) = [e for e in result.entries if e.kind.value == "staff"]
    assert ("centre", "sunflower-soweto", "little-stars-tembisa") in line.changes
    assert [(leaver.name, leaver.centre_id) for leaver in result.leavers] == [
        ("Lerato Khumalo", "sunflower-soweto")
    ]
    assert {c.centre_id for c in result.centres} == {"sunflower-soweto", "little-stars-tembisa"}


def test_a_column_left_out_keeps_what_is_stored_and_an_empty_cell_clears_it():
    current = applied(demo(), planned(SAMPLE))
    extra = "kind,id,name,region\ncentre,sunflower-soweto,Sunflower,gauteng,x\n"
    assert where(extra, current=current, full=False) == [(2, None)]  # a cell under no column
    kept = planned(
        'kind,id,name,region\ncentre,sunflower-soweto,"Sunflower Educare, Soweto",gauteng\n',
        current,
        full=False,
    )
    assert kept.entries == []
    cleared = planned(
        'kind,id,name,region,phone\ncentre,sunflower-soweto,"Sunflower Educare, Soweto",gauteng,\n',
        current,
        full=False,
    )
    (line,) = cleared.entries
    assert line.changes == (("phone", "011 555 0101", ""),)


def test_administrators_are_added_changed_and_deactivated_but_never_the_caller():
    text = SAMPLE.replace("admin.westerncape@ecd.example.org", "kabelo@example.org")
    text = sample_without(
        "Demo network administrator", text=text.replace("Pieter van Wyk", "Kabelo Dube")
    )
    result = planned(text)
    admins = {a.email: a for a in result.administrators}
    assert admins["kabelo@example.org"].region_id == "western-cape"
    assert admins["admin.westerncape@ecd.example.org"].active is False  # no longer listed
    assert NETWORK.email not in admins  # the caller, not listed, stays as they are
    (region,) = result.regions
    assert region.administrator.email == "kabelo@example.org"  # the region's alerts
    yourself = HEADER + "administrator,,Me,,,admin@ecd.example.org,,,,no\n"
    assert where(yourself, full=False) == [(2, "active")]


def test_a_region_left_with_nobody_to_alert_is_an_error():
    text = sample_without("Pieter van Wyk")
    assert where(text) == [(3, "email")]  # the region row names him
    unnamed = sample_without("Pieter van Wyk").replace("admin.westerncape@ecd.example.org", "")
    ((row, column, message),) = errors_of(unnamed)
    assert (row, column) == (3, "email") and "Nobody would receive" in message
    not_listed = sample_without("Pieter van Wyk", "region,western-cape")
    assert [(r, c) for r, c, _ in errors_of(not_listed)] == [(None, None)]


def test_a_region_row_names_who_gets_its_alerts_and_a_new_region_needs_someone():
    text = HEADER + (
        "region,north-west,North West\nadministrator,,Kabelo Dube,north-west,,kabelo@example.org\n"
    )
    (region,) = planned(text, full=False).regions
    assert region.administrator.email == "kabelo@example.org"
    assert where(HEADER + "region,north-west,North West\n", full=False) == [(2, "email")]
    stranger = HEADER + "region,gauteng,Gauteng,,,stranger@example.org\n"
    assert where(stranger, full=False) == [(2, "email")]


# ---------------------------------------------------------------------------- the scope


def test_a_regional_administrator_changes_only_their_region():
    text = HEADER + (
        "region,western-cape,Western Cape\n"
        "centre,fynbos-khayelitsha,Fynbos,western-cape\n"
        "centre,little-stars-tembisa,Little Stars,western-cape\n"
        "staff,,Zoe,,protea-mitchells-plain,zoe@example.org\n"
        "staff,,Chantal Adams,,sunflower-soweto,chantal@fynbos.example.org\n"
        "administrator,,Boss,,,boss@example.org\n"
        "administrator,,Pieter,western-cape,,pieter@example.org\n"
    )
    assert where(text, caller=NOMSA, full=False) == [
        (2, "id"),
        (3, "id"),
        (4, "region"),
        (5, "centre"),
        (6, "email"),
        (7, "region"),
        (8, "region"),
    ]


def test_a_regional_full_import_deactivates_nothing_outside_the_region():
    gauteng = HEADER + (
        "centre,sunflower-soweto,Sunflower Educare,gauteng\n"
        "principal,,Thandi Mokoena,,sunflower-soweto,"
        "principal@sunflower.example.org\n"
    )
    result = planned(gauteng, caller=NOMSA)
    deactivated = {(e.kind.value, e.id) for e in result.entries if e.action == Action.DEACTIVATE}
    assert deactivated == {
        ("centre", "little-stars-tembisa"),
        ("staff", "lerato@sunflower.example.org"),
        ("staff", "bongani@sunflower.example.org"),
    }
    assert {c.region_id for c in result.centres} == {"gauteng"}


# ------------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("mon-fri 07:00-17:00; sat 08:00-12:00", "mon-fri 07:00-17:00; sat 08:00-12:00"),
        ("Monday-Friday 7h00-17h30", "mon-fri 07:00-17:30"),
        (
            "mon 07:00-17:00; tue 07:00-17:00; thu 07:00-17:00",
            "mon-tue 07:00-17:00; thu 07:00-17:00",
        ),
        ("mon, wed, fri 06:30 to 18:00", "mon 06:30-18:00; wed 06:30-18:00; fri 06:30-18:00"),
    ],
)
def test_opening_hours_have_one_written_form(typed, written):
    assert cells.format_opening_hours(cells.parse_opening_hours(typed)) == written


def test_phones_are_south_african_stored_in_e164_and_written_nationally():
    assert cells.parse_phone("(011) 555-0100") == "+27115550100"
    assert cells.format_phone("+27821234567") == "082 123 4567"


def test_ids_accepted_are_always_safe_firestore_ids():
    for good in ("sunflower-soweto", "a", "centre_12", "9lives"):
        assert cells.parse_id(good) == good and valid_id(good)
    for bad in ("", ".", "..", "__x__", "a/b", "Sunflower", "a b", "-x", "x" * 101):
        with pytest.raises(ValueError):
            cells.parse_id(bad)


def test_languages_are_read_by_code_or_name():
    assert cells.format_languages(cells.parse_languages("English; isiZulu, st zu")) == "en, zu, st"


# ------------------------------------------------------------------------------- writing


def test_cells_that_look_like_formulas_are_escaped_when_written_and_read_back_as_they_were():
    current = demo()
    centre = current.centres["sunflower-soweto"]
    hostile = centre.model_copy(
        update={
            "name": '=HYPERLINK("http://x")',
            "staff": [
                Contact(name="+cmd|' /C calc'!A0", email="a@example.org"),
                Contact(name="@SUM(1)", email="b@example.org"),
                Contact(name="-2+3", email="c@example.org"),
            ],
        }
    )
    current = Directory(list(current.regions.values()), [hostile], [NETWORK])
    text = writing.export(current, NETWORK)
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert planned(text, current).entries == []  # read back as they were: no change


def test_the_template_is_the_header_and_a_row_of_each_kind_that_reads_without_errors():
    text = writing.template()
    assert text.startswith("\ufeffkind,id,name,region,centre,email,phone,whatsapp,address,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert [r[0] for r in rows[1:]] == ["region", "centre", "principal", "staff", "administrator"]
    assert errors_of(text, full=False) == []


def test_the_export_of_a_scope_imports_back_as_no_change():
    current = applied(demo(), planned(SAMPLE))
    assert planned(writing.export(current, NETWORK), current).entries == []
    gauteng = writing.export(current, NOMSA)
    assert "fynbos" not in gauteng and "sunflower" in gauteng
    assert planned(gauteng, current, caller=NOMSA).entries == []


def test_a_large_network_plans_in_one_pass_and_writes_in_batches_of_500():
    from functions.adapters.firestore.directory import BATCH_WRITES

    rows = [HEADER.strip()]
    for c in range(500):
        rows.append(
            f"centre,centre-{c},Centre {c},gauteng,,,011 555 {c:04d},"
            '"mon-fri 07:00-17:00",en zu,yes'
        )
        rows.append(f"principal,,Principal {c},,centre-{c},p{c}@example.org")
        rows += [f"staff,,Staff {c}-{s},,centre-{c},s{c}-{s}@example.org" for s in range(9)]
    result = planned("\n".join(rows) + "\n", full=False)
    assert result.count(Action.ADD) == 5500 and len(result.centres) >= 500
    assert BATCH_WRITES == 500
    assert person_key("P0@Example.org") == person_key("p0@example.org")

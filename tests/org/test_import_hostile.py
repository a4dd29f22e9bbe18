"""Hostile upload files are refused quickly and in little memory (issue 13 §2), and
unreadable bytes get a clear Korean reason instead of a 500. The XLSX files are built by
hand in memory, as an attacker would: openpyxl would never write them."""

import io
import time
import tracemalloc
import zipfile

import pytest

from core.org import imports
from core.org.imports import ImportFileError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>'
)
ROOT_RELS = (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
             f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<Relationships xmlns="{PKG}">'
                 f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
                 '</Relationships>')

TIME_LIMIT_S = 1.0
MEMORY_LIMIT = 50 * 2**20


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_AND_ONE_ROW = ('<row r="1">' + _cell("A1", "직원번호") + _cell("B1", "성명") + "</row>"
                      '<row r="2">' + _cell("A2", "H-1") + _cell("B2", "홍길동") + "</row>")


def _xlsx(rows: str, *, dimension: str = "A1:B2", shared_strings=None) -> bytes:
    """A minimal workbook; ``shared_strings`` (byte chunks) is streamed into the zip, so a
    huge part never sits whole in the test's memory either."""
    sheet = (f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
             f'<sheetData>{rows}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", sheet)):
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            for chunk in shared_strings or [f'<sst xmlns="{MAIN}"/>'.encode()]:
                part.write(chunk)
    return out.getvalue()


def _refused_quickly(content: bytes, name: str = "people.xlsx") -> str:
    """Run the import's reading and validation; return the refusal, having checked it came
    within the time bound, and (in a second run, as tracing slows Python down) within the
    memory bound."""
    def refuse() -> str:
        with pytest.raises(ImportFileError) as refusal:
            imports.people_import(name=name, content=content, actor=None)
        return str(refusal.value)

    # CPU time, not wall time: what the file costs the server, whatever else runs beside it
    # (CI shares two cores with other work).
    started = time.process_time()
    reason = refuse()
    elapsed = time.process_time() - started
    assert elapsed < TIME_LIMIT_S, f"took {elapsed:.2f} s of CPU"
    assert _peak_memory(refuse) < MEMORY_LIMIT
    return reason


def _peak_memory(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def shared_strings_bomb() -> bytes:
    """~400 kB of zip expanding to 162 MB of shared strings, as in the report."""
    def chunks():
        yield f'<sst xmlns="{MAIN}">'.encode()
        block = (b"<si><t>" + b"A" * 1000 + b"</t></si>") * 1000
        for _ in range(162 * 2**20 // len(block)):
            yield block
        yield b"</sst>"

    return _xlsx(HEADER_AND_ONE_ROW, shared_strings=chunks())


def test_a_sheet_declaring_the_full_grid_with_a_cell_at_the_far_end_is_refused_at_once():
    far_end = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    content = _xlsx(HEADER_AND_ONE_ROW + far_end, dimension="A1:XFD1048576")
    assert len(content) < 5_000

    assert "1048576행에 값이 있습니다" in _refused_quickly(content)


def test_a_zip_bomb_of_shared_strings_is_refused_before_it_is_expanded(shared_strings_bomb):
    assert len(shared_strings_bomb) < 500_000

    assert "압축을 풀면 지나치게 커서" in _refused_quickly(shared_strings_bomb)


def test_a_row_wider_than_any_sheet_is_refused_while_streaming():
    """Styled empty cells, varied so the zip's ratio does not give them away first."""
    row = '<row r="3">' + "".join(f'<c s="{n}"/>' for n in range(20_000)) + "</row>"
    assert "3행에 칸이 너무 많습니다" in _refused_quickly(_xlsx(HEADER_AND_ONE_ROW + row))


def test_a_sheet_of_more_empty_cells_than_its_rows_could_fill_is_refused(monkeypatch):
    """Empty cells cost parsing time too: at most 50 a row for the rows that may be read."""
    monkeypatch.setattr(imports, "MAX_ROWS", 100)
    rows = "".join(f'<row r="{r}">' + "".join(f'<c s="{r * 40 + n}"/>' for n in range(40))
                   + "</row>" for r in range(3, 1_500))
    assert "시트에 칸이 너무 많습니다" in _refused_quickly(_xlsx(HEADER_AND_ONE_ROW + rows))


def test_a_value_far_to_the_right_or_an_over_long_cell_is_refused():
    wide = '<row r="3"><c r="XFD3"><v>1</v></c></row>'
    assert "3행: 50열까지만 읽습니다" in _refused_quickly(_xlsx(HEADER_AND_ONE_ROW + wide))

    long_cell = '<row r="3">' + _cell("B3", "가" * 200_000) + "</row>"
    assert "지나치게 긴 값" in _refused_quickly(_xlsx(HEADER_AND_ONE_ROW + long_cell))


def test_entity_expansion_in_any_part_is_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b'<sst xmlns="' + MAIN.encode() + b'"><si><t>&b;</t></si></sst>')
    assert "엑셀(.xlsx) 파일을 열 수 없습니다" in _refused_quickly(
        _xlsx(HEADER_AND_ONE_ROW, shared_strings=[laughs]))


def test_a_declared_dimension_is_not_trusted_for_reading_either():
    """The full-grid claim without the far cell reads just the rows that are there."""
    content = _xlsx(HEADER_AND_ONE_ROW, dimension="A1:XFD1048576")
    rows = []
    started = time.perf_counter()
    peak = _peak_memory(lambda: rows.extend(
        imports.read_rows("people.xlsx", content, imports.PEOPLE_COLUMNS)))
    assert rows == [(2, {"employee_number": "H-1", "name": "홍길동"})]
    assert time.perf_counter() - started < TIME_LIMIT_S and peak < MEMORY_LIMIT


def test_legacy_or_password_protected_workbooks_get_a_clear_reason():
    assert ".xls" in _refused_quickly(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


# --- CSV ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "reason"), [
    ("직원번호,성명\nA-1,홍\x00길동\n".encode(), "2행에 NUL 문자"),
    ("직원번호,성명\nA-1,홍길동\n".encode("utf-16"), "UTF-16"),
    ("직원번호,성명\nA-1,홍길동\n".encode() + b"A-2,\xff\xfe\xfa\n", "3행에 UTF-8로도 CP949로도"),
    (("직원번호,성명\nA-1," + "가" * 100_001 + "\n").encode(), "2행이 너무 깁니다"),
    (("직원번호,성명\n" + "A,B\n" * 20_001).encode(), "20000행까지"),
    (("직원번호,성명\nA-1,홍길동" + ",x" * 60 + "\n").encode(), "2행: 50열까지만"),
    ('직원번호,성명\nA-1,"홍길동\n'.encode(), "CSV 형식이 올바르지 않습니다"),
])
def test_unreadable_csv_files_are_refused_with_the_reason(content, reason):
    assert reason in _refused_quickly(content, name="people.csv")


def test_a_csv_larger_than_the_upload_limit_is_refused_before_decoding(settings):
    settings.HARMONY_MAX_UPLOAD_BYTES = 1000
    assert "파일이 너무 큽니다" in _refused_quickly(b"a" * 1001, name="people.csv")

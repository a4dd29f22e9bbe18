"""Exported spreadsheets hold what people typed as text, never as something Excel runs."""

import io

from openpyxl import load_workbook

from core.spreadsheets import xlsx_response


def _cells(*values):
    response = xlsx_response(sheet_title="s", header=["h"], rows=[[v] for v in values],
                             filename="s.xlsx")
    return [row[0] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(
        min_row=2)]


def test_values_excel_would_run_or_read_as_errors_are_written_as_text():
    dangerous = ['=HYPERLINK("http://x","y")', "=1+1", "+1", "-1", "@SUM(A1)", "#N/A",
                 "\t=1", "-김"]
    cells = _cells(*dangerous)
    assert [cell.value for cell in cells] == dangerous
    assert {cell.data_type for cell in cells} == {"s"}
    assert all(cell.quotePrefix for cell in cells)


def test_control_characters_are_dropped_instead_of_failing_the_download():
    assert [cell.value for cell in _cells("제목\x01\x08끝")] == ["제목끝"]


def test_numbers_stay_numbers():
    assert _cells(3)[0].data_type == "n"

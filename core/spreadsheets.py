"""XLSX downloads whose text cells stay text, whatever a user typed into a title or a name.

openpyxl stores any string that begins with "=" as a formula, so a document titled
``=HYPERLINK("http://x","y")`` became a live link (or worse) in the official's Excel: formula
injection (OWASP "CSV Injection"). OWASP's remedy for CSV is to prefix a quote to values
beginning with = + - @ tab or CR, because CSV has no types. XLSX has types, so every text cell
is written as a string cell instead, with the quotePrefix style Excel itself sets for text
typed after an apostrophe: the value stays exactly what was typed (names such as "-김" are not
disfigured, and an exported people list can be imported back unchanged), and the cell stays
text even when someone edits it and presses Enter.
"""

import io
from collections.abc import Iterable
from itertools import chain

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_cell(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """Return a cell that holds ``value`` as text, never as a formula or an error code."""
    # Control characters are not allowed in XML; openpyxl would raise on them (a 500).
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def xlsx_response(*, sheet_title: str, header: list[str], rows: Iterable[Iterable],
                  filename: str) -> HttpResponse:
    """Send one sheet, header first, as an XLSX download; strings become text cells."""
    return xlsx_workbook_response(sheets=[(sheet_title, header, rows)], filename=filename)


def xlsx_workbook_response(*, sheets: Iterable[tuple[str, list[str], Iterable[Iterable]]],
                           filename: str) -> HttpResponse:
    """Send several sheets (title, header, rows) as one XLSX download."""
    workbook = Workbook(write_only=True)
    for sheet_title, header, rows in sheets:
        sheet = workbook.create_sheet(sheet_title)
        for row in chain([header], rows):
            sheet.append([text_cell(sheet, value) if isinstance(value, str) else value
                          for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
